"""Units on calls: assignment (contested), status changes, holds and fallbacks, field events."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import Assignment, Call, FieldEvent, TriageRecord, Unit
from dispatch.services.calls import (
    _announce,
    _field_event,
    _instant,
    _stamp,
    _touch,
    _triage_record,
    _user_or_none,
)
from triage.selectors import engine_get

DEPARTMENT_KINDS = ("HEART", "CO_RESPONSE", "CCD")
FIELD_DEPARTMENT_KINDS = ("HEART", "CO_RESPONSE")
OPEN_STATUSES = (Call.Status.QUEUED, Call.Status.HELD, Call.Status.PHONE, Call.Status.ACTIVE)
# Which assignment timestamp a unit status sets.
STATUS_STAMPS: dict[str, str] = {
    Unit.Status.EN_ROUTE.value: "en_route_at",
    Unit.Status.ON_SCENE.value: "on_scene_at",
    Unit.Status.TRANSPORTING.value: "transporting_at",
}


class UnitUnavailable(Exception):
    """The unit is already on a call (or not in service): HTTP 409."""

    def __init__(self, unit: Unit | None, detail: str = "unit already assigned") -> None:
        super().__init__(detail)
        self.unit = unit


class CallNotOpen(ValidationError):
    """The call was closed or linked meanwhile (a stale board): HTTP 409, not a bad request."""


class UnitsAvailable(ValidationError):
    """Units of the call's route are available: falling back needs the dispatcher's
    confirmation. ``units`` names them for the confirm step."""

    def __init__(self, route: str, units: list[str]) -> None:
        super().__init__(
            {
                "confirm": [
                    f"{len(units)} {route} unit{'s are' if len(units) != 1 else ' is'} available "
                    f"({', '.join(units)}): confirm to fall back anyway"
                ]
            }
        )
        self.route = route
        self.units = units


class NoLongerOnCall(CallNotOpen):
    """A unit's action about a call it was taken off meanwhile (the dispatcher reassigned the
    call, or cleared the unit): HTTP 409, like a closed call. A phone that was offline sends
    such actions late; the message says what happened instead."""


def no_longer_on_call(call_id: int, unit: Unit) -> CallNotOpen:
    """The 409 of an action by `unit` on `call_id` (a call it was on), saying what happened
    meanwhile: the call closed (CallNotOpen), or it goes on without the unit (NoLongerOnCall)."""
    call = Call.objects.get(pk=call_id)
    if call.status not in OPEN_STATUSES:
        return CallNotOpen(
            {"call": [f"call {call_id} was {call.status} meanwhile: nothing was recorded"]}
        )
    others = list(
        Assignment.objects.filter(call_id=call_id, cleared_at__isnull=True)
        .exclude(unit=unit)
        .values_list("unit__name", flat=True)
    )
    if others:
        text = f"call {call_id} was reassigned to {', '.join(others)} meanwhile"
    else:
        text = f"{unit.name} was taken off call {call_id} meanwhile"
    return NoLongerOnCall({"call": [f"{text}: nothing was recorded for {unit.name}"]})


def _was_on_call(call_id: int, unit_id: int) -> bool:
    return Assignment.objects.filter(call_id=call_id, unit_id=unit_id).exists()


def _lock_open_call(call_id: int) -> Call:
    call = Call.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise ValidationError({"call": [f"call {call_id} does not exist"]})
    if call.status not in OPEN_STATUSES:
        raise CallNotOpen({"call": [f"call {call_id} is {call.status}"]})
    return call


def unit_assign(
    *, call_id: int, unit_id: int, by: Any, request: Any = None, at: datetime | None = None
) -> Assignment:
    """Put an available unit on an open call. Exactly one of two racing dispatchers wins.

    The first unit must be of the call's route; a second unit may be any field unit (police
    backup on a HEART call, EMS beside police). CCD positions take phone calls, not field calls.
    `at` is the dispatch time of an assignment recorded after the fact (default now).
    """
    now = timezone.now()
    with transaction.atomic():
        call = _lock_open_call(call_id)
        when = _instant(at, now=now, not_before=call.received_at)
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise ValidationError({"unit": [f"unit {unit_id} does not exist"]})
        has_units = call.assignments.filter(cleared_at__isnull=True).exists()
        if unit.kind == "CCD":
            raise ValidationError(
                {"unit": [f"{unit.name} is a CCD phone position, not a field unit"]}
            )
        if not has_units and unit.kind != call.route:
            raise ValidationError(
                {
                    "unit": [
                        f"{unit.name} is a {unit.kind} unit; this call is routed to {call.route}"
                    ]
                }
            )
        # The claim: a conditional update that only one transaction can win. The partial unique
        # index on open assignments is the backstop if a status was edited by hand.
        claimed = Unit.objects.filter(pk=unit.pk, status=Unit.Status.AVAILABLE).update(
            status=Unit.Status.DISPATCHED, status_changed_at=when, updated_at=now
        )
        if claimed != 1:
            raise UnitUnavailable(unit)
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    call=call, unit=unit, dispatched_at=when, assigned_by=_user_or_none(by)
                )
        except IntegrityError:
            raise UnitUnavailable(unit) from None
        call.status = Call.Status.ACTIVE
        call.held_until = None
        call.first_dispatched_at = call.first_dispatched_at or when
        call.save(update_fields=["status", "held_until", "first_dispatched_at", "updated_at"])
        audit_record(
            action="call.assign",
            user=by,
            obj=call,
            request=request,
            detail={"unit": unit.name, "second": has_units, **_stamp(at, when)},
        )
        _announce(call.pk, "assigned", at=when, unit_id=unit.pk)
    return assignment


def unit_status_set(
    *,
    unit_id: int,
    status: str,
    by: Any,
    request: Any = None,
    at: datetime | None = None,
    call_id: int | None = None,
) -> Unit:
    """Change a unit's status, stamping its open assignment (en route, on scene, transporting).

    A department unit leaves a call only by clearing it (disposition and felt-safe answers);
    a police, fire or EMS unit becoming available clears its assignment. `at` is the time of a
    change recorded after the fact (default now; not before the unit was dispatched). `call_id`
    is the call the responder saw when making the change: if the unit is no longer on it (a
    phone's queued action, sent late) NoLongerOnCall is raised and nothing changes.
    """
    if status not in Unit.Status.values:
        raise ValidationError(
            {"status": [f"{status!r} is not one of {', '.join(Unit.Status.values)}"]}
        )
    now = timezone.now()
    with transaction.atomic():
        unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None:
            raise ValidationError({"unit": [f"unit {unit_id} does not exist"]})
        assignment = (
            Assignment.objects.select_related("call")
            .filter(unit=unit, cleared_at__isnull=True)
            .first()
        )
        if call_id is not None and (assignment is None or assignment.call_id != call_id):
            if not _was_on_call(call_id, unit.pk):
                raise ValidationError({"call": [f"{unit.name} was never on call {call_id}"]})
            raise no_longer_on_call(call_id, unit)
        if assignment is None and status in (*STATUS_STAMPS, Unit.Status.DISPATCHED):
            raise ValidationError({"status": [f"{unit.name} has no call: it cannot be {status}"]})
        when = _instant(
            at,
            now=now,
            not_before=assignment.dispatched_at if assignment else None,
            before_what="the unit was dispatched",
        )
        if assignment is not None:
            if status in (Unit.Status.OUT_OF_SERVICE, Unit.Status.OFF_DUTY):
                raise ValidationError(
                    {"status": [f"{unit.name} is on call {assignment.call_id}: clear it first"]}
                )
            if status == Unit.Status.AVAILABLE:
                if unit.kind in DEPARTMENT_KINDS:
                    raise ValidationError(
                        {"status": [f"clear call {assignment.call_id} with a disposition first"]}
                    )
                _assignment_close(assignment, at=when, disposition="")
                _announce(assignment.call_id, "cleared", at=when, unit_id=unit.pk)
            elif status in STATUS_STAMPS:
                field = STATUS_STAMPS[status]
                if getattr(assignment, field) is None:
                    setattr(assignment, field, when)
                    assignment.save(update_fields=[field])
                if status == Unit.Status.ON_SCENE and assignment.call.first_on_scene_at is None:
                    Call.objects.filter(pk=assignment.call_id).update(
                        first_on_scene_at=when, updated_at=now
                    )
                if status == Unit.Status.ON_SCENE:
                    _announce(assignment.call_id, "on_scene", at=when, unit_id=unit.pk)
        previous = unit.status
        unit.status = status
        unit.status_changed_at = when
        unit.save(update_fields=["status", "status_changed_at", "updated_at"])
        audit_record(
            action="unit.status",
            user=by,
            obj=unit,
            request=request,
            detail={
                "from": previous,
                "to": status,
                "call": assignment.call_id if assignment else None,
                **_stamp(at, when),
            },
        )
    return unit


def _assignment_close(assignment: Assignment, *, at: Any, disposition: str) -> None:
    """Clear one assignment at `at`; the call closes when its last unit clears."""
    assignment.cleared_at = at
    assignment.disposition = disposition
    assignment.save(update_fields=["cleared_at", "disposition"])
    still_open = Assignment.objects.filter(call_id=assignment.call_id, cleared_at__isnull=True)
    if not still_open.exists():
        fields: dict[str, Any] = {
            "status": Call.Status.CLOSED,
            "closed_at": at,
            # The moment of writing, not `at`: the rollups find changed calls by it.
            "updated_at": timezone.now(),
        }
        if disposition:
            fields["disposition"] = disposition
        Call.objects.filter(pk=assignment.call_id).update(**fields)


def call_hold(*, call_id: int, by: Any, request: Any = None) -> Call:
    """Hold a waiting call for a department unit; after the hold it falls back (no_unit)."""
    with transaction.atomic():
        call = _lock_open_call(call_id)
        if call.status != Call.Status.QUEUED or call.route not in FIELD_DEPARTMENT_KINDS:
            raise ValidationError(
                {"call": ["only a waiting HEART or co-response call can be held for a unit"]}
            )
        call.status = Call.Status.HELD
        call.held_until = timezone.now() + timedelta(minutes=settings.DISPATCH_HOLD_MINUTES)
        call.save(update_fields=["status", "held_until", "updated_at"])
        audit_record(
            action="call.hold",
            user=by,
            obj=call,
            request=request,
            detail={"until": call.held_until.isoformat()},
        )
    return call


def call_fall_back(
    *, call_id: int, by: Any = None, request: Any = None, confirmed: bool = False
) -> Call:
    """No unit of the route is free: move the call one step down its fallback chain.

    While units of the route are available a dispatcher's fallback needs ``confirmed``
    (UnitsAvailable otherwise, naming them): falling back then sends police where a team could
    go. The hold sweep confirms: the hold ran out with nobody assigning the unit."""
    now = timezone.now()
    with transaction.atomic():
        call = _lock_open_call(call_id)
        if call.status not in (Call.Status.QUEUED, Call.Status.HELD):
            raise ValidationError({"call": ["only a waiting call can fall back"]})
        if not confirmed:
            free = list(
                Unit.objects.filter(kind=call.route, status=Unit.Status.AVAILABLE)
                .order_by("name")
                .values_list("name", flat=True)
            )
            if free:
                raise UnitsAvailable(call.route, free)
        coverage = engine_get().coverage
        # The next service of the chain that is on duty now (POLICE always is).
        chain = [r for r in coverage.chain(call.route) if coverage.on_duty(r, now)]
        if not chain:
            raise ValidationError({"call": [f"{call.route} has no fallback on duty"]})
        previous = call.route
        call.route = chain[0]
        call.unserved_reason = "no_unit"
        call.status = Call.Status.QUEUED
        call.held_until = None
        call.explanation = f"{call.explanation}; no {previous} unit: {call.route}"[-300:]
        call.save(
            update_fields=[
                "route",
                "unserved_reason",
                "status",
                "held_until",
                "explanation",
                "updated_at",
            ]
        )
        _triage_record(call, kind=TriageRecord.Kind.FALLBACK, by=by, at=now)
        _field_event(
            call,
            kind=FieldEvent.Kind.HOLD_FALLBACK,
            at=now,
            by=by,
            reason=f"{previous} -> {call.route}",
        )
        audit_record(
            action="call.fallback",
            user=by,
            obj=call,
            request=request,
            detail={"from": previous, "to": call.route},
        )
        _announce(call.pk, "fallen_back", at=now)
    return call


def holds_expired_fall_back(*, now: Any = None) -> int:
    """Beat's sweep: every held call past its hold falls back. Safe to run concurrently."""
    now = now or timezone.now()
    moved = 0
    expired = Call.objects.filter(status=Call.Status.HELD, held_until__lte=now)
    for call_id in expired.values_list("pk", flat=True):
        try:
            call_fall_back(call_id=call_id, confirmed=True)
        except ValidationError:
            continue  # assigned or released by a dispatcher meanwhile
        moved += 1
    return moved


def backup_request(
    *,
    call_id: int,
    unit_id: int,
    reason: str,
    by: Any,
    request: Any = None,
    at: datetime | None = None,
) -> FieldEvent:
    """A department team on scene asks for police backup (`at`: when, if recorded later)."""
    now = timezone.now()
    with transaction.atomic():
        call = _lock_open_call(call_id)
        when = _instant(at, now=now, not_before=call.received_at)
        assignment = call.assignments.filter(unit_id=unit_id, cleared_at__isnull=True).first()
        if assignment is None:
            unit = Unit.objects.filter(pk=unit_id).first()
            if unit is not None and _was_on_call(call.pk, unit_id):
                raise no_longer_on_call(call.pk, unit)
            raise ValidationError({"unit": ["the unit is not on this call"]})
        if assignment.unit.kind not in FIELD_DEPARTMENT_KINDS:
            raise ValidationError({"unit": ["only a HEART or co-response unit requests backup"]})
        event = _field_event(
            call,
            kind=FieldEvent.Kind.BACKUP_REQUESTED,
            at=when,
            by=by,
            reason=reason,
            unit_id=unit_id,
        )
        _touch(call.pk, now)
        audit_record(
            action="call.backup_request",
            user=by,
            obj=call,
            request=request,
            detail={"unit": assignment.unit.name, "reason": event.reason, **_stamp(at, when)},
        )
    return event


def call_reassign(
    *, call_id: int, from_unit_id: int, to_unit_id: int, by: Any, request: Any = None
) -> Assignment:
    """The dispatcher moves a call from one unit to another (the first is needed elsewhere, or
    cannot reach it). The first unit's assignment ends without a disposition and the unit is
    available again; the second is assigned as by unit_assign (it must be available). All or
    nothing: if the second unit cannot take the call, the first stays on it. A phone of the
    first unit that sends a queued action about the call afterwards gets NoLongerOnCall."""
    now = timezone.now()
    with transaction.atomic():
        call = _lock_open_call(call_id)
        assignment = (
            call.assignments.select_related("unit")
            .filter(unit_id=from_unit_id, cleared_at__isnull=True)
            .first()
        )
        if assignment is None:
            raise ValidationError({"from_unit": [f"unit {from_unit_id} is not on call {call_id}"]})
        if to_unit_id == from_unit_id:
            raise ValidationError({"unit": ["choose another unit than the one on the call"]})
        previous = assignment.unit
        assignment.cleared_at = now
        assignment.save(update_fields=["cleared_at"])
        Unit.objects.filter(pk=previous.pk).update(
            status=Unit.Status.AVAILABLE, status_changed_at=now, updated_at=now
        )
        new = unit_assign(call_id=call_id, unit_id=to_unit_id, by=by, request=request)
        _field_event(
            call,
            kind=FieldEvent.Kind.REASSIGNED,
            at=now,
            by=by,
            reason=f"{previous.name} -> {new.unit.name}",
            unit_id=previous.pk,
        )
        audit_record(
            action="call.reassign",
            user=by,
            obj=call,
            request=request,
            detail={"from": previous.name, "to": new.unit.name},
        )
    return new
