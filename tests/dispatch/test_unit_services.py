from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dispatch.models import Call, FieldEvent, SafetyCheck, Unit
from dispatch.services import (
    FeltSafe,
    Referral,
    UnitUnavailable,
    backup_request,
    call_clear,
    call_fall_back,
    call_hold,
    ccd_convert,
    ccd_resolve,
    handoff_record,
    unit_assign,
    unit_status_set,
)
from dispatch.services.assignments import holds_expired_fall_back
from dispatch.tasks import holds_sweep
from tests.dispatch.conftest import AFTERNOON, welfare_check

pytestmark = pytest.mark.django_db


def test_it_assigns_an_available_unit_of_the_route(dispatcher, make_call, heart_unit):
    call = make_call()
    assignment = unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    call.refresh_from_db()
    heart_unit.refresh_from_db()
    assert (call.status, heart_unit.status) == ("active", "dispatched")
    assert call.first_dispatched_at == assignment.dispatched_at


def test_it_refuses_a_busy_unit_with_unit_already_assigned(dispatcher, make_call, heart_unit):
    first, second = make_call(), make_call(address="2 Main St")
    unit_assign(call_id=first.pk, unit_id=heart_unit.pk, by=dispatcher)
    with pytest.raises(UnitUnavailable, match="unit already assigned"):
        unit_assign(call_id=second.pk, unit_id=heart_unit.pk, by=dispatcher)
    assert Call.objects.get(pk=second.pk).status == "queued"


def test_it_refuses_a_first_unit_of_the_wrong_kind(dispatcher, make_call, police_unit):
    call = make_call()
    with pytest.raises(
        ValidationError, match="PD-1 is a POLICE unit; this call is routed to HEART"
    ):
        unit_assign(call_id=call.pk, unit_id=police_unit.pk, by=dispatcher)


def test_it_adds_a_second_unit_of_another_kind(dispatcher, make_call, heart_unit, police_unit):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    unit_assign(call_id=call.pk, unit_id=police_unit.pk, by=dispatcher)
    assert call.assignments.filter(cleared_at__isnull=True).count() == 2


def test_it_stamps_en_route_and_on_scene(dispatcher, responder, make_call, heart_unit):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    unit_status_set(unit_id=heart_unit.pk, status="en_route", by=responder)
    unit_status_set(unit_id=heart_unit.pk, status="on_scene", by=responder)
    assignment = call.assignments.get()
    call.refresh_from_db()
    assert assignment.en_route_at and assignment.on_scene_at
    assert call.first_on_scene_at == assignment.on_scene_at


def test_it_makes_department_units_clear_with_a_disposition(dispatcher, make_call, heart_unit):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    with pytest.raises(ValidationError, match="disposition first"):
        unit_status_set(unit_id=heart_unit.pk, status="available", by=dispatcher)
    with pytest.raises(ValidationError, match="has no call"):
        unit_status_set(
            unit_id=Unit.objects.create(name="H2", kind="HEART").pk,
            status="on_scene",
            by=dispatcher,
        )


def test_it_clears_police_units_by_status(dispatcher, call_taker, police_unit):
    from dispatch.services import call_create

    call, _ = call_create(by=call_taker, data=welfare_check(call_type="THEFT", answers={}))
    unit_assign(call_id=call.pk, unit_id=police_unit.pk, by=dispatcher)
    unit_status_set(unit_id=police_unit.pk, status="available", by=dispatcher)
    call.refresh_from_db()
    assert call.status == "closed"


def test_it_needs_every_responders_felt_safe_answer(
    dispatcher, responder, make_call, heart_unit, make_user
):
    partner = make_user("pat", "responder")
    heart_unit.members.add(partner)
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    with pytest.raises(ValidationError, match="missing pat"):
        call_clear(
            call_id=call.pk,
            unit_id=heart_unit.pk,
            disposition="resolved_on_scene",
            felt_safe=[FeltSafe(responder.pk, True)],
            by=responder,
        )
    with pytest.raises(ValidationError, match="disposition"):
        call_clear(
            call_id=call.pk,
            unit_id=heart_unit.pk,
            disposition="went_home",
            felt_safe=[],
            by=responder,
        )
    cleared = call_clear(
        call_id=call.pk,
        unit_id=heart_unit.pk,
        disposition="resolved_on_scene",
        felt_safe=[FeltSafe(responder.pk, True), FeltSafe(partner.pk, False)],
        by=responder,
    )
    assert (cleared.status, cleared.disposition) == ("closed", "resolved_on_scene")
    assert SafetyCheck.objects.filter(call=call).count() == 2
    heart_unit.refresh_from_db()
    assert heart_unit.status == "available"


