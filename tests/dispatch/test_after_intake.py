"""The call after intake: notes, supplements, cancelling, merging, alerts, the timeline."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from access.models import AuditEntry
from dispatch.models import AlertAcknowledgement, Call, CallNote, FieldEvent
from dispatch.services import (
    CallNotOpen,
    IdempotencyConflict,
    Supplement,
    UnitsAvailable,
    alert_acknowledge,
    backup_request,
    call_cancel,
    call_fall_back,
    call_merge,
    call_note_add,
    call_supplement_add,
    ccd_resolve,
    handoff_record,
    unit_assign,
    unit_status_set,
)
from dispatch.timeline import call_notes, call_timeline
from tests.dispatch.conftest import AFTERNOON
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(AFTERNOON + timedelta(minutes=5), tick=False) as traveller:
        yield traveller


def test_it_adds_a_responders_note_with_their_unit(
    clock, dispatcher, responder, make_call, heart_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    note, created = call_note_add(
        call_id=call.pk, text="  subject calmer, staying 30 min ", by=responder
    )
    assert created
    assert (note.text, note.unit, note.by, note.at) == (
        "subject calmer, staying 30 min",
        heart_unit,
        responder,
        AFTERNOON + timedelta(minutes=5),
    )
    assert AuditEntry.objects.filter(action="call.note", object_id=str(call.pk)).exists()


def test_it_refuses_a_responders_note_on_a_call_their_unit_never_had(
    clock, responder, make_call, heart_unit
):
    call = make_call()
    with pytest.raises(PermissionDenied):
        call_note_add(call_id=call.pk, text="wrong call", by=responder)
    assert not CallNote.objects.exists()


def test_it_keeps_the_time_a_note_was_written_offline_and_refuses_a_future_or_early_one(
    clock, dispatcher, make_call
):
    call = make_call()
    note, _ = call_note_add(
        call_id=call.pk, text="arrived", by=dispatcher, at=AFTERNOON + timedelta(minutes=2)
    )
    assert note.at == AFTERNOON + timedelta(minutes=2)
    with pytest.raises(ValidationError, match="in the future") as future:
        call_note_add(
            call_id=call.pk, text="later", by=dispatcher, at=AFTERNOON + timedelta(hours=1)
        )
    assert "at" in future.value.message_dict
    with pytest.raises(ValidationError, match="before the call was received"):
        call_note_add(
            call_id=call.pk, text="early", by=dispatcher, at=AFTERNOON - timedelta(minutes=1)
        )
    with pytest.raises(ValidationError) as empty:
        call_note_add(call_id=call.pk, text="   ", by=dispatcher)
    assert "text" in empty.value.message_dict
    assert CallNote.objects.count() == 1


def test_it_stores_a_note_sent_twice_with_one_key_once(clock, dispatcher, make_call):
    call = make_call()
    first, created = call_note_add(
        call_id=call.pk, text="door locked", by=dispatcher, idempotency_key="k1"
    )
    again, created_again = call_note_add(
        call_id=call.pk, text="door locked", by=dispatcher, idempotency_key="k1"
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    with pytest.raises(IdempotencyConflict):
        call_note_add(call_id=call.pk, text="other text", by=dispatcher, idempotency_key="k1")
    assert CallNote.objects.count() == 1


def test_it_records_a_supplement_and_the_changes_it_made(clock, call_taker, make_call):
    call = make_call(callback_number="919-555-0100")
    note = call_supplement_add(
        call_id=call.pk,
        supplement=Supplement(
            text="caller rang back: he walked to the bus station",
            callback_number="919-555-0199",
            address="515 W Pettigrew St",
        ),
        by=call_taker,
    )
    call.refresh_from_db()
    assert (call.address, call.callback_number) == ("515 W Pettigrew St", "919-555-0199")
    assert note.changes == {
        "address": {"from": "101 City Hall Plaza", "to": "515 W Pettigrew St"},
        "callback_number": {"from": "919-555-0100", "to": "919-555-0199"},
    }
    assert note.kind == "supplement"


def test_it_cancels_a_call_and_releases_the_unit_on_its_way(
    clock, dispatcher, make_call, heart_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    unit_status_set(unit_id=heart_unit.pk, status="en_route", by=dispatcher)
    call_cancel(
        call_id=call.pk, reason="caller_hung_up", text="no answer on callback", by=dispatcher
    )
    call.refresh_from_db()
    heart_unit.refresh_from_db()
    assert (call.status, call.cancel_reason, heart_unit.status) == (
        "closed",
        "caller_hung_up",
        "available",
    )
    event = FieldEvent.objects.get(call=call, kind="cancelled")
    assert event.reason == "Caller hung up, no callback: no answer on callback"
    with pytest.raises(CallNotOpen):
        call_cancel(call_id=call.pk, reason="other", text="again", by=dispatcher)


def test_it_refuses_to_cancel_a_call_with_a_unit_on_scene_or_without_a_reason(
    clock, dispatcher, make_call, heart_unit
):
    call = make_call()
    with pytest.raises(ValidationError) as no_text:
        call_cancel(call_id=call.pk, reason="other", by=dispatcher)
    assert "text" in no_text.value.message_dict
    with pytest.raises(ValidationError) as bad:
        call_cancel(call_id=call.pk, reason="bored", by=dispatcher)
    assert "reason" in bad.value.message_dict
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    unit_status_set(unit_id=heart_unit.pk, status="on_scene", by=dispatcher)
    with pytest.raises(ValidationError, match="on scene"):
        call_cancel(call_id=call.pk, reason="no_response_needed", by=dispatcher)
    call.refresh_from_db()
    assert call.status == "active"


def test_it_merges_a_duplicate_whose_notes_show_on_the_kept_call(clock, dispatcher, make_call):
    kept = make_call()
    dup = make_call(address="103 City Hall Plaza")
    call_note_add(call_id=dup.pk, text="second caller: man shouting", by=dispatcher)
    call_merge(call_id=dup.pk, into=kept.pk, reason="same man", by=dispatcher)
    dup.refresh_from_db()
    assert (dup.status, dup.duplicate_of_id) == ("linked", kept.pk)
    assert [n.text for n in call_notes(kept)] == ["second caller: man shouting"]
    entries = call_timeline(kept)
    note = next(e for e in entries if e.kind == "note")
    assert note.from_call == dup.pk
    assert any(e.kind == "duplicate_linked" and str(dup.pk) in e.detail for e in entries)
    with pytest.raises(ValidationError) as chained:
        call_merge(call_id=make_call(address="9 X St").pk, into=dup.pk, by=dispatcher)
    assert "into" in chained.value.message_dict
    with pytest.raises(ValidationError) as itself:
        call_merge(call_id=kept.pk, into=kept.pk, by=dispatcher)
    assert "into" in itself.value.message_dict


def test_it_acknowledges_an_overdue_call_once(dispatcher, make_call):
    with time_machine.travel(AFTERNOON, tick=False):
        call = make_call(received_at=AFTERNOON)
        assert call.priority == "P2"
        with pytest.raises(ValidationError, match="not waiting past its warning"):
            alert_acknowledge(call_id=call.pk, kind="overdue", by=dispatcher)
    with time_machine.travel(AFTERNOON + timedelta(minutes=11), tick=False):
        (ack,) = alert_acknowledge(call_id=call.pk, kind="overdue", by=dispatcher)
        with pytest.raises(ValidationError, match="already acknowledged"):
            alert_acknowledge(call_id=call.pk, kind="overdue", by=dispatcher)
    assert (ack.by, ack.at) == (dispatcher, AFTERNOON + timedelta(minutes=11))
    entry = next(e for e in call_timeline(call) if e.kind == "alert_ack")
    assert entry.title == "Overdue call alert acknowledged"
    assert entry.by == dispatcher.get_username()


def test_it_acknowledges_every_open_backup_request(
    clock, dispatcher, responder, make_call, heart_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    backup_request(call_id=call.pk, unit_id=heart_unit.pk, reason="knife shown", by=responder)
    acks = alert_acknowledge(call_id=call.pk, kind="backup", by=dispatcher)
    assert [a.event.reason for a in acks] == ["knife shown"]
    with pytest.raises(ValidationError, match="no backup request"):
        alert_acknowledge(call_id=call.pk, kind="backup", by=dispatcher)
    backup_request(call_id=call.pk, unit_id=heart_unit.pk, reason="crowd", by=responder)
    assert len(alert_acknowledge(call_id=call.pk, kind="backup", by=dispatcher)) == 1
    assert AlertAcknowledgement.objects.count() == 2


def test_it_refuses_a_handoff_on_a_call_police_never_held(
    clock, dispatcher, call_taker, make_call, police_unit
):
    # Routed to co-response (a weapon in reach), never to police.
    call = make_call(answers={"weapon": "yes", "violence": "no"})
    assert call.route == "CO_RESPONSE"
    with pytest.raises(ValidationError, match="only a call police held can be handed off"):
        handoff_record(call_id=call.pk, reason="x", by=dispatcher)
    # A police unit on it: police held it.
    unit_assign(call_id=call.pk, unit_id=UnitFactory(kind="CO_RESPONSE").pk, by=dispatcher)
    unit_assign(call_id=call.pk, unit_id=police_unit.pk, by=dispatcher)
    handoff_record(call_id=call.pk, reason="officer asks HEART to take it", by=dispatcher)
    call.refresh_from_db()
    assert call.route == "HEART"


def test_it_asks_to_confirm_a_fallback_while_units_of_the_route_are_available(
    clock, dispatcher, make_call, heart_unit
):
    call = make_call()
    with pytest.raises(UnitsAvailable, match="HEART-1") as refused:
        call_fall_back(call_id=call.pk, by=dispatcher)
    assert refused.value.units == ["HEART-1"]
    assert Call.objects.get(pk=call.pk).route == "HEART"
    fallen = call_fall_back(call_id=call.pk, by=dispatcher, confirmed=True)
    assert fallen.route == "CO_RESPONSE"


def test_it_puts_a_ccd_resolution_on_the_timeline(ccd_clinician, make_call):
    with time_machine.travel(AFTERNOON, tick=False):
        call = make_call(
            call_type="MENTAL_HEALTH",
            answers={
                "weapon": "no",
                "violence": "no",
                "caller_is_subject": "yes",
                "wants_in_person": "no",
            },
        )
        assert call.status == "phone"
        ccd_resolve(call_id=call.pk, disposition="resolved_by_phone", by=ccd_clinician)
    entry = next(e for e in call_timeline(call) if e.kind == "ccd_resolved")
    assert (entry.detail, entry.by) == ("Resolved by phone", ccd_clinician.get_username())


def test_it_lists_a_calls_history_in_order_with_a_flat_query_count(
    clock, dispatcher, responder, make_call, heart_unit, django_assert_max_num_queries
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    unit_status_set(unit_id=heart_unit.pk, status="on_scene", by=dispatcher)
    for i in range(5):
        call_note_add(call_id=call.pk, text=f"note {i}", by=responder)
    call.refresh_from_db()
    with django_assert_max_num_queries(9):
        entries = call_timeline(call)
    kinds = [e.kind for e in entries]
    assert kinds[:4] == ["received", "triage", "dispatched", "on_scene"]
    assert kinds.count("note") == 5
    assert [e.at for e in entries] == sorted(e.at for e in entries)
