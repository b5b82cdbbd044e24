"""Calls that already happened, stored whole: the demo's year and records migrated from
another CAD. Each is triaged as of its own time, and keeps what a clearing on the console
keeps: the units' times, the disposition, the felt-safe answers and the referral offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dispatch.models import Assignment, Call, TriageRecord, Unit
from dispatch.roster_selectors import crews
from dispatch.services.assignments import DEPARTMENT_KINDS
from dispatch.services.calls import (
    CallInput,
    _apply_triage,
    _call_fields,
    _triage_record,
    triage_evaluate,
)
from dispatch.services.clearing import (
    FeltSafe,
    Referral,
    _check_ccd_resolution,
    _check_disposition,
    _check_referral,
    _record_felt_safe,
    _refer,
)
from dispatch.services.outcomes import Outcome, outcome_check, outcome_record
from dispatch.services.transfer_988 import check_transfer_988


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
    felt_safe: list[FeltSafe] | None = None,
    referral: Referral | None = None,
    by: Any = None,
    ccd_disposition: str = "",
    outcome: Outcome | None = None,
    transfer_988: str = "",
) -> Call:
    """Store a call that already happened, triaged as of its received time, with the one unit
    that responded (if any), about `data.person_id` when known.

    `felt_safe` are the answers given when a department unit cleared: like a clearing on the
    console, every member of the unit answers, nobody else (None: not recorded, as in
    migrated records that never asked). `referral` is the offer of care navigation at
    clearing, made by `by`: with consent a case opens at `closed_at`, without it the offer is
    counted. No idempotency key is needed: (source, external_id) is unique, so loading twice
    adds nothing. Raises ValidationError by field.

    `ccd_disposition` is a call a CCD clinician resolved by phone (no unit responded): one of
    the phone line's resolutions, which is the call's disposition too.

    `outcome` is what the clearing recorded (arrest, transport, demographics...;
    services/outcomes.py), checked as at a clearing on the console.
    the phone line's resolutions, which is the call's disposition too; a transfer to 988 says
    how (`transfer_988`, warm or cold).
    """
    if data.received_at is None:
        raise ValidationError({"received_at": ["a past call needs its received time"]})
    if ccd_disposition:
        _check_ccd_resolution(ccd_disposition)
        if response is not None:
            raise ValidationError({"ccd_disposition": ["a call resolved by phone had no unit"]})
        if disposition not in ("", ccd_disposition):
            raise ValidationError(
                {"disposition": ["a call resolved by phone takes its CCD disposition"]}
            )
        disposition = ccd_disposition
    elif disposition:
        _check_disposition(disposition)
    _check_referral(disposition, referral)
    if outcome is not None:
        outcome_check(outcome, disposition=disposition)
    check_transfer_988(disposition, transfer_988)
    result = triage_evaluate(
        call_type=data.call_type, answers=data.answers, received_at=data.received_at
    )
    with transaction.atomic():
        call = Call(
            **_call_fields(data),
            source=source,
            external_id=external_id,
            status=Call.Status.CLOSED,
            received_at=data.received_at,
            created_at=data.received_at,
            triaged_at=data.received_at,
            closed_at=closed_at,
            disposition=disposition,
            ccd_disposition=ccd_disposition,
            transfer_988=transfer_988,
            person_id=data.person_id,
            referral_consent=None if referral is None else referral.consent,
        )
        _apply_triage(call, result)
        if response is not None:
            call.first_dispatched_at = response.dispatched_at
            call.first_on_scene_at = response.on_scene_at
        call.save()
        _triage_record(call, kind=TriageRecord.Kind.IMPORT, by=None, at=data.received_at)
        if response is not None:
            cleared_at = response.cleared_at or closed_at
            Assignment.objects.create(
                call=call,
                unit_id=response.unit_id,
                dispatched_at=response.dispatched_at,
                en_route_at=response.en_route_at,
                on_scene_at=response.on_scene_at,
                cleared_at=cleared_at,
                disposition=disposition,
            )
            unit = Unit.objects.get(pk=response.unit_id)
            if felt_safe is not None and unit.kind in DEPARTMENT_KINDS:
                crew = crews([unit], at=response.dispatched_at, until=cleared_at)[unit.pk]
                _record_felt_safe(call, unit, crew, felt_safe, cleared_at)
        if referral is not None:
            _refer(call, referral, by=by, request=None, at=closed_at)
        if outcome is not None:
            outcome_record(call=call, outcome=outcome, by=by, at=closed_at)
    return call
