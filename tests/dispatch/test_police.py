"""Police and the department (docs/police_and_988.md): handoffs of calls police held, within
duty hours, asked for by a dispatcher or by police themselves; police arriving uninvited."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from access import roles
from access.models import AuditEntry
from dispatch.models import Call, FieldEvent
from dispatch.services import (
    HandoffDeclined,
    call_create,
    handoff_record,
    police_arrival_record,
    police_handoff_request,
    unit_assign,
)
from tests.dispatch.conftest import AFTERNOON, NY, welfare_check

pytestmark = pytest.mark.django_db

# Tuesday 10 March 2026: HEART is on duty 07-19, co-response 09-21 (the defaults).
EVENING = datetime(2026, 3, 10, 20, 0, tzinfo=NY)  # HEART off, co-response on
NIGHT = datetime(2026, 3, 10, 23, 0, tzinfo=NY)  # both off


@pytest.fixture
def officer(make_user):
    return make_user("pat", roles.POLICE)


def police_call(call_taker, received_at=AFTERNOON):
    """A trespass taken by police: the call-taker sent it to police (an override)."""
    call, _ = call_create(
        by=call_taker,
        data=welfare_check(
            call_type="TRESPASS",
            received_at=received_at,
            override_route="POLICE",
            override_reason="officer already nearby",
        ),
    )
    assert call.route == "POLICE"
    return call


def new_call(**overrides):
    fields = {"call_type": "TRESPASS", "answers": {"weapon": "no", "violence": "no"}}
    return welfare_check(received_at=None, **{**fields, **overrides})


def test_it_hands_a_police_call_to_heart_when_heart_is_on_duty(call_taker, dispatcher):
    call = police_call(call_taker)
    with time_machine.travel(AFTERNOON, tick=False):
        event = handoff_record(call_id=call.pk, reason="calm, needs HEART", by=dispatcher)
    call.refresh_from_db()
    assert (call.route, call.status, event.kind) == ("HEART", "queued", "handoff")
    assert "police handoff: HEART is on duty" in call.explanation
    entry = AuditEntry.objects.get(action="call.handoff")
    assert entry.detail["from"] == "POLICE" and entry.detail["to"] == "HEART"


def test_it_sends_a_handoff_to_co_response_when_heart_is_off_duty(call_taker, dispatcher):
    call = police_call(call_taker, received_at=EVENING)
    with time_machine.travel(EVENING, tick=False):
        handoff_record(call_id=call.pk, reason="needs a clinician", by=dispatcher)
    call.refresh_from_db()
    assert call.route == "CO_RESPONSE"
    assert "HEART off duty at 20:00: CO_RESPONSE takes the call" in call.explanation


def test_it_declines_a_handoff_when_no_department_team_is_on_duty(call_taker, dispatcher):
    call = police_call(call_taker, received_at=NIGHT)
    with (
        time_machine.travel(NIGHT, tick=False),
        pytest.raises(HandoffDeclined, match="HEART, CO_RESPONSE off duty at 23:00"),
    ):
        handoff_record(call_id=call.pk, reason="needs HEART", by=dispatcher)
    call.refresh_from_db()
    assert call.route == "POLICE"
    assert not FieldEvent.objects.filter(kind="handoff").exists()


def test_it_goes_to_co_response_when_police_ask_for_it(call_taker, dispatcher):
    call = police_call(call_taker)
    with time_machine.travel(AFTERNOON, tick=False):
        handoff_record(
            call_id=call.pk, reason="a knife was mentioned", by=dispatcher, target="CO_RESPONSE"
        )
    call.refresh_from_db()
    assert call.route == "CO_RESPONSE"


def test_it_refuses_a_handoff_on_a_call_police_never_held(make_call, dispatcher):
    call = make_call()  # a welfare check routed to HEART, no police unit
    with (
        time_machine.travel(AFTERNOON, tick=False),
        pytest.raises(ValidationError, match="only a call police held can be handed off"),
    ):
        handoff_record(call_id=call.pk, reason="x", by=dispatcher, target="CO_RESPONSE")
    assert not FieldEvent.objects.filter(kind="handoff").exists()


def test_it_counts_a_police_unit_on_the_call_as_police_holding_it(
    make_call, dispatcher, heart_unit, police_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    unit_assign(call_id=call.pk, unit_id=police_unit.pk, by=dispatcher)
    with time_machine.travel(AFTERNOON, tick=False):
        handoff_record(call_id=call.pk, reason="a threat", by=dispatcher, target="CO_RESPONSE")
    call.refresh_from_db()
    # Units stay on: a HEART unit is on it, none of co-response yet, so the call is active.
    assert (call.route, call.status) == ("CO_RESPONSE", "active")


def test_it_refuses_a_target_that_is_not_a_department_team(call_taker, dispatcher):
    call = police_call(call_taker)
    with pytest.raises(ValidationError, match="'CCD' is not one of HEART, CO_RESPONSE"):
        handoff_record(call_id=call.pk, reason="x", by=dispatcher, target="CCD")


def test_it_logs_a_new_call_police_hand_to_heart(officer):
    with time_machine.travel(AFTERNOON, tick=False):
        result = police_handoff_request(
            by=officer, reason="asleep in a doorway, no crime", data=new_call()
        )
    call = result.call
    assert (result.created, result.handed_off, result.route) == (True, True, "HEART")
    assert (call.source, call.created_by, call.status) == ("police_handoff", officer, "queued")
    assert call.events.get().kind == "handoff"
    assert result.note == "HEART is on duty"


def test_it_keeps_a_new_call_with_police_when_no_team_is_on_duty(officer):
    with time_machine.travel(NIGHT, tick=False):
        result = police_handoff_request(by=officer, reason="needs HEART", data=new_call())
    call = result.call
    assert (result.created, result.handed_off, call.route) == (True, False, "POLICE")
    assert (call.eligible_route, call.unserved_reason) == ("HEART", "outside_hours")
    assert result.note == "HEART, CO_RESPONSE off duty at 23:00: the call stays with police"
    assert not call.events.exists()
    assert AuditEntry.objects.filter(action="call.handoff_declined").count() == 1


def test_it_counts_no_unserved_reason_for_a_police_call_it_keeps(officer):
    data = new_call(call_type="THEFT", answers={})
    with time_machine.travel(NIGHT, tick=False):
        result = police_handoff_request(by=officer, reason="needs HEART", data=data)
    call = result.call
    assert (result.handed_off, call.route, call.eligible_route) == (False, "POLICE", "POLICE")
    assert call.unserved_reason == ""


def test_it_sends_a_new_call_to_co_response_in_the_evening(officer):
    with time_machine.travel(EVENING, tick=False):
        result = police_handoff_request(by=officer, reason="needs HEART", data=new_call())
    assert (result.handed_off, result.route) == (True, "CO_RESPONSE")


def test_it_leaves_a_medical_call_with_ems(officer):
    data = new_call(answers={"weapon": "no", "violence": "no", "medical": "yes"})
    with time_machine.travel(AFTERNOON, tick=False):
        result = police_handoff_request(by=officer, reason="needs HEART", data=data)
    assert (result.handed_off, result.route) == (False, "EMS")
    assert "rule R2-medical" in result.note


def test_it_answers_a_declined_request_on_an_existing_call_with_the_reason(call_taker, officer):
    call = police_call(call_taker, received_at=NIGHT)
    with time_machine.travel(NIGHT, tick=False):
        result = police_handoff_request(by=officer, reason="needs HEART", call_id=call.pk)
    assert (result.created, result.handed_off, result.route) == (False, False, "POLICE")
    assert "off duty at 23:00" in result.note
    assert AuditEntry.objects.get(action="call.handoff_declined").detail["target"] == "HEART"


def test_it_logs_a_new_call_once_for_one_idempotency_key(officer):
    with time_machine.travel(AFTERNOON, tick=False):
        first = police_handoff_request(
            by=officer, reason="r", data=new_call(), idempotency_key="k-1"
        )
        again = police_handoff_request(
            by=officer, reason="r", data=new_call(), idempotency_key="k-1"
        )
    assert again.call.pk == first.call.pk and not again.created and again.handed_off
    assert FieldEvent.objects.filter(kind="handoff").count() == 1
    assert Call.objects.count() == 1


def test_it_records_police_arriving_uninvited_on_a_department_call(
    make_call, dispatcher, responder, heart_unit, police_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    event = police_arrival_record(
        call_id=call.pk, note="patrol car stopped", unit_id=police_unit.pk, by=responder
    )
    assert (event.kind, event.unit, event.reason) == (
        "police_uninvited",
        police_unit,
        "patrol car stopped",
    )
    assert AuditEntry.objects.filter(action="call.police_uninvited").count() == 1


def test_it_refuses_an_uninvited_arrival_on_a_police_call_or_with_another_unit(
    call_taker, make_call, dispatcher, heart_unit
):
    with pytest.raises(ValidationError, match="is a POLICE call, not a department response"):
        police_arrival_record(call_id=police_call(call_taker).pk, by=dispatcher)
    call = make_call()
    with pytest.raises(ValidationError, match="is not a police unit"):
        police_arrival_record(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    assert not FieldEvent.objects.exists()


def test_it_refuses_an_uninvited_arrival_on_a_closed_call(make_call, dispatcher):
    call = make_call()
    Call.objects.filter(pk=call.pk).update(status="closed")
    with pytest.raises(ValidationError, match="is closed"):
        police_arrival_record(call_id=call.pk, by=dispatcher)


def test_the_police_unit_of_an_arrival_may_be_unknown(make_call, dispatcher):
    call = make_call()
    event = police_arrival_record(call_id=call.pk, by=dispatcher)
    assert event.unit is None and event.reason == ""
