"""The call after intake (docs/calls.md): field notes, supplements from a callback, cancelling a
call, and closing a duplicate into the call that is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import CANCEL_REASONS, Assignment, Call, CallNote, FieldEvent, Unit
from dispatch.services.assignments import OPEN_STATUSES, CallNotOpen, _lock_open_call
from dispatch.services.calls import (
    _field_event,
    _instant,
    _stamp,
    _touch,
    _user_or_none,
)
from web.idempotency import idempotency_fingerprint, idempotency_record_add, idempotency_replay

NOTE_MAX_CHARS = 2000
CANCEL_REASON_CODES = [code for code, _ in CANCEL_REASONS]
# A unit on scene has met the person: it leaves the call by clearing it (disposition, felt
# safe), not because the call was cancelled or merged from the board.
ON_SCENE = (Unit.Status.ON_SCENE, Unit.Status.TRANSPORTING)


@dataclass(frozen=True)
class Supplement:
    """New information from a callback; a blank callback number or address keeps the call's."""

    text: str
    callback_number: str = ""
    address: str = ""
    lat: float | None = None
    lon: float | None = None


def _check_text(text: str, *, name: str = "text") -> str:
    text = text.strip()
    if not text:
        raise ValidationError({name: ["write what happened: the text is empty"]})
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError(
            {name: [f"at most {NOTE_MAX_CHARS:,} characters; this one has {len(text):,}"]}
        )
    return text


def note_writer_unit(*, call: Call, user: Any) -> Unit | None:
    """The user's unit that has been on ``call`` (open or cleared: a note queued offline may
    arrive after clearing), or None."""
    return (
        Unit.objects.filter(members=user, assignments__call=call)
        .order_by("name")
        .distinct()
        .first()
    )


def _note_fingerprint(call_id: int, text: str, at: datetime | None) -> str:
    return idempotency_fingerprint([call_id, text, at.isoformat() if at else None])


def call_note_add(
    *,
    call_id: int,
    text: str,
    by: Any,
    at: datetime | None = None,
    idempotency_key: str | None = None,
    request: Any = None,
) -> tuple[CallNote, bool]:
    """Add a field note to a call; return (note, created).

    Dispatchers and call-takers write on any call; a responder only on a call their unit has
    been on (PermissionDenied otherwise), and the note carries that unit. `at` is when it
    happened (a note written offline): never in the future, never before the call came in.
    With an idempotency key the same note sent twice is stored once (created False on the
    replay); the key with another note raises IdempotencyConflict."""
    text = _check_text(text)
    fingerprint = _note_fingerprint(call_id, text, at)
    if idempotency_key:
        replay = _note_replay(by=by, key=idempotency_key, fingerprint=fingerprint)
        if replay is not None:
            return replay, False
    now = timezone.now()
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise ValidationError({"call": [f"call {call_id} does not exist"]})
    unit = None
    if not (by.has_perm("dispatch.dispatch_call") or by.has_perm("dispatch.log_call")):
        unit = note_writer_unit(call=call, user=by)
        if unit is None:
            raise PermissionDenied("responders write notes on their own unit's calls only")
    when = _instant(at, now=now, not_before=call.received_at)
    try:
        with transaction.atomic():
            note = CallNote.objects.create(
                call=call,
                kind=CallNote.Kind.NOTE,
                text=text,
                at=when,
                created_at=now,
                by=_user_or_none(by),
                unit=unit,
            )
            if idempotency_key:
                idempotency_record_add(
                    user=_user_or_none(by),
                    scope="call_note",
                    key=idempotency_key,
                    fingerprint=fingerprint,
                    object_id=note.pk,
                )
            _touch(call.pk, now)
            audit_record(
                action="call.note",
                user=by,
                obj=call,
                request=request,
                detail={"note": note.pk, **_stamp(at, when)},
            )
    except IntegrityError:
        # The same note sent twice at once (a retry racing the first try): the winner's.
        if idempotency_key:
            replay = _note_replay(by=by, key=idempotency_key, fingerprint=fingerprint)
            if replay is not None:
                return replay, False
        raise
    return note, True


def _note_replay(*, by: Any, key: str, fingerprint: str) -> CallNote | None:
    note_id = idempotency_replay(
        user=_user_or_none(by), scope="call_note", key=key, fingerprint=fingerprint, what="note"
    )
    return None if note_id is None else CallNote.objects.get(pk=note_id)


def call_supplement_add(
    *, call_id: int, supplement: Supplement, by: Any, request: Any = None
) -> CallNote:
    """Record new information from a callback on an open call. A new callback number or
    location replaces the call's, and the supplement keeps what it was and what it became."""
    text = _check_text(supplement.text)
    if (supplement.lat is None) != (supplement.lon is None):
        raise ValidationError({"lon": ["give both lat and lon, or neither"]})
    now = timezone.now()
    with transaction.atomic():
        call = _lock_open_call(call_id)
        changes: dict[str, dict[str, Any]] = {}
        new_values: dict[str, Any] = {
            "callback_number": supplement.callback_number.strip(),
            "address": supplement.address.strip(),
        }
        if supplement.lat is not None:
            new_values.update(lat=supplement.lat, lon=supplement.lon)
        for name, value in new_values.items():
            if value not in ("", None) and getattr(call, name) != value:
                changes[name] = {"from": getattr(call, name), "to": value}
                setattr(call, name, value)
        call.save(update_fields=[*changes, "updated_at"])
        note = CallNote.objects.create(
            call=call,
            kind=CallNote.Kind.SUPPLEMENT,
            text=text,
            at=now,
            created_at=now,
            by=_user_or_none(by),
            changes=changes,
        )
        audit_record(
            action="call.supplement",
            user=by,
            obj=call,
            request=request,
            detail={"note": note.pk, "changed": sorted(changes)},
        )
    return note


