"""Calls that already happened, stored whole (call_record_closed)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from care_navigation.models import Case, ClearingReferral
from dispatch.models import Call, SafetyCheck
from dispatch.services import (
    CallInput,
    FeltSafe,
    Referral,
    ResponseTimes,
    call_record_closed,
)
from people.models import Person
from tests.dispatch.conftest import AFTERNOON

pytestmark = pytest.mark.django_db


def response(unit, minutes=40):
    return ResponseTimes(
        unit_id=unit.pk,
        dispatched_at=AFTERNOON + timedelta(minutes=1),
        on_scene_at=AFTERNOON + timedelta(minutes=9),
        cleared_at=AFTERNOON + timedelta(minutes=minutes),
    )


def record(unit, n=1, **extra):
    fields = {
        "data": CallInput(call_type="WELFARE_CHECK", received_at=AFTERNOON, address="1 Main St"),
        "source": "history",
        "external_id": f"H-{n}",
        "response": response(unit),
        "disposition": "resolved_on_scene",
        "closed_at": AFTERNOON + timedelta(minutes=40),
    }
    return call_record_closed(**{**fields, **extra})


def test_it_keeps_every_members_felt_safe_answer_at_the_clearing(heart_unit, responder, make_user):
    emt = make_user("emt")
    heart_unit.members.add(emt)
    call = record(
        heart_unit,
        felt_safe=[FeltSafe(responder.pk, True), FeltSafe(emt.pk, False)],
    )
    checks = {c.responder_id: (c.safe, c.at) for c in SafetyCheck.objects.filter(call=call)}
    cleared = AFTERNOON + timedelta(minutes=40)
    assert checks == {responder.pk: (True, cleared), emt.pk: (False, cleared)}
    assert (call.status, call.route, call.first_on_scene_at) == (
        "closed",
        "HEART",
        AFTERNOON + timedelta(minutes=9),
    )
    assert call.assignments.get().disposition == "resolved_on_scene"


def test_it_refuses_a_department_clearing_without_every_member(heart_unit, make_user):
    heart_unit.members.add(make_user("emt"))
    with pytest.raises(ValidationError, match="missing emt"):
        record(heart_unit, felt_safe=[])
    assert not Call.objects.exists()


def test_it_opens_the_referred_case_at_the_clearing_and_counts_a_declined_offer(
    heart_unit, responder, navigator
):
    safe = [FeltSafe(responder.pk, True)]
    referred = record(
        heart_unit,
        felt_safe=safe,
        disposition="referred_to_care_navigation",
        referral=Referral(consent=True, needs=["housing"], person_name="Ada Stone"),
        by=responder,
    )
    case = Case.objects.get(call=referred)
    assert case.opened_at == AFTERNOON + timedelta(minutes=40)
    assert case.person.name == "Ada Stone" and case.navigator == navigator
    referred.refresh_from_db()
    assert (referred.person_id, referred.referral_consent) == (case.person_id, True)
    declined = record(
        heart_unit,
        n=2,
        felt_safe=safe,
        disposition="referred_to_care_navigation",
        referral=Referral(consent=False),
        by=responder,
    )
    assert ClearingReferral.objects.get(call=declined).consent is False
    with pytest.raises(ValidationError) as exc:
        record(heart_unit, n=3, felt_safe=safe, disposition="referred_to_care_navigation")
    assert "referral" in exc.value.message_dict


def test_it_stores_the_calls_person_and_no_answers_when_none_were_recorded(heart_unit):
    person = Person.objects.create(name="Ray Cole")
    data = CallInput(call_type="TRESPASS", received_at=AFTERNOON, person_id=person.pk)
    call = record(heart_unit, data=data, felt_safe=None)
    assert call.person_id == person.pk
    assert not SafetyCheck.objects.exists()
