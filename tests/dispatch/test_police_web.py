"""Police handoffs, uninvited police and 988 transfers through the pages and the API."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from access import roles
from access.navigation import landing_url
from dispatch.models import Call, FieldEvent
from dispatch.services import call_create, unit_assign
from tests.dispatch.conftest import AFTERNOON, NY, welfare_check

pytestmark = pytest.mark.django_db

NIGHT = datetime(2026, 3, 10, 23, 0, tzinfo=NY)
NEW_CALL = {
    "call_type": "TRESPASS",
    "address": "12 Police Way",
    "answers": {"weapon": "no", "violence": "no"},
}


@pytest.fixture
def officer(make_user):
    return make_user("pat", roles.POLICE)


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", headers=headers)


def police_call(by, received_at=AFTERNOON):
    call, _ = call_create(
        by=by,
        data=welfare_check(
            call_type="TRESPASS",
            received_at=received_at,
            override_route="POLICE",
            override_reason="officer nearby",
        ),
    )
    return call


def test_the_api_logs_a_new_call_police_hand_to_heart(client_for, officer):
    with time_machine.travel(AFTERNOON, tick=False):
        response = post(
            client_for(officer),
            "/api/v1/handoffs/",
            {"reason": "asleep in a doorway", "new_call": NEW_CALL},
        )
    assert response.status_code == 201, response.content
    body = response.json()
    call = Call.objects.get(pk=body["call"])
    assert body == {
        "call": call.pk,
        "created": True,
        "handed_off": True,
        "route": "HEART",
        "note": "HEART is on duty",
    }
    assert (call.source, call.address) == ("police_handoff", "12 Police Way")
    assert response["Cache-Control"] == "no-store"


def test_the_api_tells_the_officer_why_an_existing_call_stays_with_police(
    client_for, officer, call_taker
):
    call = police_call(call_taker, received_at=NIGHT)
    with time_machine.travel(NIGHT, tick=False):
        response = post(
            client_for(officer), "/api/v1/handoffs/", {"reason": "needs HEART", "call": call.pk}
        )
    assert response.status_code == 200
    assert response.json()["handed_off"] is False
    assert "HEART, CO_RESPONSE off duty at 23:00" in response.json()["note"]


def test_the_api_refuses_a_handoff_on_a_call_police_never_held(client_for, officer, make_call):
    call = make_call()
    with time_machine.travel(AFTERNOON, tick=False):
        response = post(client_for(officer), "/api/v1/handoffs/", {"reason": "r", "call": call.pk})
    assert response.status_code == 400
    assert "only a call police held" in response.json()["call"][0]


def test_the_api_replays_a_new_call_for_the_same_idempotency_key(client_for, officer):
    client = client_for(officer)
    body = {"reason": "r", "new_call": NEW_CALL}
    with time_machine.travel(AFTERNOON, tick=False):
        first = post(client, "/api/v1/handoffs/", body, **{"Idempotency-Key": "abc"})
        again = post(client, "/api/v1/handoffs/", body, **{"Idempotency-Key": "abc"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["call"] == again.json()["call"]


def test_the_api_records_an_uninvited_police_arrival(
    client_for, dispatcher, responder, make_call, heart_unit, police_unit
):
    call = make_call()
    other = make_call(address="2 Main St")
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    response = post(
        client_for(responder),
        f"/api/v1/calls/{call.pk}/police-arrival/",
        {"note": "two cars arrived", "unit": police_unit.pk},
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "police_uninvited"
    # A responder records it on their own unit's call only.
    refused = post(client_for(responder), f"/api/v1/calls/{other.pk}/police-arrival/", {})
    assert refused.status_code == 403
    assert (
        post(client_for(dispatcher), f"/api/v1/calls/{other.pk}/police-arrival/", {}).status_code
        == 201
    )


def test_the_api_transfers_a_waiting_call_and_resolves_a_phone_call_to_988(
    client_for, dispatcher, ccd_clinician, make_call
):
    call = make_call()
    response = post(
        client_for(dispatcher), f"/api/v1/calls/{call.pk}/transfer-988/", {"transfer_988": "warm"}
    )
    assert response.status_code == 200
    assert (response.json()["transfer_988"], response.json()["status"]) == ("warm", "closed")
    phone = make_call(
        call_type="MENTAL_HEALTH",
        answers={
            "weapon": "no",
            "violence": "no",
            "caller_is_subject": "yes",
            "wants_in_person": "no",
        },
    )
    url = f"/api/v1/calls/{phone.pk}/ccd/resolve/"
    missing = post(client_for(ccd_clinician), url, {"disposition": "transferred_to_988"})
    assert missing.status_code == 400 and "transfer_988" in missing.json()
    done = post(
        client_for(ccd_clinician),
        url,
        {"disposition": "transferred_to_988", "transfer_988": "cold"},
    )
    assert done.status_code == 200 and done.json()["transfer_988"] == "cold"


def test_the_police_page_hands_a_new_call_over_and_lists_it(client_for, officer):
    client = client_for(officer)
    assert client.get("/dispatch/handoffs/").status_code == 200
    with time_machine.travel(AFTERNOON, tick=False):
        response = client.post(
            "/dispatch/handoffs/",
            {
                "target": "HEART",
                "reason": "calm now",
                "call_type": "TRESPASS — Trespass",
                "address": "9 Elm St",
                "weapon": "no",
                "violence": "no",
            },
            follow=True,
        )
    page = response.content.decode()
    call = Call.objects.get(source="police_handoff")
    assert f"Call {call.pk} handed to HEART: HEART is on duty." in page
    assert f"#{call.pk}" in page and "9 Elm St" not in page  # the list shows no address


def test_the_police_page_shows_why_a_call_stays_with_police(client_for, officer, call_taker):
    call = police_call(call_taker, received_at=NIGHT)
    with time_machine.travel(NIGHT, tick=False):
        response = client_for(officer).post(
            "/dispatch/handoffs/",
            {"target": "CO_RESPONSE", "reason": "needs a clinician", "call_id": str(call.pk)},
            follow=True,
        )
    assert (
        f"Call {call.pk} stays with POLICE: CO_RESPONSE off duty at 23:00: the call stays with "
        "police." in response.content.decode()
    )


def test_the_police_page_names_the_field_of_a_bad_request(client_for, officer):
    response = client_for(officer).post("/dispatch/handoffs/", {"target": "HEART", "reason": "r"})
    assert response.status_code == 400
    assert "required for a new call (or give the call number)" in response.content.decode()


def test_the_call_page_offers_the_handoff_only_on_a_call_police_held(
    client_for, dispatcher, call_taker, make_call
):
    client = client_for(dispatcher)
    held = police_call(call_taker)
    heart = make_call()
    assert "Police hand this call to" in client.get(f"/dispatch/calls/{held.pk}/").content.decode()
    page = client.get(f"/dispatch/calls/{heart.pk}/").content.decode()
    assert "Police hand this call to" not in page
    assert "Police arrived uninvited" in page and "Transfer to the 988 center" in page
    with time_machine.travel(AFTERNOON, tick=False):
        response = client.post(
            f"/dispatch/calls/{held.pk}/handoff/",
            {"reason": "calm", "target": "CO_RESPONSE"},
            follow=True,
        )
    assert "now routed to CO_RESPONSE" in response.content.decode()


def test_the_call_page_records_an_arrival_and_a_transfer(
    client_for, dispatcher, make_call, police_unit
):
    client = client_for(dispatcher)
    call = make_call()
    client.post(f"/dispatch/calls/{call.pk}/police-arrived/", {"unit": police_unit.pk, "note": "x"})
    assert FieldEvent.objects.get(call=call).kind == "police_uninvited"
    response = client.post(
        f"/dispatch/calls/{call.pk}/transfer-988/", {"transfer_988": "warm"}, follow=True
    )
    assert "transferred to 988 (Warm (hand-over on the line))" in response.content.decode()
    call.refresh_from_db()
    assert call.transfer_988 == "warm"


def test_the_responder_records_police_arriving_on_their_call(
    client_for, dispatcher, responder, make_call, heart_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    client = client_for(responder)
    assert "Record police arrival" in client.get("/dispatch/my-unit/").content.decode()
    client.post("/dispatch/my-unit/police-arrived/", {"note": "patrol car"})
    assert FieldEvent.objects.get(call=call).reason == "patrol car"


def test_the_ccd_queue_resolves_a_call_as_a_warm_transfer(client_for, ccd_clinician, make_call):
    phone = make_call(
        call_type="MENTAL_HEALTH",
        answers={
            "weapon": "no",
            "violence": "no",
            "caller_is_subject": "yes",
            "wants_in_person": "no",
        },
    )
    client = client_for(ccd_clinician)
    assert "Transfer to 988" in client.get("/dispatch/ccd/").content.decode()
    client.post(
        f"/dispatch/ccd/{phone.pk}/resolve/",
        {"disposition": "transferred_to_988", "transfer_988": "warm"},
    )
    phone.refresh_from_db()
    assert (phone.status, phone.transfer_988) == ("closed", "warm")


def test_a_police_user_lands_on_the_handoff_page(officer):
    assert landing_url(officer) == "/dispatch/handoffs/"
