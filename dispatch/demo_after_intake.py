"""The call after intake in the demo (docs/calls.md): field notes on a call under way, a
supplement from a callback, a cancelled call, a duplicate merged into the call it repeats, and
an acknowledged alert. Run on the calls of the moment, as they were just seeded."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from dispatch.models import Assignment, Call, Unit
from dispatch.services import (
    CallInput,
    Supplement,
    alert_acknowledge,
    backup_request,
    call_cancel,
    call_create,
    call_merge,
    call_note_add,
    call_supplement_add,
)
from dispatch.services.alerts import call_overdue

DEMO_SOURCE = "demo"

# How long after a call comes in the call-taker has it entered and triaged, in the demo.
INTAKE_TIME = timedelta(seconds=50)


def demo_after_intake_seed(users: dict[str, User], calls: list[Call]) -> None:
    """Add the after-intake records to the demo's calls of the moment."""
    now = timezone.now()
    taker, dispatcher = users.get("calltaker"), users.get("dispatcher")
    if taker is None or dispatcher is None:
        return
    _notes_and_backup(calls, dispatcher)
    waiting = [c for c in _fresh(calls) if c.status in (Call.Status.QUEUED, Call.Status.HELD)]
    if waiting:
        call_supplement_add(
            call_id=waiting[-1].pk,
            supplement=Supplement(
                text="Caller rang back: he has sat down on the bench by bay 4 and is quieter.",
                callback_number="919-555-0163",
            ),
            by=taker,
        )
    _cancelled(taker, dispatcher)
    _merged(calls, taker, dispatcher)
    for call in _fresh(calls):
        if call_overdue(call, now):
            alert_acknowledge(call_id=call.pk, kind="overdue", by=dispatcher)
            break


def _fresh(calls: list[Call]) -> list[Call]:
    return list(Call.objects.filter(pk__in=[c.pk for c in calls]).order_by("received_at"))


def _notes_and_backup(calls: list[Call], dispatcher: User) -> None:
    """On the department call a team is on scene at: the team's notes, a backup request and
    the dispatcher's acknowledgement of it."""
    on_scene = (
        Assignment.objects.filter(
            call__in=calls,
            cleared_at__isnull=True,
            on_scene_at__isnull=False,
            unit__kind__in=("HEART", "CO_RESPONSE"),
        )
        .select_related("unit", "call")
        .first()
    )
    if on_scene is None:
        return
    call, unit = on_scene.call, on_scene.unit
    member = unit.members.order_by("username").first()
    writer = member or dispatcher
    start = on_scene.on_scene_at or timezone.now()
    for minutes, text in (
        (1, "Found him in the doorway; he knows his name, not the date. Offered water."),
        (3, "Subject calmer, staying 30 min. Peer talking with him about the shelter."),
    ):
        at = min(timezone.now(), start + timedelta(minutes=minutes))
        call_note_add(call_id=call.pk, text=text, by=writer, at=at)
    call_note_add(
        call_id=call.pk, text="Shelter on Main St holds a bed until 18:00.", by=dispatcher
    )
    if member is not None and unit.status == Unit.Status.ON_SCENE:
        backup_request(
            call_id=call.pk,
            unit_id=unit.pk,
            reason="A man nearby is shouting at the team; police to stand by.",
            by=member,
        )
        alert_acknowledge(call_id=call.pk, kind="backup", by=dispatcher)


def _cancelled(taker: User, dispatcher: User) -> None:
    received_at = timezone.now() - timedelta(minutes=14)
    call, _ = call_create(
        by=taker,
        data=CallInput(
            call_type="VERBAL_DISTURBANCE",
            received_at=received_at,
            address="301 Holloway St",
            lat=35.9979,
            lon=-78.8937,
            narrative="Caller heard shouting next door, then hung up; no answer on callback.",
            answers={"weapon": "no", "violence": "no"},
        ),
        source=DEMO_SOURCE,
        at=received_at + INTAKE_TIME,
    )
    call_cancel(
        call_id=call.pk,
        reason="caller_hung_up",
        text="two callbacks, no answer; no other call from the address",
        by=dispatcher,
    )


def _merged(calls: list[Call], taker: User, dispatcher: User) -> None:
    """A second caller about the man in the doorway, merged into the first call."""
    first = next(
        (c for c in _fresh(calls) if c.address == "200 N Mangum St"),
        None,
    )
    if first is None or first.status == Call.Status.LINKED:
        return
    received_at = timezone.now() - timedelta(minutes=8)
    second, _ = call_create(
        by=taker,
        data=CallInput(
            call_type="WELFARE_CHECK",
            received_at=received_at,
            address="204 N Mangum St",
            lat=35.9970,
            lon=-78.9008,
            narrative="Shop owner: man in the doorway next door looks cold and unwell.",
            answers={"weapon": "no", "violence": "no", "medical": "no"},
        ),
        source=DEMO_SOURCE,
        at=received_at + INTAKE_TIME,
    )
    call_note_add(call_id=second.pk, text="Second caller says he is shivering.", by=taker)
    try:
        call_merge(call_id=second.pk, into=first.pk, reason="same man, same doorway", by=dispatcher)
    except ValidationError:
        return  # the first call closed meanwhile: the second stays its own call