def test_it_counts_a_declined_referral_without_a_case(dispatcher, responder, make_call, heart_unit):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    cleared = call_clear(
        call_id=call.pk,
        unit_id=heart_unit.pk,
        disposition="referred_to_care_navigation",
        felt_safe=[FeltSafe(responder.pk, True)],
        referral=Referral(consent=False),
        by=responder,
    )
    assert cleared.referral_consent is False
    from care_navigation.models import Case, ClearingReferral

    assert not Case.objects.exists()
    assert ClearingReferral.objects.get(call=call).consent is False


def test_it_holds_a_call_then_falls_back_with_no_unit(dispatcher, make_call):
    with time_machine.travel(AFTERNOON, tick=False):
        call = make_call(received_at=AFTERNOON)
    with time_machine.travel(AFTERNOON + timedelta(minutes=1), tick=False):
        call_hold(call_id=call.pk, by=dispatcher)
    with time_machine.travel(AFTERNOON + timedelta(minutes=10), tick=False):
        assert holds_expired_fall_back() == 0
    with time_machine.travel(AFTERNOON + timedelta(minutes=22), tick=False):
        assert holds_sweep() == 1  # beat's task, as scheduled in CELERY_BEAT_SCHEDULE
    call.refresh_from_db()
    assert (call.status, call.route, call.unserved_reason) == ("queued", "CO_RESPONSE", "no_unit")
    assert call.eligible_route == "HEART"
    assert FieldEvent.objects.filter(call=call, kind="hold_fallback").exists()


def test_it_falls_back_to_police_when_co_response_is_off_duty(dispatcher, make_call):
    with time_machine.travel(AFTERNOON, tick=False):
        call = make_call(received_at=AFTERNOON)
    assert call.route == "HEART"
    # The next morning at 07:30 HEART is on again, but its chain's co-response starts at 09:00.
    with time_machine.travel(AFTERNOON.replace(hour=7, minute=30) + timedelta(days=1), tick=False):
        fallen = call_fall_back(call_id=call.pk, by=dispatcher)
    assert fallen.route == "POLICE"


def test_it_records_backup_requests_and_handoffs(
    dispatcher, responder, call_taker, make_call, heart_unit, police_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    backup_request(call_id=call.pk, unit_id=heart_unit.pk, reason="crowd gathering", by=responder)
    from dispatch.services import call_create

    theft, _ = call_create(
        by=call_taker,
        data=welfare_check(
            call_type="TRESPASS", override_route="POLICE", override_reason="officer nearby"
        ),
    )
    with time_machine.travel(AFTERNOON, tick=False):  # HEART on duty
        handoff_record(call_id=theft.pk, reason="person in crisis, not a crime", by=dispatcher)
    theft.refresh_from_db()
    assert theft.route == "HEART"
    assert set(FieldEvent.objects.values_list("kind", flat=True)) == {"backup_requested", "handoff"}
    with pytest.raises(ValidationError, match="only a HEART or co-response unit"):
        unit_assign(call_id=call.pk, unit_id=police_unit.pk, by=dispatcher)
        backup_request(call_id=call.pk, unit_id=police_unit.pk, reason="x", by=dispatcher)


def test_it_resolves_or_converts_phone_calls(ccd_clinician, call_taker):
    from dispatch.services import call_create

    answers = {
        "weapon": "no",
        "violence": "no",
        "caller_is_subject": "yes",
        "wants_in_person": "no",
    }
    resolved, _ = call_create(
        by=call_taker, data=welfare_check(call_type="MENTAL_HEALTH", answers=answers)
    )
    converted, _ = call_create(
        by=call_taker, data=welfare_check(call_type="MENTAL_HEALTH", answers=answers, zone="2")
    )
    ccd_resolve(call_id=resolved.pk, disposition="resolved_by_phone", by=ccd_clinician)
    with time_machine.travel(AFTERNOON, tick=False):
        converted = ccd_convert(call_id=converted.pk, by=ccd_clinician, reason="wants a visit")
    assert Call.objects.get(pk=resolved.pk).status == "closed"
    assert (converted.status, converted.route) == ("queued", "HEART")
    assert list(converted.triage_records.order_by("id").values_list("route", flat=True)) == [
        "CCD",
        "HEART",
    ]


def test_it_schedules_the_holds_sweep_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-holds-sweep"]
    assert entry["task"] == holds_sweep.name
