"""GET /api/v1/calls/{id}/eido/: every state a call can be in gives an EIDO valid against
NENA's schema file, and no care-navigation data goes into it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from dispatch.services import (
    FeltSafe,
    Referral,
    call_clear,
    call_fall_back,
    call_hold,
    ccd_resolve,
    unit_assign,
    unit_status_set,
)
from interop.eido_schema import eido_problems
from people.models import Person
from tests.interop.conftest import AFTERNOON

pytestmark = pytest.mark.django_db


def eido_of(user, call):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/calls/{call.pk}/eido/")
    assert response.status_code == 200, response.content
    assert "no-store" in response["Cache-Control"]
    return response.json()


def assert_valid(document):
    problems = list(eido_problems(document))
    assert problems == [], problems


def component(doc, name):
    return {item["$id"]: item for item in doc.get(name, [])}


def test_it_validates_a_queued_call_with_its_location_callback_and_notes(
    afternoon, make_call, dispatcher
):
    call = make_call(callback_number="919 555 0101", narrative="Man asleep <in> doorway\nCold")
    doc = eido_of(dispatcher, call)
    assert_valid(doc)
    incident = doc["incidentComponent"]
    assert incident["incidentTypeCommonRegistryText"] == "WELFARE"
    assert incident["incidentTypeInternalCode"] == "HEART"
    assert incident["incidentStatusCommonRegistryText"] == ["Pending"]
    assert incident["incidentCommonPriorityNumber"] == 2
    (location,) = doc["locationComponent"]
    assert "101 City Hall Plaza" in location["locationByValue"]
    assert "35.994 -78.898" in location["locationByValue"]
    assert doc["callbackComponent"][0]["callBackInformationUri"] == ["tel:9195550101"]
    assert doc["notesComponent"][0]["notesActionComments"] == (
        "Man asleep &lt;in&gt; doorway<br>Cold"
    )
    assert doc["agentComponent"][0]["$id"].startswith("casey@")
    assert "dispatchComponent" not in doc


def test_it_validates_assigned_on_scene_and_cleared_calls_with_each_units_times(
    afternoon, make_call, dispatcher, responder, heart_unit, police_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    assigned = eido_of(dispatcher, call)
    assert_valid(assigned)
    (resource,) = assigned["emergencyResourceComponent"]
    assert (resource["emergencyResourceName"], resource["primaryUnitStatusRegistryText"]) == (
        "HEART-1",
        "Dispatched",
    )
    (dispatch,) = assigned["dispatchComponent"]
    assert dispatch["emergencyResourceReference"] == [{"$ref": resource["$id"]}]

    unit_assign(call_id=call.pk, unit_id=police_unit.pk, by=dispatcher)
    with time_machine.travel(AFTERNOON + timedelta(minutes=9), tick=False):
        unit_status_set(unit_id=heart_unit.pk, status="on_scene", by=responder)
        on_scene = eido_of(dispatcher, call)
    assert_valid(on_scene)
    statuses = {
        r["emergencyResourceName"]: r["primaryUnitStatusRegistryText"]
        for r in on_scene["emergencyResourceComponent"]
    }
    assert statuses == {"HEART-1": "OnScene", "PD-1": "Dispatched"}
    heart = next(
        r for r in on_scene["emergencyResourceComponent"] if r["emergencyResourceName"] == "HEART-1"
    )
    assert heart["unitStatusInternal"][1].startswith("OnScene 2026-03-10T18:14:00")

    with time_machine.travel(AFTERNOON + timedelta(minutes=40), tick=False):
        unit_status_set(unit_id=police_unit.pk, status="available", by=dispatcher)
        call_clear(
            call_id=call.pk,
            unit_id=heart_unit.pk,
            disposition="resolved_on_scene",
            felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
            by=responder,
        )
        cleared = eido_of(dispatcher, call)
    assert_valid(cleared)
    assert cleared["incidentComponent"]["incidentStatusCommonRegistryText"] == ["Closed"]
    (disposition,) = cleared["incidentComponent"]["dispositionComponent"]
    assert disposition["dispositionCommonRegistryCode"] == "resolved_on_scene"
    assert cleared["callComponent"][0]["callStateRegistryText"] == "callEnd"


def test_it_validates_a_call_resolved_by_ccd_without_any_care_navigation_data(
    afternoon, call_taker, ccd_clinician
):
    from dispatch.services import CallInput, call_create

    call, _ = call_create(
        by=call_taker,
        data=CallInput(
            call_type="MENTAL_HEALTH",
            address="12 Main St",
            answers={
                "weapon": "no",
                "violence": "no",
                "caller_is_subject": "yes",
                "wants_in_person": "no",
            },
        ),
    )
    assert call.route == "CCD"
    ccd_resolve(
        call_id=call.pk,
        disposition="referred_to_care_navigation",
        by=ccd_clinician,
        referral=Referral(
            consent=True,
            needs=["substance_use", "housing"],
            person_name="Jordan Secretperson",
            phone="919-555-0199",
        ),
    )
    call.refresh_from_db()
    assert Person.objects.filter(pk=call.person_id).exists()
    doc = eido_of(call_taker, call)
    assert_valid(doc)
    assert doc["incidentComponent"]["dispositionComponent"][0]["dispositionCommonRegistryCode"] == (
        "referred_to_care_navigation"
    )
    text = json.dumps(doc)
    for secret in ("Secretperson", "substance", "housing", "919-555-0199", "consent", "person"):
        assert secret not in text.replace("personReference", "")


def test_it_validates_a_call_that_fell_back_and_a_call_outside_hours(
    make_call, dispatcher, call_taker
):
    with time_machine.travel(AFTERNOON, tick=False):
        call = make_call()
        call_hold(call_id=call.pk, by=dispatcher)
        call_fall_back(call_id=call.pk, by=dispatcher)
        fallen = eido_of(dispatcher, call)
    assert_valid(fallen)
    assert fallen["incidentComponent"]["incidentTypeInternalCode"] == "CO_RESPONSE"
    assert "(no_unit)" in fallen["incidentComponent"]["incidentTypeInternalText"]
    night = AFTERNOON.replace(hour=23)
    with time_machine.travel(night, tick=False):
        late = make_call(received_at=night, address="", lat=None, lon=None)
        doc = eido_of(dispatcher, late)
    assert_valid(doc)
    assert doc["incidentComponent"]["incidentTypeInternalCode"] == "POLICE"
    assert "locationComponent" not in doc


def test_it_refuses_an_unknown_call_and_a_role_that_reads_no_calls(afternoon, make_call, navigator):
    client = APIClient()
    client.force_authenticate(navigator)
    call = make_call()
    assert client.get(f"/api/v1/calls/{call.pk}/eido/").status_code == 403
    client.force_authenticate(None)
    assert client.get(f"/api/v1/calls/{call.pk}/eido/").status_code in (401, 403)


def test_it_carries_the_field_notes_and_supplements_as_eido_notes(afternoon, make_call, dispatcher):
    from dispatch.services import call_note_add

    call = make_call(narrative="Caller worried about her neighbour")
    with time_machine.travel(AFTERNOON + timedelta(minutes=3), tick=False):
        call_note_add(call_id=call.pk, text="Subject calmer, staying 30 min", by=dispatcher)
    doc = eido_of(dispatcher, call)
    assert_valid(doc)
    texts = [n["notesActionComments"] for n in doc["notesComponent"]]
    assert texts == [
        "Caller worried about her neighbour",
        "Field note: Subject calmer, staying 30 min",
    ]
    refs = {r["$ref"] for r in doc["incidentComponent"]["notesReference"]}
    assert refs == set(component(doc, "notesComponent"))
