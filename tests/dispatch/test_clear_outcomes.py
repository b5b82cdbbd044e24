"""Outcomes and self-reported demographics at clearing (issue 15 item 3): optional in the API
and the responder's form, refused by field when they contradict themselves."""

import pytest
from rest_framework.test import APIClient

from dispatch.models import Call, CallOutcome
from dispatch.services import Outcome, call_clear, unit_assign
from dispatch.services.clearing import FeltSafe

pytestmark = pytest.mark.django_db


def clear(user, call, **body):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(f"/api/v1/calls/{call.pk}/clear/", body, format="json")


@pytest.fixture
def on_scene(make_call, dispatcher, heart_unit):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    return call


def safe(responder):
    return [{"responder": responder.pk, "safe": True}]


def test_it_records_outcomes_and_demographics_through_the_api(dispatcher, responder, on_scene):
    response = clear(
        dispatcher,
        on_scene,
        disposition="transported_crisis_center",
        felt_safe=safe(responder),
        outcome={
            "arrest": False,
            "use_of_force": False,
            "ivc_petitioned": True,
            "ed_diverted": True,
            "transport_by": "heart",
            "transport_to": "crisis_center",
            "transport_voluntary": "involuntary",
            "age_band": "25_34",
            "housing_status": "unsheltered",
        },
    )
    assert response.status_code == 200, response.json()
    row = CallOutcome.objects.get(call=on_scene)
    assert (row.arrest, row.use_of_force, row.ivc_petitioned, row.ed_diverted) == (
        False,
        False,
        True,
        True,
    )
    assert (row.transport_by, row.transport_to, row.transport_voluntary) == (
        "heart",
        "crisis_center",
        "involuntary",
    )
    assert (row.age_band, row.housing_status) == ("25_34", "unsheltered")
    # Not given: "not collected", a value of its own.
    assert (row.gender, row.race_ethnicity, row.veteran) == ("not_collected",) * 3
    assert row.recorded_by == dispatcher


def test_it_keeps_old_clients_working_without_an_outcome(dispatcher, responder, on_scene):
    response = clear(
        dispatcher, on_scene, disposition="resolved_on_scene", felt_safe=safe(responder)
    )
    assert response.status_code == 200, response.json()
    assert not CallOutcome.objects.filter(call=on_scene).exists()


def test_it_accepts_nulls_and_blanks_as_not_recorded(dispatcher, responder, on_scene):
    response = clear(
        dispatcher,
        on_scene,
        disposition="resolved_on_scene",
        felt_safe=safe(responder),
        outcome={"arrest": None, "transport_by": "", "gender": "woman"},
    )
    assert response.status_code == 200, response.json()
    row = CallOutcome.objects.get(call=on_scene)
    assert (row.arrest, row.transport_by, row.gender) == (None, "", "woman")


@pytest.mark.parametrize(
    ("outcome", "field", "words"),
    [
        ({"transport_by": "helicopter"}, "transport_by", "not a valid choice"),
        ({"age_band": "40ish"}, "age_band", "not a valid choice"),
        ({"arrest": "perhaps"}, "arrest", "valid boolean"),
        ({"favourite_colour": "blue"}, "favourite_colour", "not a field"),
    ],
)
def test_it_refuses_bad_outcome_fields_by_name(
    dispatcher, responder, on_scene, outcome, field, words
):
    response = clear(
        dispatcher,
        on_scene,
        disposition="resolved_on_scene",
        felt_safe=safe(responder),
        outcome=outcome,
    )
    assert response.status_code == 400
    body = response.json()
    assert field in str(body["outcome"]) and words in str(body["outcome"]), body
    assert Call.objects.get(pk=on_scene.pk).status == "active"


@pytest.mark.parametrize(
    ("disposition", "outcome", "key", "words"),
    [
        ("resolved_on_scene", {"transport_by": "ems"}, "outcome.transport_to", "where to"),
        (
            "resolved_on_scene",
            {"transport_by": "ems", "transport_to": "hospital_ed"},
            "outcome.transport_voluntary",
            "voluntary or involuntary",
        ),
        (
            "resolved_on_scene",
            {"transport_to": "detox"},
            "outcome.transport_to",
            "who transported first",
        ),
        (
            "transported_hospital",
            {"transport_by": "none"},
            "outcome.transport_by",
            "is a transport",
        ),
        (
            "transported_hospital",
            {
                "transport_by": "ems",
                "transport_to": "hospital_ed",
                "transport_voluntary": "voluntary",
                "ed_diverted": True,
            },
            "outcome.ed_diverted",
            "not diverted",
        ),
    ],
)
def test_it_refuses_contradictory_outcomes_by_field_and_saves_nothing(
    dispatcher, responder, on_scene, disposition, outcome, key, words
):
    response = clear(
        dispatcher,
        on_scene,
        disposition=disposition,
        felt_safe=safe(responder),
        outcome=outcome,
    )
    assert response.status_code == 400
    assert words in " ".join(response.json()[key])
    assert Call.objects.get(pk=on_scene.pk).status == "active"
    assert not CallOutcome.objects.exists()


