"""Writes for calls and units. Each function is one state change in one transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dispatch.models import Call, TriageRecord
from heart.audit import audit_record
from heart.models import IdempotencyRecord
from triage.engine import TriageInputError, TriageResult, evaluate
from triage.selectors import engine_get


@dataclass(frozen=True)
class CallInput:
    call_type: str
    received_at: datetime | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    zone: str = ""
    caller_name: str = ""
    callback_number: str = ""
    narrative: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    person_id: int | None = None

    def fingerprint(self) -> str:
        data = asdict(self)
        if self.received_at is not None:
            data["received_at"] = self.received_at.isoformat()
        raw = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


class IdempotencyConflict(Exception):
    """The idempotency key was used before for a different request."""


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


def _apply_triage(call: Call, result: TriageResult) -> None:
    call.eligible_route = result.eligible_route
    call.route = result.route
    call.priority = result.priority
    call.rule = result.rule
    call.ruleset_version = result.ruleset_version
    call.unserved_reason = result.unserved_reason or ""
    call.explanation = result.explanation[:300]


def _triage_record(call: Call, *, kind: str, by: Any, at: datetime) -> TriageRecord:
    return TriageRecord.objects.create(
        call=call,
        kind=kind,
        at=at,
        call_type=call.call_type_id,
        answers=call.answers,
        eligible_route=call.eligible_route,
        route=call.route,
        priority=call.priority,
        rule=call.rule,
        ruleset_version=call.ruleset_version,
        unserved_reason=call.unserved_reason,
        explanation=call.explanation,
        by=by if by is not None and by.is_authenticated else None,
    )


def call_create(
    *,
    by: Any,
    data: CallInput,
    idempotency_key: str | None = None,
    request: Any = None,
    source: str = "console",
) -> tuple[Call, bool]:
    """Log, triage and queue a call; return (call, created).

    With an idempotency key the same request gives the same call however often it is sent
    (created is False on a replay); the same key with different data raises IdempotencyConflict.
    """
    fingerprint = data.fingerprint()
    if idempotency_key:
        existing = _idempotent_replay(by=by, key=idempotency_key, fingerprint=fingerprint)
        if existing is not None:
            return existing, False
    now = timezone.now()
    received_at = data.received_at or now
    result = triage_evaluate(
        call_type=data.call_type, answers=data.answers, received_at=received_at
    )
    try:
        with transaction.atomic():
            call = Call(
                source=source,
                received_at=received_at,
                created_at=now,
                triaged_at=now,
                call_type_id=data.call_type,
                address=data.address,
                lat=data.lat,
                lon=data.lon,
                zone=data.zone,
                caller_name=data.caller_name,
                callback_number=data.callback_number,
                narrative=data.narrative,
                person_id=data.person_id,
                answers=data.answers,
                created_by=by if by is not None and by.is_authenticated else None,
            )
            _apply_triage(call, result)
            call.status = Call.Status.PHONE if call.route == "CCD" else Call.Status.QUEUED
            call.save()
            _triage_record(call, kind=TriageRecord.Kind.INTAKE, by=by, at=now)
            if idempotency_key:
                IdempotencyRecord.objects.create(
                    key=idempotency_key,
                    user=by,
                    scope="call_create",
                    request_hash=fingerprint,
                    object_id=call.pk,
                    created_at=now,
                )
            audit_record(
                action="call.create",
                user=by,
                obj=call,
                request=request,
                detail={"route": call.route, "rule": call.rule, "v": call.ruleset_version},
            )
    except IntegrityError:
        # Two identical requests raced: the loser returns the winner's call.
        if idempotency_key:
            existing = _idempotent_replay(by=by, key=idempotency_key, fingerprint=fingerprint)
            if existing is not None:
                return existing, False
        raise
    return call, True


def _idempotent_replay(*, by: Any, key: str, fingerprint: str) -> Call | None:
    record = IdempotencyRecord.objects.filter(user=by, scope="call_create", key=key).first()
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise IdempotencyConflict(
            "this Idempotency-Key was already used for a different call; use a new key"
        )
    return Call.objects.get(pk=record.object_id)


@dataclass(frozen=True)
class ResponseTimes:
    unit_id: int
    dispatched_at: datetime
    en_route_at: datetime | None = None
    on_scene_at: datetime | None = None
    cleared_at: datetime | None = None


def call_record_closed(
    *,
    data: CallInput,
    source: str,
    external_id: str,
    response: ResponseTimes | None,
    disposition: str,
    closed_at: datetime,
) -> Call:
    """Store a call that already happened (demo history, migrated records), triaged as of its time.

    No idempotency key is needed: (source, external_id) is unique, so loading twice adds nothing.
    """
    from dispatch.models import Assignment

    if data.received_at is None:
        raise ValidationError({"received_at": ["a past call needs its received time"]})
    result = triage_evaluate(
        call_type=data.call_type, answers=data.answers, received_at=data.received_at
    )
    with transaction.atomic():
        call = Call(
            source=source,
            external_id=external_id,
            status=Call.Status.CLOSED,
            received_at=data.received_at,
            created_at=data.received_at,
            triaged_at=data.received_at,
            closed_at=closed_at,
            call_type_id=data.call_type,
            address=data.address,
            lat=data.lat,
            lon=data.lon,
            zone=data.zone,
            caller_name=data.caller_name,
            callback_number=data.callback_number,
            narrative=data.narrative,
            answers=data.answers,
            disposition=disposition,
        )
        _apply_triage(call, result)
        if response is not None:
            call.first_dispatched_at = response.dispatched_at
            call.first_on_scene_at = response.on_scene_at
        call.save()
        _triage_record(call, kind=TriageRecord.Kind.IMPORT, by=None, at=data.received_at)
        if response is not None:
            Assignment.objects.create(
                call=call,
                unit_id=response.unit_id,
                dispatched_at=response.dispatched_at,
                en_route_at=response.en_route_at,
                on_scene_at=response.on_scene_at,
                cleared_at=response.cleared_at or closed_at,
            )
    return call
