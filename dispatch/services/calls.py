"""Calls: intake (create, override, duplicate link) and the helpers every call service shares."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.audit import audit_record
from background.outbox import outbox_enqueue
from dispatch.models import Call, FieldEvent, TriageRecord
from dispatch.signals import call_changed
from location.selectors import zone_at
from triage.engine import TriageInputError, TriageResult, evaluate
from triage.selectors import engine_get
from triage.vocabulary import ROUTES
from web.idempotency import IdempotencyKeyReused, idempotency_record_add, idempotency_replay

# Older times are no phone call this console took (and before 1883 they come back in local
# mean time, which is not an RFC 3339 date-time).
EARLIEST_CALL = datetime(1970, 1, 1, tzinfo=UTC)
# A longer narrative is refused by field, never cut: the intake form counts the characters
# against this limit as they are typed. The message takes Django's validator parameters.
NARRATIVE_MAX_CHARS = 5000
NARRATIVE_TOO_LONG = (
    f"at most {NARRATIVE_MAX_CHARS:,} characters; this one has %(show_value)s. "
    "Nothing was cut: shorten it and try again."
)
# A time recorded after the fact may run a little ahead of the server's clock (a phone's
# clock), not further.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class CallInput:
    call_type: str
    received_at: datetime | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    zone: str = ""
    # "address_point" or "street" when picked from the geocoder; typed coordinates otherwise.
    location_source: str = ""
    landmark: str = ""
    caller_name: str = ""
    callback_number: str = ""
    narrative: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    person_id: int | None = None
    # A call-taker's override of the recommended route, with the reason (audited).
    override_route: str = ""
    override_reason: str = ""
    # Link to an open incident instead of opening a new one (a duplicate call).
    duplicate_of: int | None = None
    # A call a partner agency transferred (docs/interop.md): its name, the EIDO's $id, and
    # the EIDO's lastUpdateTimeStamp.
    transferred_from: str = ""
    source_ref: str = ""
    source_updated_at: datetime | None = None
    external_label: str = ""
    # Language access: the caller's language (workforce.vocabulary code) and an interpreter.
    caller_language: str = ""
    interpreter_used: bool = False

    def fingerprint(self) -> str:
        data = asdict(self)
        # A console call's fingerprint stays what it was before transfers and language access
        # existed (fields left out at their defaults), so that idempotency keys stored earlier
        # still match their requests.
        for name in ("transferred_from", "source_ref", "source_updated_at", "external_label"):
            if not data[name]:
                del data[name]
        for name, default in (("caller_language", ""), ("interpreter_used", False)):
            if data[name] == default:
                del data[name]
        for name in ("received_at", "source_updated_at"):
            if data.get(name) is not None:
                data[name] = data[name].isoformat()
        raw = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


# The idempotency key was used before for a different request: web.idempotency's error, under
# the name the dispatch services have always raised.
IdempotencyConflict = IdempotencyKeyReused


def triage_evaluate(
    *, call_type: str, answers: dict[str, str], received_at: datetime, version: int | None = None
) -> TriageResult:
    """Route a call with the published rule set (or a given version). Raises ValidationError."""
    engine = engine_get(version)
    try:
        return evaluate(
            engine.ruleset,
            engine.coverage,
            call_type=call_type,
            answers=answers,
            received_at=received_at,
        )
    except TriageInputError as exc:
        raise ValidationError({exc.field: [str(exc)]}) from exc


def _instant(
    at: datetime | None,
    *,
    now: datetime,
    not_before: datetime | None = None,
    before_what: str = "the call was received",
) -> datetime:
    """When something happened: `at` for what is recorded after the fact (a responder's late
    entry, the demo's year of history), else now. A naive, future or too early `at` raises a
    ValidationError keyed "at"; the record keeps `at`, its audit entry the moment of writing."""
    if at is None:
        return now
    if timezone.is_naive(at):
        raise ValidationError({"at": ["needs a time zone"]})
    if at > now + CLOCK_SKEW:
        raise ValidationError({"at": ["is in the future"]})
    if not_before is not None and at < not_before:
        raise ValidationError({"at": [f"is before {before_what}"]})
    return at


def _stamp(at: datetime | None, when: datetime) -> dict[str, str]:
    """The audit detail of a change recorded after the fact: when it happened."""
    return {} if at is None else {"at": when.isoformat()}


def _call_fields(data: CallInput) -> dict[str, Any]:
    """What a call takes from its input, however it arrives."""
    point = (data.lat, data.lon) if data.lat is not None and data.lon is not None else None
    has_point = point is not None
    return {
        "call_type_id": data.call_type,
        "address": data.address,
        "lat": data.lat,
        "lon": data.lon,
        # A call's zone comes from its point when the zones are loaded (location.Zone).
        "zone": data.zone or (zone_at(lat=point[0], lon=point[1]) if point else ""),
        "location_source": (data.location_source or "typed") if has_point else "",
        "landmark": data.landmark,
        "caller_name": data.caller_name,
        "callback_number": data.callback_number,
        "narrative": data.narrative,
        "answers": data.answers,
        "transferred_from": data.transferred_from,
        "source_ref": data.source_ref,
        "source_updated_at": data.source_updated_at,
        "external_label": data.external_label,
        "caller_language": data.caller_language,
        "interpreter_used": data.interpreter_used,
    }


def _apply_triage(call: Call, result: TriageResult) -> None:
    call.eligible_route = result.eligible_route
    call.route = result.route
    call.priority = result.priority
    call.rule = result.rule
    call.ruleset_version = result.ruleset_version
    call.unserved_reason = result.unserved_reason or ""
    call.explanation = result.explanation[:300]


def _triage_record(
    call: Call, *, kind: str, by: Any, at: datetime, result: TriageResult | None = None
) -> TriageRecord:
    """Record a triage of ``call``: the engine's ``result`` when given (the recommendation,
    kept beside an override), else the routing the call holds now."""
    source: Any = call if result is None else result
    return TriageRecord.objects.create(
        call=call,
        kind=kind,
        at=at,
        call_type=call.call_type_id,
        answers=call.answers,
        eligible_route=source.eligible_route,
        route=source.route,
        priority=source.priority,
        rule=source.rule,
        ruleset_version=source.ruleset_version,
        unserved_reason=source.unserved_reason or "",
        explanation=source.explanation[:300],
        by=_user_or_none(by),
    )


def _field_event(
    call: Call, *, kind: str, at: datetime, by: Any, reason: str, unit_id: int | None = None
) -> FieldEvent:
    """Record something that happened on ``call`` (its reason trimmed to the column)."""
    return FieldEvent.objects.create(
        call=call,
        unit_id=unit_id,
        kind=kind,
        at=at,
        reason=reason.strip()[:500],
        by=_user_or_none(by),
    )


def _touch(call_id: int, at: datetime) -> None:
    """Mark the call changed (``updated_at``) for what is stored beside it, not in it (a note,
    a field event, an acknowledgement), so that the board's ETag (selectors.board_etag) moves."""
    Call.objects.filter(pk=call_id).update(updated_at=at)


