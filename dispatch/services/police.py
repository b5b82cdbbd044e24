"""Police and the department (docs/police_and_988.md): handoffs of calls police held, asked
for by a dispatcher or by police themselves, and police arriving uninvited on a department
call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import POLICE_HANDOFF_SOURCE, Call, FieldEvent, Unit
from dispatch.services.assignments import FIELD_DEPARTMENT_KINDS, _lock_open_call
from dispatch.services.calls import (
    CallInput,
    _announce,
    _field_event,
    _instant,
    _stamp,
    _touch,
    call_create,
)
from triage.selectors import engine_get

# The services police may hand a call to: the department's field teams.
HANDOFF_TARGETS = FIELD_DEPARTMENT_KINDS
# Calls the screening sends to fire or EMS stay there, whoever asks (rules R1 and R2).
NOT_HANDED_OFF = ("FIRE", "EMS")


class HandoffDeclined(ValidationError):
    """No department field team can take the call now (off duty): it stays with police.
    Not a bad request: the officer is told why (HTTP 200 with handed_off false)."""


@dataclass(frozen=True)
class HandoffResult:
    call: Call
    created: bool
    handed_off: bool
    route: str
    # Why the call went where it went, in words shown to the officer.
    note: str


def _check_target(target: str) -> None:
    if target not in HANDOFF_TARGETS:
        raise ValidationError(
            {"target": [f"{target!r} is not one of {', '.join(HANDOFF_TARGETS)}"]}
        )


def handoff_route(target: str, when: datetime) -> tuple[str, str]:
    """(route, note): the target if on duty at `when`, else the next department field team of
    its fallback chain that is; route is "" when none is (the call stays with police)."""
    coverage = engine_get().coverage
    route, _ = coverage.resolve(target, when)
    if route == target:
        return target, f"{target} is on duty"
    off = ", ".join(coverage.skipped(target, route))
    local = timezone.localtime(when)
    if route not in HANDOFF_TARGETS:
        return "", f"{off} off duty at {local:%H:%M}: the call stays with police"
    return route, f"{off} off duty at {local:%H:%M}: {route} takes the call"


def police_held(call: Call) -> bool:
    """Police actually held the call: it is or was routed to police (at an earlier triage), or
    a police unit was on it."""
    return (
        call.route == "POLICE"
        or call.triage_records.filter(route="POLICE").exists()
        or call.assignments.filter(unit__kind="POLICE").exists()
    )


def _reroute(call: Call, route: str, note: str) -> None:
    call.route = route
    on_it = call.assignments.filter(cleared_at__isnull=True)
    if not on_it.filter(unit__kind=route).exists():
        call.status = Call.Status.ACTIVE if on_it.exists() else Call.Status.QUEUED
        call.held_until = None
    call.explanation = f"{call.explanation}; police handoff: {note}"[-300:]
    call.save(update_fields=["route", "status", "held_until", "explanation", "updated_at"])


def handoff_record(
    *,
    call_id: int,
    reason: str,
    by: Any,
    target: str = "HEART",
    request: Any = None,
    at: datetime | None = None,
) -> FieldEvent:
    """Police on a call they hold ask the department to take it over: the call is rerouted to
    `target` (HEART or CO_RESPONSE), or down its fallback chain to the department team on duty
    at the time (`at` for a handoff recorded after the fact, default now).

    Only a call police actually held (routed to police, or with a police unit on it) can be
    handed off. With no department field team on duty, HandoffDeclined: nothing changes."""
    return _handoff(call_id=call_id, reason=reason, by=by, target=target, request=request, at=at)[0]


def _handoff(
    *, call_id: int, reason: str, by: Any, target: str, request: Any, at: datetime | None
) -> tuple[FieldEvent, str]:
    _check_target(target)
    now = timezone.now()
    with transaction.atomic():
        call = _lock_open_call(call_id)
        when = _instant(at, now=now, not_before=call.received_at)
        if not police_held(call):
            raise ValidationError(
                {
                    "call": [
                        f"call {call_id} is routed to {call.route or 'nobody'} and no police unit "
                        "was on it: only a call police held can be handed off"
                    ]
                }
            )
        route, note = handoff_route(target, when)
        if not route:
            raise HandoffDeclined({"target": [note]})
        if call.route == route:
            raise ValidationError({"call": [f"the call is already routed to {route}"]})
        previous = call.route
        _reroute(call, route, note)
        event = _field_event(call, kind=FieldEvent.Kind.HANDOFF, at=when, by=by, reason=reason)
        audit_record(
            action="call.handoff",
            user=by,
            obj=call,
            request=request,
            detail={
                "from": previous,
                "to": route,
                "target": target,
                "reason": event.reason,
                **_stamp(at, when),
            },
        )
        # Partners hear of it (interop): the call moved from police to the department.
        _announce(call.pk, "transferred", at=when)
    return event, note


def police_handoff_request(
    *,
    by: Any,
    reason: str,
    target: str = "HEART",
    call_id: int | None = None,
    data: CallInput | None = None,
    idempotency_key: str | None = None,
    request: Any = None,
) -> HandoffResult:
    """Police ask the department to take a call: an existing call they hold (`call_id`), or a
    new one they describe (`data`, logged and triaged with source "police_handoff").

    Respects duty hours: `target` if on duty, else the next department team of its chain that
    is (HEART off duty goes to co-response), else the call stays with police and the result
    says why. A new call the screening sends to fire or EMS is logged and stays there. A
    handed-off call counts once as a handoff (a `handoff` field event), as a dispatcher's.
    With an idempotency key, the same new call sent again returns the first answer's call
    (created False) and changes nothing."""
    _check_target(target)
    if (call_id is None) == (data is None):
        raise ValidationError({"call": ["give either an existing call id or the call's details"]})
    if call_id is not None:
        try:
            event, note = _handoff(
                call_id=call_id, reason=reason, by=by, target=target, request=request, at=None
            )
        except HandoffDeclined as exc:
            note = exc.message_dict["target"][0]
            call = Call.objects.get(pk=call_id)
            audit_record(
                action="call.handoff_declined",
                user=by,
                obj=call,
                request=request,
                detail={"target": target, "note": note},
            )
            return HandoffResult(call, False, False, call.route, note)
        call = Call.objects.get(pk=event.call_id)
        return HandoffResult(call, False, True, call.route, note)
    if data is None:  # for mypy: the check above gave one of the two
        raise ValidationError({"call": ["give either an existing call id or the call's details"]})
    now = timezone.now()
    with transaction.atomic():
        created, is_new = call_create(
            by=by,
            data=data,
            request=request,
            source=POLICE_HANDOFF_SOURCE,
            idempotency_key=idempotency_key,
        )
        if not is_new:
            handed = created.events.filter(kind=FieldEvent.Kind.HANDOFF).exists()
            return HandoffResult(created, False, handed, created.route, "sent before: unchanged")
        call = Call.objects.select_for_update().get(pk=created.pk)
        if call.route in NOT_HANDED_OFF:
            note = (
                f"the screening answers send this call to {call.route} (rule {call.rule}): "
                "it is not a department call"
            )
            handed_off = False
        else:
            route, note = handoff_route(target, call.received_at)
            handed_off = bool(route)
            if not handed_off:
                route = "POLICE"
                if call.eligible_route in HANDOFF_TARGETS:
                    # The screening found it the department's: eligible, unserved, and why.
                    call.unserved_reason = "outside_hours"
                    call.save(update_fields=["unserved_reason", "updated_at"])
            if call.route != route:
                _reroute(call, route, note)
            if handed_off:
                _field_event(call, kind=FieldEvent.Kind.HANDOFF, at=now, by=by, reason=reason)
        audit_record(
            action="call.handoff" if handed_off else "call.handoff_declined",
            user=by,
            obj=call,
            request=request,
            detail={
                "to": call.route,
                "target": target,
                "reason": reason.strip()[:500],
                "note": note,
            },
        )
    return HandoffResult(call, True, handed_off, call.route, note)


def police_arrival_record(
    *,
    call_id: int,
    by: Any,
    note: str = "",
    unit_id: int | None = None,
    request: Any = None,
    at: datetime | None = None,
) -> FieldEvent:
    """Police arrived on a department call nobody asked them to (no backup request): recorded
    as a `police_uninvited` field event, with the police unit when known, and counted on the
    dashboards. The call must be open and be a department field call (routed to HEART or
    co-response, or with a department unit on it)."""
    now = timezone.now()
    with transaction.atomic():
        call = _lock_open_call(call_id)
        when = _instant(at, now=now, not_before=call.received_at)
        department = (
            call.route in FIELD_DEPARTMENT_KINDS
            or call.assignments.filter(unit__kind__in=FIELD_DEPARTMENT_KINDS).exists()
        )
        if not department:
            raise ValidationError(
                {"call": [f"call {call_id} is a {call.route} call, not a department response"]}
            )
        if unit_id is not None:
            unit = Unit.objects.filter(pk=unit_id).first()
            if unit is None or unit.kind != "POLICE":
                raise ValidationError({"unit": [f"unit {unit_id} is not a police unit"]})
        event = _field_event(
            call,
            kind=FieldEvent.Kind.POLICE_UNINVITED,
            at=when,
            by=by,
            reason=note,
            unit_id=unit_id,
        )
        _touch(call.pk, now)
        audit_record(
            action="call.police_uninvited",
            user=by,
            obj=call,
            request=request,
            detail={"unit": unit_id, "note": event.reason, **_stamp(at, when)},
        )
    return event
