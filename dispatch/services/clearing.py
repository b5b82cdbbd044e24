"""Ending a response: clearing a unit with a disposition and felt-safe answers, and the CCD
phone queue (resolve by phone, or convert to a field response)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import DISPOSITIONS, Call, FieldEvent, SafetyCheck, TriageRecord, Unit
from dispatch.services.assignments import DEPARTMENT_KINDS, _assignment_close
from dispatch.services.calls import (
    _apply_triage,
    _field_event,
    _triage_record,
    triage_evaluate,
)
from dispatch.signals import referral_made

DISPOSITION_CODES = [code for code, _ in DISPOSITIONS]
NEEDS = [
    "housing",
    "mental_health",
    "substance_use",
    "medical",
    "benefits",
    "food",
    "transportation",
    "other",
]


@dataclass(frozen=True)
class FeltSafe:
    responder_id: int
    safe: bool


@dataclass(frozen=True)
class Referral:
    consent: bool
    needs: list[str] = field(default_factory=list)
    person_name: str = ""
    date_of_birth: date | None = None
    phone: str = ""


def _check_disposition(disposition: str) -> None:
    if disposition not in DISPOSITION_CODES:
        raise ValidationError(
            {"disposition": [f"{disposition!r} is not one of {', '.join(DISPOSITION_CODES)}"]}
        )


def _check_referral(disposition: str, referral: Referral | None) -> None:
    if disposition == "referred_to_care_navigation" and referral is None:
        raise ValidationError(
            {"referral": ["a referral to care navigation needs the person's consent answer"]}
        )
    if referral is None:
        return
    unknown = [n for n in referral.needs if n not in NEEDS]
    if unknown:
        raise ValidationError({"referral.needs": [f"unknown needs: {', '.join(unknown)}"]})
    if referral.consent and not referral.needs:
        raise ValidationError({"referral.needs": ["name at least one need"]})


def call_clear(
    *,
    call_id: int,
    unit_id: int,
    disposition: str,
    felt_safe: list[FeltSafe],
    by: Any,
    referral: Referral | None = None,
    request: Any = None,
) -> Call:
    """Clear a unit from a call. Department units need a disposition and every member's
    "did you feel safe?". A referral goes to care navigation (signals.referral_made), which
    opens a case when the person consented and counts a declined one. The call closes when its
    last unit clears."""
    _check_disposition(disposition)
    _check_referral(disposition, referral)
    now = timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            raise ValidationError({"call": [f"call {call_id} does not exist"]})
        assignment = (
            call.assignments.select_related("unit")
            .filter(unit_id=unit_id, cleared_at__isnull=True)
            .first()
        )
        if assignment is None:
            raise ValidationError({"unit": [f"unit {unit_id} is not on call {call_id}"]})
        unit = assignment.unit
        if unit.kind in DEPARTMENT_KINDS:
            _record_felt_safe(call, unit, felt_safe, now)
        _assignment_close(assignment, now=now, disposition=disposition)
        Unit.objects.filter(pk=unit.pk).update(
            status=Unit.Status.AVAILABLE, status_changed_at=now, updated_at=now
        )
        if referral is not None:
            Call.objects.filter(pk=call.pk).update(referral_consent=referral.consent)
            call.referral_consent = referral.consent
            # Declined too: care navigation counts the offer (no case) and audits it.
            referral_made.send(
                sender=Call,
                call=call,
                by=by,
                needs=referral.needs,
                consent=referral.consent,
                person_name=referral.person_name,
                date_of_birth=referral.date_of_birth,
                phone=referral.phone,
                request=request,
            )
        audit_record(
            action="call.clear",
            user=by,
            obj=call,
            request=request,
            detail={
                "unit": unit.name,
                "disposition": disposition,
                "referral": None if referral is None else referral.consent,
            },
        )
    call.refresh_from_db()
    return call


def _record_felt_safe(call: Call, unit: Unit, answers: list[FeltSafe], now: Any) -> None:
    members = {m.pk: m.get_username() for m in unit.members.all()}
    given = {a.responder_id: a.safe for a in answers}
    strangers = sorted(set(given) - set(members))
    if strangers:
        raise ValidationError(
            {"felt_safe": [f"responders {strangers} are not members of {unit.name}"]}
        )
    missing = sorted(name for pk, name in members.items() if pk not in given)
    if missing:
        raise ValidationError(
            {
                "felt_safe": [
                    f"every responder answers 'did you feel safe?': missing {', '.join(missing)}"
                ]
            }
        )
    SafetyCheck.objects.bulk_create(
        SafetyCheck(call=call, unit=unit, responder_id=pk, safe=safe, at=now)
        for pk, safe in given.items()
    )


def ccd_resolve(*, call_id: int, disposition: str, by: Any, request: Any = None) -> Call:
    """A CCD clinician resolved the call by phone."""
    _check_disposition(disposition)
    now = timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None or call.status != Call.Status.PHONE:
            raise ValidationError({"call": ["only a call in the CCD phone queue can be resolved"]})
        call.status = Call.Status.CLOSED
        call.disposition = disposition
        call.closed_at = now
        call.save(update_fields=["status", "disposition", "closed_at", "updated_at"])
        audit_record(
            action="call.ccd_resolve",
            user=by,
            obj=call,
            request=request,
            detail={"disposition": disposition},
        )
    return call


def ccd_convert(
    *,
    call_id: int,
    by: Any,
    answers: dict[str, str] | None = None,
    reason: str = "",
    request: Any = None,
) -> Call:
    """Convert a phone call to a field response: re-triaged with the caller wanting someone in
    person (plus any answers the clinician updated); both triage records are kept."""
    now = timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None or call.status != Call.Status.PHONE:
            raise ValidationError({"call": ["only a call in the CCD phone queue can be converted"]})
        new_answers = {**call.answers, **(answers or {}), "wants_in_person": "yes"}
        result = triage_evaluate(call_type=call.call_type_id, answers=new_answers, received_at=now)
        if result.route == "CCD":
            raise ValidationError({"answers": ["the rules still route this call to CCD"]})
        previous = call.route
        call.answers = new_answers
        _apply_triage(call, result)
        call.status = Call.Status.QUEUED
        call.save()
        _triage_record(call, kind=TriageRecord.Kind.RETRIAGE, by=by, at=now)
        _field_event(call, kind=FieldEvent.Kind.CCD_CONVERTED, at=now, by=by, reason=reason)
        audit_record(
            action="call.ccd_convert",
            user=by,
            obj=call,
            request=request,
            detail={"from": previous, "to": call.route},
        )
    return call
