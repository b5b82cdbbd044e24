from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from access.models import AuditEntry
from dispatch.models import Call, FieldEvent, TriageRecord
from dispatch.services import IdempotencyConflict, call_create
from tests.dispatch.conftest import welfare_check

pytestmark = pytest.mark.django_db


def test_it_triages_and_queues_a_welfare_check_for_heart(call_taker):
    call, created = call_create(by=call_taker, data=welfare_check())
    assert created
    assert (call.status, call.eligible_route, call.route, call.priority) == (
        "queued",
        "HEART",
        "HEART",
        "P2",
    )
    assert (call.rule, call.ruleset_version) == ("R8-community", 2)
    assert call.explanation == "Welfare check, no weapon, no violence: HEART (R8-community)"
    assert call.triage_records.get().kind == TriageRecord.Kind.INTAKE
    assert AuditEntry.objects.filter(action="call.create", object_id=str(call.pk)).exists()


def test_it_falls_back_outside_hours_and_says_why(call_taker):
    night = welfare_check(received_at=welfare_check().received_at.replace(hour=20, minute=0))
    call, _ = call_create(by=call_taker, data=night)
    assert (call.eligible_route, call.route, call.unserved_reason) == (
        "HEART",
        "CO_RESPONSE",
        "outside_hours",
    )
    assert "HEART off duty at 20:00: CO_RESPONSE" in call.explanation


def test_it_sends_phone_calls_to_the_ccd_queue(call_taker):
    call, _ = call_create(
        by=call_taker,
        data=welfare_check(
            call_type="MENTAL_HEALTH",
            answers={
                "weapon": "no",
                "violence": "no",
                "caller_is_subject": "yes",
                "wants_in_person": "no",
            },
        ),
    )
    assert (call.route, call.status) == ("CCD", "phone")


def test_it_gives_one_call_for_a_repeated_key_and_refuses_a_reused_one(call_taker):
    first, created = call_create(by=call_taker, data=welfare_check(), idempotency_key="k1")
    again, created_again = call_create(by=call_taker, data=welfare_check(), idempotency_key="k1")
    assert created and not created_again and first.pk == again.pk
    with pytest.raises(IdempotencyConflict):
        call_create(by=call_taker, data=welfare_check(address="elsewhere"), idempotency_key="k1")
    assert Call.objects.count() == 1


def test_it_keeps_the_recommendation_beside_an_override(call_taker):
    call, _ = call_create(
        by=call_taker,
        data=welfare_check(
            override_route="CO_RESPONSE", override_reason="caller mentions a history of violence"
        ),
    )
    assert (call.eligible_route, call.route, call.unserved_reason) == (
        "HEART",
        "CO_RESPONSE",
        "override",
    )
    kinds = list(call.triage_records.values_list("kind", "route"))
    assert kinds == [("intake", "HEART"), ("override", "CO_RESPONSE")]
    entry = AuditEntry.objects.get(action="call.override")
    assert entry.detail["reason"] == "caller mentions a history of violence"


def test_it_requires_a_reason_and_the_permission_to_override(call_taker, ccd_clinician):
    with pytest.raises(ValidationError) as error:
        call_create(by=call_taker, data=welfare_check(override_route="POLICE"))
    assert "override_reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        call_create(
            by=ccd_clinician, data=welfare_check(override_route="POLICE", override_reason="x")
        )
    assert not Call.objects.exists()


def test_it_links_a_duplicate_to_the_open_incident(call_taker, make_call):
    incident = make_call()
    duplicate, _ = call_create(
        by=call_taker, data=welfare_check(duplicate_of=incident.pk, narrative="second caller")
    )
    assert duplicate.status == "linked" and duplicate.duplicate_of_id == incident.pk
    assert FieldEvent.objects.filter(call=incident, kind="duplicate_linked").exists()


def test_it_names_the_field_of_bad_input(call_taker):
    with pytest.raises(ValidationError) as error:
        call_create(by=call_taker, data=welfare_check(answers={"weapon": "maybe"}))
    assert any("weapon" in key for key in error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        call_create(
            by=call_taker, data=welfare_check(received_at=timezone.now() + timedelta(hours=2))
        )
    assert "received_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        call_create(by=call_taker, data=welfare_check(duplicate_of=999999))
    assert "duplicate_of" in error.value.message_dict
    assert not Call.objects.exists()


def test_it_keeps_a_narrative_of_5000_characters_and_refuses_a_longer_one_whole(call_taker):
    kept, _ = call_create(by=call_taker, data=welfare_check(narrative="k" * 5000))
    assert len(Call.objects.get(pk=kept.pk).narrative) == 5000
    with pytest.raises(ValidationError) as refused:
        call_create(by=call_taker, data=welfare_check(narrative="n" * 5001, zone="2"))
    assert refused.value.message_dict == {
        "narrative": [
            "at most 5,000 characters; this one has 5001. Nothing was cut: shorten it and try "
            "again."
        ]
    }
    assert Call.objects.count() == 1
