"""Ending a response: clearing a unit with a disposition and felt-safe answers, and the CCD
phone queue (resolve by phone, or convert to a field response)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.models import (
    CCD_CONVERTED,
    CCD_RESOLUTIONS,
    DISPOSITIONS,
    Assignment,
    Call,
    FieldEvent,
    SafetyCheck,
    TriageRecord,
    Unit,
)
from dispatch.roster_selectors import crews
from dispatch.services.assignments import (
    DEPARTMENT_KINDS,
    OPEN_STATUSES,
    CallNotOpen,
    _assignment_close,
    _was_on_call,
    no_longer_on_call,
)
from dispatch.services.calls import (
    _announce,
    _apply_triage,
    _field_event,
    _instant,
    _stamp,
    _triage_record,
    triage_evaluate,
)
from dispatch.services.outcomes import Outcome, outcome_check, outcome_record
from dispatch.services.transfer_988 import check_transfer_988
from dispatch.signals import referral_made

DISPOSITION_CODES = [code for code, _ in DISPOSITIONS]
CCD_RESOLUTION_CODES = [code for code, _ in CCD_RESOLUTIONS]
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


class CallNotOnPhone(ValidationError):
    """The call is not (or no longer) in the CCD phone queue: another clinician resolved or
    converted it meanwhile. HTTP 409, not a bad request."""


def _lock_phone_call(call_id: int, *, doing: str) -> Call:
    call = Call.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise ValidationError({"call": [f"call {call_id} does not exist"]})
    if call.status != Call.Status.PHONE:
        raise CallNotOnPhone(
            {
                "call": [
                    f"only a call in the CCD phone queue can be {doing}: call {call_id} is "
                    f"{call.status}"
                ]
            }
        )
    return call


def _check_ccd_resolution(disposition: str) -> None:
    if disposition == CCD_CONVERTED:
        raise ValidationError(
            {
                "disposition": [
                    "a call for someone in person is converted, not resolved: convert it to a "
                    "field response"
                ]
            }
        )
    if disposition not in CCD_RESOLUTION_CODES:
        raise ValidationError(
            {"disposition": [f"{disposition!r} is not one of {', '.join(CCD_RESOLUTION_CODES)}"]}
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
    disposition: str,
    felt_safe: list[FeltSafe],
    by: Any,
    unit_id: int | None = None,
    referral: Referral | None = None,
    outcome: Outcome | None = None,
    request: Any = None,
    at: datetime | None = None,
) -> Call:
    """Clear a unit from a call. Department units need a disposition and every member's
    "did you feel safe?". A referral goes to care navigation (signals.referral_made), which
    opens a case when the person consented and counts a declined one. The call closes when its
    last unit clears. `at` is the clearing time of a clearing recorded after the fact (default
    now; not before the unit was dispatched).

    Without `unit_id` the call's one open unit clears; with several on the call the caller
    must name one (a ValidationError on "unit" lists them). A call that is no longer open
    raises CallNotOpen.

    `outcome` (optional, every field of it too) records arrest, use of force, IVC, transport,
    ED diversion and self-reported demographics on the call (services/outcomes.py); a later
    clearing of the same call updates the fields it gives."""
    _check_disposition(disposition)
    _check_referral(disposition, referral)
    if outcome is not None:
        outcome_check(outcome, disposition=disposition)
    now = timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            raise ValidationError({"call": [f"call {call_id} does not exist"]})
        assignment = _assignment_to_clear(call, unit_id)
        unit = assignment.unit
        when = _instant(
            at, now=now, not_before=assignment.dispatched_at, before_what="the unit was dispatched"
        )
        if unit.kind in DEPARTMENT_KINDS:
            crew = crews([unit], at=assignment.dispatched_at, until=when)[unit.pk]
            _record_felt_safe(call, unit, crew, felt_safe, when)
        _assignment_close(assignment, at=when, disposition=disposition)
        Unit.objects.filter(pk=unit.pk).update(
            status=Unit.Status.AVAILABLE, status_changed_at=when, updated_at=now
        )
        if referral is not None:
            _refer(call, referral, by=by, request=request, at=None if at is None else when)
        if outcome is not None:
            outcome_record(call=call, outcome=outcome, by=by, at=when)
        audit_record(
            action="call.clear",
            user=by,
            obj=call,
            request=request,
            detail={
                "unit": unit.name,
                "disposition": disposition,
                "referral": None if referral is None else referral.consent,
                "outcome": sorted(outcome.given()) if outcome is not None else [],
                **_stamp(at, when),
            },
        )
        _announce(call.pk, "cleared", at=when, unit_id=unit.pk)
    call.refresh_from_db()
    return call


def _assignment_to_clear(call: Call, unit_id: int | None) -> Assignment:
    """The open assignment that clears: the named unit's, or the call's only one."""
    on_call = list(
        call.assignments.select_related("unit")
        .filter(cleared_at__isnull=True)
        .order_by("unit__name", "unit_id")
    )
    if unit_id is not None:
        named = next((a for a in on_call if a.unit_id == unit_id), None)
        if named is not None:
            return named
    elif len(on_call) == 1:
        return on_call[0]
    if not on_call and call.status not in OPEN_STATUSES:
        raise CallNotOpen({"call": [f"call {call.pk} is {call.status}: no unit left to clear"]})
    if unit_id is not None and _was_on_call(call.pk, unit_id):
        # Cleared or taken off meanwhile (a phone's clearing sent late): a conflict, not bad input.
        raise no_longer_on_call(call.pk, Unit.objects.get(pk=unit_id))
    if unit_id is not None:
        raise ValidationError({"unit": [f"unit {unit_id} is not on call {call.pk}"]})
    if not on_call:
        raise ValidationError({"unit": [f"no unit is on call {call.pk}: nothing to clear"]})
    units = ", ".join(f"{a.unit.name} (unit {a.unit_id})" for a in on_call)
    raise ValidationError(
        {"unit": [f"{len(on_call)} units are on call {call.pk}: name the one that clears: {units}"]}
    )


def _refer(
    call: Call, referral: Referral, *, by: Any, request: Any, at: datetime | None = None
) -> None:
    """The referral answer of a clearing, a CCD resolution or a recorded past call: care
    navigation (signals.referral_made) opens a case with consent, and counts a declined offer
    (no case) too. `at` is when it was made, for work recorded after the fact."""
    Call.objects.filter(pk=call.pk).update(referral_consent=referral.consent)
    call.referral_consent = referral.consent
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
        at=at,
    )


def _record_felt_safe(
    call: Call, unit: Unit, crew: list[Any], answers: list[FeltSafe], at: Any
) -> None:
    """Everyone on the unit's crew for the response answers "did you feel safe?", nobody else:
    each responder rostered on it between dispatch and clearing (a shift change mid-call
    counts both crews), or its members when no one was rostered on it."""
    members = {m.pk: m.get_username() for m in crew}
    given = {a.responder_id: a.safe for a in answers}
    strangers = sorted(set(given) - set(members))
    if strangers:
        raise ValidationError(
            {"felt_safe": [f"responders {strangers} were not on {unit.name}'s crew for this call"]}
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
        SafetyCheck(call=call, unit=unit, responder_id=pk, safe=safe, at=at)
        for pk, safe in given.items()
    )


def ccd_resolve(
    *,
    call_id: int,
    disposition: str,
    by: Any,
    referral: Referral | None = None,
    transfer_988: str = "",
    request: Any = None,
) -> Call:
    """A CCD clinician resolved the call by phone, with one of the phone line's dispositions
    (CCD_RESOLUTIONS: resolved by phone, safety plan made, referred to care navigation,
    transferred to 988, caller disconnected), stored as both the call's disposition and its
    CCD disposition. A referral to care navigation needs the person's answer, exactly as at a
    field clearing: consented, it opens a case (with the needs, and the name and phone when
    given); declined, the offer is counted. A transfer to 988 says warm or cold
    (`transfer_988`)."""
    _check_ccd_resolution(disposition)
    _check_referral(disposition, referral)
    check_transfer_988(disposition, transfer_988)
    now = timezone.now()
    with transaction.atomic():
        call = _lock_phone_call(call_id, doing="resolved")
        call.status = Call.Status.CLOSED
        call.disposition = disposition
        call.ccd_disposition = disposition
        call.transfer_988 = transfer_988
        call.closed_at = now
        call.save(
            update_fields=[
                "status",
                "disposition",
                "ccd_disposition",
                "transfer_988",
                "closed_at",
                "updated_at",
            ]
        )
        if referral is not None:
            _refer(call, referral, by=by, request=request)
        # The phone line's outcome on the call's timeline, with who resolved it.
        _field_event(
            call,
            kind=FieldEvent.Kind.CCD_RESOLVED,
            at=now,
            by=by,
            reason=call.get_ccd_disposition_display(),
        )
        audit_record(
            action="call.ccd_resolve",
            user=by,
            obj=call,
            request=request,
            detail={
                "disposition": disposition,
                "transfer_988": transfer_988 or None,
                "referral": None if referral is None else referral.consent,
            },
        )
        _announce(
            call.pk, "transferred" if disposition == "transferred_to_988" else "cleared", at=now
        )
    return call


def ccd_convert(
    *,
    call_id: int,
    by: Any,
    answers: dict[str, str] | None = None,
    reason: str = "",
    request: Any = None,
    at: datetime | None = None,
) -> Call:
    """Convert a phone call to a field response: re-triaged with the caller wanting someone in
    person (plus any answers the clinician updated), against the services on duty at the time
    of the conversion (`at` when recorded after the fact, default now); both triage records
    are kept, and the call's CCD disposition is "converted to field response"."""
    now = timezone.now()
    with transaction.atomic():
        call = _lock_phone_call(call_id, doing="converted")
        when = _instant(at, now=now, not_before=call.received_at)
        new_answers = {**call.answers, **(answers or {}), "wants_in_person": "yes"}
        result = triage_evaluate(call_type=call.call_type_id, answers=new_answers, received_at=when)
        if result.route == "CCD":
            raise ValidationError({"answers": ["the rules still route this call to CCD"]})
        previous = call.route
        call.answers = new_answers
        _apply_triage(call, result)
        call.ccd_disposition = CCD_CONVERTED
        call.status = Call.Status.QUEUED
        call.save()
        _triage_record(call, kind=TriageRecord.Kind.RETRIAGE, by=by, at=when)
        _field_event(call, kind=FieldEvent.Kind.CCD_CONVERTED, at=when, by=by, reason=reason)
        audit_record(
            action="call.ccd_convert",
            user=by,
            obj=call,
            request=request,
            detail={"from": previous, "to": call.route, **_stamp(at, when)},
        )
    return call
