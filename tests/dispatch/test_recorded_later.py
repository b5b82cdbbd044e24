"""Services given `at`: work recorded after the fact keeps its own times, its audit entry the
moment of writing, and the rollups see the change now."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.models import AuditEntry
from care_navigation.models import Case, ClearingReferral
from dispatch.models import Call, FieldEvent, SafetyCheck, TriageRecord, Unit
from dispatch.services import (
    CallInput,
    FeltSafe,
    Referral,
    backup_request,
    call_clear,
    call_create,
    ccd_convert,
    handoff_record,
    unit_assign,
    unit_status_set,
)
from tests.dispatch.conftest import AFTERNOON, welfare_check

pytestmark = pytest.mark.django_db

# Written up at 22:00 the same day, when HEART is off duty.
EVENING = AFTERNOON.replace(hour=22, minute=0)


def minutes(n: float):
    return AFTERNOON + timedelta(minutes=n)


def test_it_keeps_the_times_of_a_response_recorded_later(
    dispatcher, responder, navigator, heart_unit
):
    with time_machine.travel(EVENING, tick=False):
        call, _ = call_create(by=dispatcher, data=welfare_check(), at=minutes(1))
        assert (call.route, call.unserved_reason) == ("HEART", "")  # routed as of 14:05
        unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher, at=minutes(2))
        unit_status_set(unit_id=heart_unit.pk, status="en_route", by=responder, at=minutes(3))
        unit_status_set(unit_id=heart_unit.pk, status="on_scene", by=responder, at=minutes(11))
        backup_request(
            call_id=call.pk, unit_id=heart_unit.pk, reason="crowd", by=responder, at=minutes(15)
        )
        call_clear(
            call_id=call.pk,
            unit_id=heart_unit.pk,
            disposition="referred_to_care_navigation",
            felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
            referral=Referral(consent=True, needs=["housing"], person_name="Lee Park"),
            by=responder,
            at=minutes(50),
        )
    call.refresh_from_db()
    assignment = call.assignments.get()
    assert (call.created_at, call.triaged_at) == (minutes(1), minutes(1))
    assert TriageRecord.objects.get(call=call).at == minutes(1)
    assert (assignment.dispatched_at, assignment.en_route_at) == (minutes(2), minutes(3))
    assert (assignment.on_scene_at, assignment.cleared_at) == (minutes(11), minutes(50))
    assert (call.first_dispatched_at, call.first_on_scene_at) == (minutes(2), minutes(11))
    assert (call.status, call.closed_at) == ("closed", minutes(50))
    assert FieldEvent.objects.get(call=call, kind="backup_requested").at == minutes(15)
    assert SafetyCheck.objects.get(call=call).at == minutes(50)
    case = Case.objects.get(call=call)
    assert case.opened_at == minutes(50)
    assert case.closes_at == minutes(50) + timedelta(days=30)
    assert ClearingReferral.objects.get(call=call).at == minutes(50)
    # The rollups find changed calls by updated_at: it is the moment of writing.
    assert call.updated_at == EVENING
    heart_unit.refresh_from_db()
    assert (heart_unit.status, heart_unit.status_changed_at) == ("available", minutes(50))
    entry = AuditEntry.objects.get(action="call.clear")
    assert entry.at == EVENING and entry.detail["at"] == minutes(50).isoformat()


def test_it_records_a_handoff_at_its_time(dispatcher, police_unit):
    data = welfare_check(answers={"weapon": "no", "violence": "no", "crime_in_progress": "yes"})
    with time_machine.travel(EVENING, tick=False):
        call, _ = call_create(by=dispatcher, data=data, at=minutes(1))
        assert call.route == "POLICE"
        unit_assign(call_id=call.pk, unit_id=police_unit.pk, by=dispatcher, at=minutes(2))
        handoff_record(call_id=call.pk, reason="calm, needs HEART", by=dispatcher, at=minutes(20))
    call.refresh_from_db()
    assert call.route == "HEART"
    assert FieldEvent.objects.get(call=call, kind="handoff").at == minutes(20)


def test_it_converts_a_phone_call_against_who_was_on_duty_then(ccd_clinician, dispatcher):
    phone = {"weapon": "no", "violence": "no", "caller_is_subject": "yes", "wants_in_person": "no"}
    data = welfare_check(call_type="MENTAL_HEALTH", answers=phone)
    with time_machine.travel(EVENING, tick=False):
        early, _ = call_create(by=dispatcher, data=data, at=minutes(1))
        late, _ = call_create(
            by=dispatcher,
            data=welfare_check(
                call_type="MENTAL_HEALTH", answers=phone, received_at=EVENING.replace(hour=19)
            ),
            at=EVENING.replace(hour=19, minute=1),
        )
        assert (early.status, late.status) == ("phone", "phone")
        ccd_convert(call_id=early.pk, by=ccd_clinician, at=minutes(30))
        ccd_convert(call_id=late.pk, by=ccd_clinician, at=EVENING.replace(hour=19, minute=30))
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.route, early.unserved_reason) == ("HEART", "")
    assert (late.route, late.unserved_reason) == ("CO_RESPONSE", "outside_hours")
    assert FieldEvent.objects.get(call=early, kind="ccd_converted").at == minutes(30)


def test_it_refuses_a_time_in_the_future_before_the_call_or_without_a_zone(
    dispatcher, responder, heart_unit
):
    with time_machine.travel(AFTERNOON + timedelta(hours=1), tick=False):
        call, _ = call_create(by=dispatcher, data=welfare_check())
        with pytest.raises(ValidationError) as exc:
            unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher, at=minutes(-10))
        assert exc.value.message_dict == {"at": ["is before the call was received"]}
        with pytest.raises(ValidationError) as exc:
            call_create(by=dispatcher, data=welfare_check(), at=minutes(-1))
        assert exc.value.message_dict == {"at": ["is before the call was received"]}
        with pytest.raises(ValidationError) as exc:
            unit_assign(
                call_id=call.pk,
                unit_id=heart_unit.pk,
                by=dispatcher,
                at=timezone.now().replace(tzinfo=None),
            )
        assert exc.value.message_dict == {"at": ["needs a time zone"]}
        unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher, at=minutes(5))
        with pytest.raises(ValidationError) as exc:
            unit_status_set(unit_id=heart_unit.pk, status="on_scene", by=responder, at=minutes(4))
        assert exc.value.message_dict == {"at": ["is before the unit was dispatched"]}
        with pytest.raises(ValidationError) as exc:
            call_clear(
                call_id=call.pk,
                unit_id=heart_unit.pk,
                disposition="resolved_on_scene",
                felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
                by=responder,
                at=timezone.now() + timedelta(hours=1),
            )
        assert exc.value.message_dict == {"at": ["is in the future"]}
    # Nothing of the refused changes was kept.
    assert Unit.objects.get(pk=heart_unit.pk).status == "dispatched"
    assert Call.objects.get(pk=call.pk).status == "active"
    assert not SafetyCheck.objects.exists()


def test_it_takes_now_without_at(dispatcher, heart_unit):
    with time_machine.travel(AFTERNOON, tick=False):
        call, _ = call_create(
            by=dispatcher, data=CallInput(call_type="WELFARE_CHECK", address="1 Main St")
        )
        assignment = unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    assert (call.received_at, call.created_at, assignment.dispatched_at) == (AFTERNOON,) * 3
    assert "at" not in AuditEntry.objects.get(action="call.assign").detail