def _release_units(call: Call, *, at: datetime, why: str) -> list[str]:
    """Return the units on their way to ``call`` to service; refuse if one is on scene."""
    on_call = list(
        Assignment.objects.select_related("unit").filter(call=call, cleared_at__isnull=True)
    )
    there = [a.unit.name for a in on_call if a.unit.status in ON_SCENE]
    if there:
        raise ValidationError(
            {
                "call": [
                    f"{', '.join(there)} {'is' if len(there) == 1 else 'are'} on scene: clear "
                    f"the call with a disposition instead of {why}"
                ]
            }
        )
    for assignment in on_call:
        assignment.cleared_at = at
        assignment.save(update_fields=["cleared_at"])
    Unit.objects.filter(pk__in=[a.unit_id for a in on_call]).update(
        status=Unit.Status.AVAILABLE, status_changed_at=at, updated_at=at
    )
    return [a.unit.name for a in on_call]


def call_cancel(*, call_id: int, reason: str, text: str = "", by: Any, request: Any = None) -> Call:
    """Cancel an open call (the caller hung up, no response is needed...): it closes with the
    reason, and the units on their way are released. "other" needs the text. A unit already on
    scene clears the call with a disposition instead."""
    if reason not in CANCEL_REASON_CODES:
        raise ValidationError(
            {"reason": [f"{reason!r} is not one of {', '.join(CANCEL_REASON_CODES)}"]}
        )
    text = text.strip()
    if reason == "other" and not text:
        raise ValidationError({"text": ["say why the call is cancelled"]})
    now = timezone.now()
    with transaction.atomic():
        call = _lock_open_call(call_id)
        released = _release_units(call, at=now, why="cancelling it")
        call.status = Call.Status.CLOSED
        call.closed_at = now
        call.held_until = None
        call.cancel_reason = reason
        call.save(
            update_fields=["status", "closed_at", "held_until", "cancel_reason", "updated_at"]
        )
        label = dict(CANCEL_REASONS)[reason]
        _field_event(
            call,
            kind=FieldEvent.Kind.CANCELLED,
            at=now,
            by=by,
            reason=f"{label}: {text}" if text else label,
        )
        audit_record(
            action="call.cancel",
            user=by,
            obj=call,
            request=request,
            detail={"reason": reason, "text": text, "released": released},
        )
    return call


def call_merge(*, call_id: int, into: int, reason: str = "", by: Any, request: Any = None) -> Call:
    """Close an open call as a duplicate of call ``into`` (kept): it points to the kept call,
    its units on the way are released, and its notes and supplements show on the kept call's
    timeline. Its own duplicates move to the kept call. Returns the duplicate."""
    if into == call_id:
        raise ValidationError({"into": ["a call cannot be a duplicate of itself"]})
    now = timezone.now()
    with transaction.atomic():
        # Locked in id order, so two merges of the same pair cannot deadlock.
        locked = {
            c.pk: c
            for c in Call.objects.select_for_update().filter(pk__in=[call_id, into]).order_by("pk")
        }
        call = locked.get(call_id)
        kept = locked.get(into)
        if call is None:
            raise ValidationError({"call": [f"call {call_id} does not exist"]})
        if kept is None:
            raise ValidationError({"into": [f"call {into} does not exist"]})
        if call.status not in OPEN_STATUSES:
            raise CallNotOpen({"call": [f"call {call_id} is {call.status}"]})
        if kept.status == Call.Status.LINKED:
            raise ValidationError(
                {
                    "into": [
                        f"call {into} is itself a duplicate of call {kept.duplicate_of_id}: "
                        "merge into that one"
                    ]
                }
            )
        released = _release_units(call, at=now, why="merging it")
        call.status = Call.Status.LINKED
        call.duplicate_of = kept
        call.closed_at = now
        call.held_until = None
        call.save(update_fields=["status", "duplicate_of", "closed_at", "held_until", "updated_at"])
        Call.objects.filter(duplicate_of=call).update(duplicate_of=kept, updated_at=now)
        _touch(kept.pk, now)
        reason = reason.strip()
        _field_event(
            call,
            kind=FieldEvent.Kind.MERGED,
            at=now,
            by=by,
            reason=f"duplicate of call {kept.pk}" + (f": {reason}" if reason else ""),
        )
        _field_event(
            kept,
            kind=FieldEvent.Kind.DUPLICATE_LINKED,
            at=now,
            by=by,
            reason=f"call {call.pk} merged as a duplicate" + (f": {reason}" if reason else ""),
        )
        audit_record(
            action="call.merge",
            user=by,
            obj=call,
            request=request,
            detail={"into": kept.pk, "reason": reason, "released": released},
        )
    return call
