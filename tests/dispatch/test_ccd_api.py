"""The phone line's API: GET /api/v1/ccd/queue/, POST /api/v1/calls/{id}/ccd/resolve/ and
.../ccd/convert/, for whoever works the CCD queue."""

from __future__ import annotations

import pytest
import time_machine

from access.models import AuditEntry
from care_navigation.models import Case
from dispatch.models import Call
from tests.dispatch.conftest import AFTERNOON

pytestmark = pytest.mark.django_db

PHONE_ANSWERS = {
    "weapon": "no",
    "violence": "no",
    "caller_is_subject": "yes",
    "wants_in_person": "no",
}


@pytest.fixture
def phone_call(make_call):
    call = make_call(
        call_type="MENTAL_HEALTH",
        answers=PHONE_ANSWERS,
        caller_name="Jo",
        callback_number="919-555-0101",
        narrative="cannot sleep, wants to talk",
    )
    assert call.status == Call.Status.PHONE
    return call


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def resolve(call):
    return f"/api/v1/calls/{call.pk}/ccd/resolve/"


def convert(call):
    return f"/api/v1/calls/{call.pk}/ccd/convert/"


def test_it_lists_the_queue_with_what_the_clinician_needs(client_for, ccd_clinician, phone_call):
    response = client_for(ccd_clinician).get("/api/v1/ccd/queue/")
    assert response.status_code == 200
    [row] = response.json()
    assert {k: row[k] for k in ("id", "status", "call_type", "caller_name", "callback_number")} == {
        "id": phone_call.pk,
        "status": "phone",
        "call_type": "MENTAL_HEALTH",
        "caller_name": "Jo",
        "callback_number": "919-555-0101",
    }
    assert row["rule"] == "R7-phone" and row["answers"] == PHONE_ANSWERS
    assert row["call_type_label"] == "Mental health crisis" and row["person"] is None


@pytest.mark.parametrize("who", ["call_taker", "dispatcher", "responder", "navigator", "outsider"])
def test_it_keeps_the_phone_line_to_those_who_work_it(request, client_for, phone_call, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/api/v1/ccd/queue/").status_code == 403
    by_phone = {"disposition": "resolved_by_phone"}
    assert post(client, resolve(phone_call), by_phone).status_code == 403
    assert post(client, convert(phone_call), {}).status_code == 403
    assert Call.objects.get(pk=phone_call.pk).status == "phone"


def test_it_resolves_a_call_by_phone_and_answers_with_the_call(
    client_for, ccd_clinician, phone_call
):
    response = post(
        client_for(ccd_clinician), resolve(phone_call), {"disposition": "safety_plan_made"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["disposition"], body["ccd_disposition"]) == (
        "closed",
        "safety_plan_made",
        "safety_plan_made",
    )
    entry = AuditEntry.objects.get(action="call.ccd_resolve")
    assert entry.user == ccd_clinician and entry.detail["disposition"] == "safety_plan_made"


def test_it_opens_a_case_for_a_referral_with_consent(
    client_for, ccd_clinician, navigator, phone_call
):
    response = post(
        client_for(ccd_clinician),
        resolve(phone_call),
        {
            "disposition": "referred_to_care_navigation",
            "referral": {"consent": True, "needs": ["housing"], "person_name": "Jo Reyes"},
        },
    )
    assert response.status_code == 200, response.content
    case = Case.objects.get(call=phone_call)
    assert (case.person.name, case.navigator) == ("Jo Reyes", navigator)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"disposition": "resolved_on_scene"}, "disposition"),
        ({"disposition": "converted_to_field_response"}, "disposition"),
        ({}, "disposition"),
        ({"disposition": "referred_to_care_navigation"}, "referral"),
        (
            {"disposition": "referred_to_care_navigation", "referral": {"consent": True}},
            "referral.needs",
        ),
        (
            {
                "disposition": "referred_to_care_navigation",
                "referral": {"consent": True, "needs": ["pizza"]},
            },
            "referral",
        ),
    ],
)
def test_it_refuses_bad_input_by_field_and_changes_nothing(
    client_for, ccd_clinician, phone_call, body, field
):
    response = post(client_for(ccd_clinician), resolve(phone_call), body)
    assert response.status_code == 400
    assert field in response.json()
    assert Call.objects.get(pk=phone_call.pk).status == "phone"


def test_it_answers_409_when_the_call_left_the_queue_and_404_for_no_call(
    client_for, ccd_clinician, phone_call
):
    client = client_for(ccd_clinician)
    by_phone = {"disposition": "resolved_by_phone"}
    assert post(client, resolve(phone_call), by_phone).status_code == 200
    again = post(client, resolve(phone_call), {"disposition": "caller_disconnected"})
    assert again.status_code == 409
    assert again.json()["detail"] == "call not in the CCD queue" and "call" in again.json()
    assert post(client, convert(phone_call), {}).status_code == 409
    missing = f"/api/v1/calls/{phone_call.pk + 999}/ccd/resolve/"
    assert post(client, missing, {"disposition": "resolved_by_phone"}).status_code == 404
    assert Call.objects.get(pk=phone_call.pk).disposition == "resolved_by_phone"


def test_it_converts_a_call_to_a_field_response(client_for, ccd_clinician, phone_call):
    with time_machine.travel(AFTERNOON, tick=False):
        response = post(
            client_for(ccd_clinician),
            convert(phone_call),
            {"reason": "wants someone to come", "answers": {"threats": "no"}},
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["route"], body["ccd_disposition"]) == (
        "queued",
        "HEART",
        "converted_to_field_response",
    )
    assert body["answers"]["wants_in_person"] == "yes" and body["answers"]["threats"] == "no"


def test_it_refuses_bad_answers_on_a_conversion(client_for, ccd_clinician, phone_call):
    response = post(
        client_for(ccd_clinician), convert(phone_call), {"answers": {"weapon": "maybe"}}
    )
    assert response.status_code == 400 and "answers" in response.json()
    assert Call.objects.get(pk=phone_call.pk).status == "phone"


def test_it_documents_the_phone_line_in_the_openapi_schema(client_for, ccd_clinician):
    schema = client_for(ccd_clinician).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    assert "get" in paths["/api/v1/ccd/queue/"]
    resolve_op = paths["/api/v1/calls/{call_id}/ccd/resolve/"]["post"]
    assert {"200", "400", "404", "409"} <= set(resolve_op["responses"])
    assert "post" in paths["/api/v1/calls/{call_id}/ccd/convert/"]
    ref = resolve_op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request_schema = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    disposition = request_schema["properties"]["disposition"]
    enum_ref = disposition.get("$ref") or disposition["allOf"][0]["$ref"]
    codes = schema["components"]["schemas"][enum_ref.rsplit("/", 1)[1]]["enum"]
    assert codes == [
        "resolved_by_phone",
        "safety_plan_made",
        "referred_to_care_navigation",
        "transferred_to_988",
        "caller_disconnected",
    ]
