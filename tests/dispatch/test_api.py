import pytest
from rest_framework.test import APIClient

from dispatch.models import Call
from tests.dispatch.conftest import AFTERNOON

pytestmark = pytest.mark.django_db

BODY = {
    "call_type": "WELFARE_CHECK",
    "address": "101 City Hall Plaza",
    "lat": 35.994,
    "lon": -78.898,
    "caller_name": "Jo",
    "callback_number": "919-555-0100",
    "narrative": "Neighbour has not been seen for two days",
    "answers": {"weapon": "no", "violence": "no"},
    "received_at": "2026-03-10T14:05:00-04:00",
}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_creates_a_call_once_per_idempotency_key(call_taker):
    client = api(call_taker)
    first = client.post("/api/v1/calls/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert {k: body[k] for k in ("status", "route", "priority", "rule", "ruleset_version")} == {
        "status": "queued",
        "route": "HEART",
        "priority": "P2",
        "rule": "R8-community",
        "ruleset_version": 2,
    }
    assert body["explanation"] == "Welfare check, no weapon, no violence: HEART (R8-community)"
    again = client.post("/api/v1/calls/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    other = client.post(
        "/api/v1/calls/",
        {**BODY, "narrative": "different"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="abc-1",
    )
    assert other.status_code == 409
    assert Call.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"call_type": "NOT_A_TYPE"}, "call_type"),
        ({"answers": {"weapon": "maybe"}}, "answers"),
        ({"answers": {"wepon": "no"}}, "answers"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"lat": 200}, "lat"),
        ({"lat": None, "lon": 3.0}, "lon"),
        ({"address": "x" * 201}, "address"),
        ({"received_at": "1882-03-10T14:05:00-04:00"}, "received_at"),
    ],
)
def test_it_names_the_field_of_bad_input(call_taker, change, field):
    response = api(call_taker).post(
        "/api/v1/calls/", {**BODY, **change}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Call.objects.exists()


def test_it_requires_an_idempotency_key(call_taker):
    response = api(call_taker).post("/api/v1/calls/", BODY, format="json")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()


def test_it_accepts_a_mapped_external_label(call_taker):
    response = api(call_taker).post(
        "/api/v1/calls/", {**BODY, "call_type": "CRISIS"}, format="json", HTTP_IDEMPOTENCY_KEY="ext"
    )
    assert response.status_code == 201
    assert Call.objects.get().call_type_id == "MENTAL_HEALTH"


def test_it_assigns_and_answers_409_for_a_busy_unit(call_taker, dispatcher, heart_unit):
    client = api(call_taker)
    ids = [
        client.post(
            "/api/v1/calls/", {**BODY, "zone": str(i)}, format="json", HTTP_IDEMPOTENCY_KEY=f"k{i}"
        ).json()["id"]
        for i in range(2)
    ]
    d = api(dispatcher)
    ok = d.post(f"/api/v1/calls/{ids[0]}/assign/", {"unit": heart_unit.pk}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "active"
    busy = d.post(f"/api/v1/calls/{ids[1]}/assign/", {"unit": heart_unit.pk}, format="json")
    assert busy.status_code == 409 and busy.json()["detail"] == "unit already assigned"


def test_it_lets_responders_move_only_their_own_unit(
    dispatcher, responder, heart_unit, police_unit, make_call
):
    call = make_call()
    api(dispatcher).post(f"/api/v1/calls/{call.pk}/assign/", {"unit": heart_unit.pk}, format="json")
    r = api(responder)
    assert (
        r.post(
            f"/api/v1/units/{heart_unit.pk}/status/", {"status": "en_route"}, format="json"
        ).status_code
        == 200
    )
    assert (
        r.post(
            f"/api/v1/units/{police_unit.pk}/status/", {"status": "available"}, format="json"
        ).status_code
        == 403
    )
    bad = r.post(f"/api/v1/units/{heart_unit.pk}/status/", {"status": "asleep"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()


def test_it_clears_with_felt_safe_through_the_api(dispatcher, responder, heart_unit, make_call):
    call = make_call()
    api(dispatcher).post(f"/api/v1/calls/{call.pk}/assign/", {"unit": heart_unit.pk}, format="json")
    r = api(responder)
    missing = r.post(
        f"/api/v1/calls/{call.pk}/clear/", {"disposition": "resolved_on_scene"}, format="json"
    )
    assert missing.status_code == 400 and "felt_safe" in missing.json()
    ok = r.post(
        f"/api/v1/calls/{call.pk}/clear/",
        {
            "disposition": "resolved_on_scene",
            "felt_safe": [{"responder": responder.pk, "safe": True}],
        },
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "closed"


def test_it_serves_the_board_with_an_etag(dispatcher, make_call, heart_unit):
    make_call()
    client = api(dispatcher)
    first = client.get("/api/v1/board/")
    assert first.status_code == 200 and len(first.json()["waiting"]) == 1
    unchanged = client.get("/api/v1/board/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304


def test_it_lists_units_by_kind_and_status_and_tells_me_who_i_am(
    dispatcher, responder, heart_unit, police_unit
):
    units = api(dispatcher).get("/api/v1/units/?kind=HEART&status=available").json()
    assert [u["name"] for u in units] == ["HEART-1"]
    assert api(dispatcher).get("/api/v1/units/?kind=BOAT").status_code == 400
    me = api(responder).get("/api/v1/me/").json()
    assert me["roles"] == ["responder"] and me["unit"]["name"] == "HEART-1"


def test_it_keeps_calls_from_roles_without_access(navigator, make_call):
    call = make_call()
    client = api(navigator)
    assert client.get("/api/v1/calls/").status_code == 403
    assert client.get(f"/api/v1/calls/{call.pk}/").status_code == 403
    assert (
        client.post("/api/v1/calls/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="n").status_code
        == 403
    )


def test_it_defaults_received_at_to_now(call_taker):
    body = {k: v for k, v in BODY.items() if k != "received_at"}
    response = api(call_taker).post(
        "/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY="now"
    )
    assert response.status_code == 201
    assert Call.objects.get().received_at > AFTERNOON


def test_it_answers_409_when_the_call_closed_meanwhile(
    dispatcher, make_call, police_unit, call_taker
):
    from dispatch.services import call_create
    from tests.dispatch.conftest import welfare_check

    theft, _ = call_create(by=call_taker, data=welfare_check(call_type="THEFT", answers={}))
    d = api(dispatcher)
    d.post(f"/api/v1/calls/{theft.pk}/assign/", {"unit": police_unit.pk}, format="json")
    d.post(f"/api/v1/units/{police_unit.pk}/status/", {"status": "available"}, format="json")
    stale = d.post(f"/api/v1/calls/{theft.pk}/assign/", {"unit": police_unit.pk}, format="json")
    assert stale.status_code == 409 and stale.json()["detail"] == "call no longer open"


def test_it_refuses_a_narrative_past_5000_characters_by_field_and_never_cuts_it(call_taker):
    client = api(call_taker)
    long = client.post(
        "/api/v1/calls/",
        {**BODY, "narrative": "n" * 5001},
        format="json",
        HTTP_IDEMPOTENCY_KEY="long",
    )
    assert long.status_code == 400
    assert long.json() == {
        "narrative": [
            "at most 5,000 characters; this one has 5001. Nothing was cut: shorten it and try "
            "again."
        ]
    }
    assert not Call.objects.exists()
    kept = client.post(
        "/api/v1/calls/",
        {**BODY, "narrative": "k" * 5000},
        format="json",
        HTTP_IDEMPOTENCY_KEY="full",
    )
    assert kept.status_code == 201
    assert Call.objects.get().narrative == "k" * 5000
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/calls/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    narrative = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]["narrative"]
    assert narrative["maxLength"] == 5000
    assert "never cut" in narrative["description"]