def test_it_lets_a_second_clearing_update_only_the_fields_it_gives(
    dispatcher, responder, on_scene, police_unit
):
    unit_assign(call_id=on_scene.pk, unit_id=police_unit.pk, by=dispatcher)
    call_clear(
        call_id=on_scene.pk,
        unit_id=police_unit.pk,
        disposition="police_took_over",
        felt_safe=[],
        outcome=Outcome(arrest=True, use_of_force=False, gender="man"),
        by=dispatcher,
    )
    call_clear(
        call_id=on_scene.pk,
        disposition="resolved_on_scene",
        felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
        outcome=Outcome(transport_by="none", veteran="yes"),
        by=dispatcher,
    )
    row = CallOutcome.objects.get(call=on_scene)
    assert (row.arrest, row.use_of_force, row.gender) == (True, False, "man")
    assert (row.transport_by, row.veteran) == ("none", "yes")


def test_it_records_outcomes_from_the_responders_form(client_for, dispatcher, responder, on_scene):
    client = client_for(responder)
    page = client.get("/dispatch/my-unit/").content.decode()
    assert "Police use of force" in page and "Housing status" in page
    base = {"disposition": "transported_hospital", f"safe_{responder.pk}": "yes"}
    bad = client.post("/dispatch/my-unit/clear/", {**base, "transport_by": "ems"})
    assert bad.status_code == 400
    assert "transported by ems: say where to" in bad.content.decode()
    assert "transport_by" in bad.content.decode()  # what was typed is kept
    ok = client.post(
        "/dispatch/my-unit/clear/",
        {
            **base,
            "arrest": "no",
            "transport_by": "ems",
            "transport_to": "hospital_ed",
            "transport_voluntary": "voluntary",
            "age_band": "not_collected",
            "veteran": "no",
        },
    )
    assert ok.status_code == 302
    row = CallOutcome.objects.get(call=on_scene)
    assert (row.arrest, row.transport_by, row.veteran, row.age_band) == (
        False,
        "ems",
        "no",
        "not_collected",
    )
    assert row.ivc_petitioned is None


def test_it_documents_the_outcome_as_optional_in_the_openapi_schema(client_for, dispatcher):
    schema = client_for(dispatcher).get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/calls/{call_id}/clear/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    clear_schema = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert "outcome" in clear_schema["properties"]
    assert clear_schema["required"] == ["disposition"]
    outcome = schema["components"]["schemas"]["OutcomeRequest"]
    assert "required" not in outcome
    assert set(outcome["properties"]) >= {"arrest", "transport_by", "age_band", "veteran"}


def test_it_shows_the_recorded_outcomes_but_not_the_demographics_on_the_call_page(
    client_for, dispatcher, responder, on_scene
):
    call_clear(
        call_id=on_scene.pk,
        disposition="transported_hospital",
        felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
        outcome=Outcome(
            arrest=False,
            transport_by="ems",
            transport_to="hospital_ed",
            transport_voluntary="voluntary",
            housing_status="unsheltered",
        ),
        by=dispatcher,
    )
    page = client_for(dispatcher).get(f"/dispatch/calls/{on_scene.pk}/").content.decode()
    assert "Arrest: <strong>no</strong>" in page
    assert "Transport: <strong>EMS to hospital emergency department (voluntary)</strong>" in page
    assert "nsheltered" not in page
    assert "Police use of force:" not in page  # not recorded: not shown


def test_it_shows_no_outcome_row_for_a_call_cleared_without_one(
    client_for, dispatcher, responder, on_scene
):
    call_clear(
        call_id=on_scene.pk,
        disposition="resolved_on_scene",
        felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
        by=dispatcher,
    )
    page = client_for(dispatcher).get(f"/dispatch/calls/{on_scene.pk}/").content.decode()
    assert "<th>Outcome</th>" not in page


def test_a_closed_call_lists_the_units_that_cleared_it(client_for, dispatcher, responder, on_scene):
    call_clear(
        call_id=on_scene.pk,
        disposition="resolved_on_scene",
        felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
        by=dispatcher,
    )
    page = client_for(dispatcher).get(f"/dispatch/calls/{on_scene.pk}/").content.decode()
    assert "No unit on this call." not in page
    units = page.split('class="cleared-units"', 1)[1].split("</ul>", 1)[0]
    assert "HEART-1" in units and "cleared" in units and "Resolved on scene" in units