def _announce(call_id: int, event: str, *, at: datetime, unit_id: int | None = None) -> None:
    """Tell the apps above that ``call_id`` moved on (signals.call_changed); inside the
    caller's transaction."""
    call_changed.send(sender=Call, call_id=call_id, event=event, at=at, unit_id=unit_id)


def call_create(
    *,
    by: Any,
    data: CallInput,
    idempotency_key: str | None = None,
    request: Any = None,
    source: str = "console",
    at: datetime | None = None,
) -> tuple[Call, bool]:
    """Log, triage and queue a call; return (call, created).

    With an idempotency key the same request gives the same call however often it is sent
    (created is False on a replay); the same key with different data raises IdempotencyConflict.
    An override keeps the recommendation beside it (two triage records, an audit entry); a
    duplicate is stored too, linked to the open incident instead of queued. `at` is when the
    call was entered, for one recorded after the fact (default now, never before it came in).
    """
    fingerprint = data.fingerprint()
    if idempotency_key:
        existing = _idempotent_replay(by=by, key=idempotency_key, fingerprint=fingerprint)
        if existing is not None:
            return existing, False
    now = timezone.now()
    received_at = data.received_at or _instant(at, now=now)
    if received_at > now + CLOCK_SKEW:
        raise ValidationError({"received_at": ["is in the future"]})
    if received_at < EARLIEST_CALL:
        raise ValidationError({"received_at": [f"is before {EARLIEST_CALL:%Y-%m-%d}"]})
    if len(data.narrative) > NARRATIVE_MAX_CHARS:
        raise ValidationError(
            {"narrative": [NARRATIVE_TOO_LONG % {"show_value": len(data.narrative)}]}
        )
    entered = _instant(at, now=now, not_before=received_at)
    result = triage_evaluate(
        call_type=data.call_type, answers=data.answers, received_at=received_at
    )
    _check_override(data, by)
    duplicate = _open_incident(data.duplicate_of) if data.duplicate_of else None
    try:
        with transaction.atomic():
            call = Call(
                **_call_fields(data),
                source=source,
                received_at=received_at,
                created_at=entered,
                triaged_at=entered,
                person_id=data.person_id,
                created_by=_user_or_none(by),
                duplicate_of=duplicate,
            )
            _apply_triage(call, result)
            overridden = bool(data.override_route) and data.override_route != result.route
            if overridden:
                call.route = data.override_route
                call.unserved_reason = "override"
                call.override_reason = data.override_reason.strip()
                call.explanation = (
                    f"{result.explanation}; overridden to {call.route}: {call.override_reason}"
                )[:300]
            if duplicate is not None:
                call.status = Call.Status.LINKED
            else:
                call.status = Call.Status.PHONE if call.route == "CCD" else Call.Status.QUEUED
            call.save(force_insert=True)
            _triage_record(call, kind=TriageRecord.Kind.INTAKE, by=by, at=entered, result=result)
            if overridden:
                _triage_record(call, kind=TriageRecord.Kind.OVERRIDE, by=by, at=entered)
            if idempotency_key:
                idempotency_record_add(
                    user=_user_or_none(by),
                    scope="call_create",
                    key=idempotency_key,
                    fingerprint=fingerprint,
                    object_id=call.pk,
                )
            audit_record(
                action="call.create",
                user=by,
                obj=call,
                request=request,
                detail={
                    "route": call.route,
                    "rule": call.rule,
                    "v": call.ruleset_version,
                    **_stamp(at, entered),
                },
            )
            if overridden:
                audit_record(
                    action="call.override",
                    user=by,
                    obj=call,
                    request=request,
                    detail={"from": result.route, "to": call.route, "reason": call.override_reason},
                )
            # The dashboards' rollups pick the new call up within seconds, not at beat's next
            # refresh; a broker outage only delays it (background/outbox.py).
            outbox_enqueue(task="dashboards.tasks.rollup_refresh", payload={}, coalesce=True)
            if duplicate is not None:
                _field_event(
                    duplicate,
                    kind=FieldEvent.Kind.DUPLICATE_LINKED,
                    at=entered,
                    by=by,
                    reason=f"call {call.pk} linked as a duplicate",
                )
    except IntegrityError:
        # Two identical requests raced: the loser returns the winner's call.
        if idempotency_key:
            existing = _idempotent_replay(by=by, key=idempotency_key, fingerprint=fingerprint)
            if existing is not None:
                return existing, False
        raise
    return call, True


