"""A call's timeline (docs/calls.md): everything that happened to it, in time order, merged
from the records that hold it: triage records, assignments and their status times, field
events (backup, handoff, CCD conversion and resolution, cancellation, merges), notes and
supplements (its own and its duplicates'), and alert acknowledgements.

A fixed number of queries whatever the call's size; the call page and the API read it here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from dispatch.models import (
    CCD_CONVERTED,
    AlertAcknowledgement,
    Assignment,
    Call,
    CallNote,
    FieldEvent,
)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # a stable code: received, triage, dispatched, ..., note, supplement, alert_ack
    title: str  # what happened, for people
    detail: str = ""
    by: str = ""  # the user's name, blank for the system
    unit: str = ""
    # The duplicate call an entry comes from, when it is shown on the kept call.
    from_call: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    order: int = 0  # ties at the same instant: the order things happen in


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def call_notes(call: Call) -> QuerySet[CallNote]:
    """The notes and supplements of ``call`` and of the calls merged into it as duplicates,
    oldest first (the EIDO notes of the call)."""
    return (
        CallNote.objects.filter(call__in=[call.pk, *_duplicate_ids(call)])
        .select_related("by", "unit")
        .order_by("at", "id")
    )


def _duplicate_ids(call: Call) -> list[int]:
    cached = getattr(call, "_duplicate_ids", None)
    if cached is None:
        cached = list(Call.objects.filter(duplicate_of=call).values_list("pk", flat=True))
        call._duplicate_ids = cached  # type: ignore[attr-defined]
    return cached


def call_timeline(call: Call) -> list[TimelineEntry]:
    """Everything that happened to ``call``, oldest first."""
    entries = [
        TimelineEntry(
            at=call.received_at,
            kind="received",
            title="Call received",
            detail=f"{call.call_type_id} at {call.address or 'no address'}",
            by=_name(call.created_by) if call.created_by_id else "",
            order=0,
        )
    ]
    entries += _triage(call)
    entries += _assignments(call)
    events = list(FieldEvent.objects.filter(call=call).select_related("by", "unit"))
    entries += _events(events)
    resolved_by_phone = call.ccd_disposition not in ("", CCD_CONVERTED) and call.closed_at
    if resolved_by_phone and not any(e.kind == FieldEvent.Kind.CCD_RESOLVED for e in events):
        # Resolved before the phone line's resolutions were events: read from the call.
        entries.append(
            TimelineEntry(
                at=call.closed_at,  # type: ignore[arg-type]
                kind=FieldEvent.Kind.CCD_RESOLVED,
                title="CCD resolved the call by phone",
                detail=call.get_ccd_disposition_display(),
                order=5,
            )
        )
    entries += [_note(n, call) for n in call_notes(call)]
    entries += _acks(call)
    if call.closed_at and call.status == Call.Status.CLOSED:
        entries.append(
            TimelineEntry(
                at=call.closed_at,
                kind="closed",
                title="Call closed",
                detail=call.get_disposition_display() if call.disposition else "",
                order=9,
            )
        )
    return sorted(entries, key=lambda e: (e.at, e.order))


def _triage(call: Call) -> list[TimelineEntry]:
    records = call.triage_records.select_related("by")
    return [
        TimelineEntry(
            at=r.at,
            kind="triage",
            title=f"Triage ({r.get_kind_display()})",
            detail=f"{r.route} {r.priority} · {r.explanation}",
            by=_name(r.by),
            order=1,
        )
        for r in records
    ]


STAMPS = (
    ("dispatched_at", "dispatched", "Dispatched"),
    ("en_route_at", "en_route", "En route"),
    ("on_scene_at", "on_scene", "On scene"),
    ("transporting_at", "transporting", "Transporting"),
    ("cleared_at", "cleared", "Cleared"),
)


def _assignments(call: Call) -> list[TimelineEntry]:
    entries = []
    assignments = Assignment.objects.filter(call=call).select_related("unit", "assigned_by")
    for a in assignments:
        for i, (attr, kind, label) in enumerate(STAMPS):
            at = getattr(a, attr)
            if at is None:
                continue
            detail = ""
            if kind == "cleared":
                detail = a.get_disposition_display() if a.disposition else "released"
            entries.append(
                TimelineEntry(
                    at=at,
                    kind=kind,
                    title=f"{a.unit.name} {label.lower()}",
                    detail=detail,
                    by=_name(a.assigned_by) if kind == "dispatched" else "",
                    unit=a.unit.name,
                    order=2 + i,
                )
            )
    return entries


def _events(events: list[FieldEvent]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=e.at,
            kind=e.kind,
            title=e.get_kind_display(),
            detail=e.reason,
            by=_name(e.by),
            unit=e.unit.name if e.unit else "",
            order=5,
        )
        for e in events
    ]


def _note(note: CallNote, call: Call) -> TimelineEntry:
    return TimelineEntry(
        at=note.at,
        kind=note.kind,
        title=note.get_kind_display(),
        detail=note.text,
        by=_name(note.by),
        unit=note.unit.name if note.unit else "",
        from_call=note.call_id if note.call_id != call.pk else None,
        changes=note.changes,
        order=6,
    )


def _acks(call: Call) -> list[TimelineEntry]:
    acks = AlertAcknowledgement.objects.filter(call=call).select_related("by", "event")
    return [
        TimelineEntry(
            at=a.at,
            kind="alert_ack",
            title=f"{a.get_kind_display()} alert acknowledged",
            detail=a.event.reason if a.event else "",
            by=_name(a.by),
            order=7,
        )
        for a in acks
    ]