def _user_or_none(user: Any) -> Any:
    return user if user is not None and user.is_authenticated else None


def _check_override(data: CallInput, by: Any) -> None:
    if not data.override_route:
        return
    if data.override_route not in ROUTES:
        raise ValidationError(
            {"override_route": [f"{data.override_route!r} is not one of {', '.join(ROUTES)}"]}
        )
    if not data.override_reason.strip():
        raise ValidationError({"override_reason": ["a reason is required to override the route"]})
    if by is not None and not by.has_perm("dispatch.override_route"):
        raise PermissionDenied("your role may not override the route")


def _open_incident(call_id: int) -> Call:
    incident = Call.objects.filter(pk=call_id).first()
    if incident is None:
        raise ValidationError({"duplicate_of": [f"call {call_id} does not exist"]})
    if incident.status in (Call.Status.CLOSED, Call.Status.LINKED):
        raise ValidationError({"duplicate_of": [f"call {call_id} is {incident.status}, not open"]})
    return incident


def _idempotent_replay(*, by: Any, key: str, fingerprint: str) -> Call | None:
    call_id = idempotency_replay(
        user=_user_or_none(by), scope="call_create", key=key, fingerprint=fingerprint, what="call"
    )
    return None if call_id is None else Call.objects.get(pk=call_id)
