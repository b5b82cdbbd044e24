"""Cases: opened from a referral or a call, needs and notes, extended, assigned, claimed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from access import roles
from access.audit import audit_record
from care_navigation.models import (
    NEED_CODES,
    Case,
    CaseExtension,
    CaseNeed,
    CaseNote,
    ClearingReferral,
    NeedRequest,
    Notification,
)
from care_navigation.services.common import CLOCK_SKEW, _actor, _add_needs, _locked, _require_open
from care_navigation.services.need_requests import may_work_on, need_request_make
from care_navigation.services.notifications import _notify
from care_navigation.services.people import _person_for_referral
from dispatch.models import Call
from people.models import Person

User = get_user_model()


def _window(opened_at: datetime) -> tuple[datetime, datetime, datetime]:
    """(first_contact_due, closes_at, warn_at) for a case opened at the given instant."""
    closes_at = opened_at + timedelta(days=settings.CARE_WINDOW_DAYS)
    return (
        opened_at + timedelta(hours=settings.CARE_FIRST_CONTACT_HOURS),
        closes_at,
        _warn_at(closes_at),
    )


def _warn_at(closes_at: datetime) -> datetime:
    # Day 25 of 30 is "5 days before closing", which stays true when a case is extended.
    return closes_at - timedelta(days=settings.CARE_WINDOW_DAYS - settings.CARE_CLOSING_WARNING_DAY)


def _clean_needs(needs: list[str]) -> list[str]:
    unknown = sorted({n for n in needs if n not in NEED_CODES})
    if unknown:
        raise ValidationError(
            {"needs": [f"unknown needs: {', '.join(unknown)} (use {', '.join(NEED_CODES)})"]}
        )
    cleaned = list(dict.fromkeys(needs))
    if not cleaned:
        raise ValidationError({"needs": ["name at least one need"]})
    return cleaned


def navigator_least_loaded() -> Any:
    """The active navigator with the fewest open cases (ties: the longest-standing account)."""
    return (
        User.objects.filter(is_active=True, groups__name=roles.NAVIGATOR)
        .annotate(open_cases=Count("care_cases", filter=Q(care_cases__status=Case.Status.OPEN)))
        .order_by("open_cases", "id")
        .first()
    )


def _case_create(
    *,
    person: Person,
    call: Call | None,
    by: Any,
    needs: list[str],
    source: str,
    navigator: Any,
    person_needs_review: bool,
    request: HttpRequest | None,
    now: datetime,
) -> Case:
    """Open a case at `now`, or add the needs to the person's open case (one open case per
    person)."""
    existing = Case.objects.filter(person=person, status=Case.Status.OPEN).first()
    if existing is None:
        first_contact_due, closes_at, warn_at = _window(now)
        case = Case(
            person=person,
            call=call,
            source=source,
            navigator=navigator,
            opened_at=now,
            opened_by=_actor(by),
            first_contact_due=first_contact_due,
            closes_at=closes_at,
            warn_at=warn_at,
            person_needs_review=person_needs_review,
        )
        try:
            # A savepoint: a concurrent referral for the same person may win the race for the
            # one open case, and then this one joins it instead.
            with transaction.atomic():
                case.save()
        except IntegrityError:
            existing = Case.objects.filter(person=person, status=Case.Status.OPEN).first()
            if existing is None:
                raise
        else:
            _add_needs(case, needs, by=by, now=now)
            if navigator is not None:
                _notify(case.pk, Notification.Kind.NEW_CASE, now)
            audit_record(
                action="case.open",
                user=by,
                obj=case,
                request=request,
                detail={
                    "source": source,
                    "call": call.pk if call else None,
                    "navigator": navigator.get_username() if navigator else None,
                    "needs": needs,
                },
            )
            return case
    added = _add_needs(existing, needs, by=by, now=now)
    audit_record(
        action="case.referral_added",
        user=by,
        obj=existing,
        request=request,
        detail={"call": call.pk if call else None, "needs_added": added},
    )
    return existing


def case_open_from_referral(
    *,
    call: Call,
    by: Any,
    needs: list[str],
    consent: bool,
    person_name: str = "",
    date_of_birth: date | None = None,
    phone: str = "",
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> Case | None:
    """A responder cleared `call`, or a CCD clinician resolved it by phone, with a referral
    to care navigation (at `at` when it is recorded after the fact, default now; the case's
    window runs from then).

    Without consent no case opens: the offer is counted (a ClearingReferral row) and None is
    returned. With consent the case is for `call.person`, else for a NEW Person made from the
    details (possible matches with existing people are shown to the navigator, never merged
    here). If the person already has an open case the needs join it and that case is returned.
    A new case goes to the navigator with the fewest open cases, or stays unassigned when
    there is no navigator. first_contact_due and closes_at follow CARE_FIRST_CONTACT_HOURS and
    CARE_WINDOW_DAYS. Nothing is queued for Celery: the sweep finds the case by its columns.
    """
    now = _opened_at(at, call=call)
    with transaction.atomic():
        if not consent:
            ClearingReferral.objects.create(call=call, at=now, by=_actor(by), consent=False)
            audit_record(action="care.referral_declined", user=by, obj=call, request=request)
            return None
        cleaned = _clean_needs(needs)
        person, needs_review = _person_for_referral(
            call=call,
            person_name=person_name,
            date_of_birth=date_of_birth,
            phone=phone,
            by=by,
            request=request,
        )
        case = _case_create(
            person=person,
            call=call,
            by=by,
            needs=cleaned,
            source=Case.Source.REFERRAL,
            navigator=navigator_least_loaded(),
            person_needs_review=needs_review,
            request=request,
            now=now,
        )
        ClearingReferral.objects.create(call=call, at=now, by=_actor(by), consent=True, case=case)
    return case


def _opened_at(at: datetime | None, *, call: Call) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        raise ValidationError({"at": ["cannot be in the future"]})
    if at < call.received_at:
        raise ValidationError({"at": ["cannot be before the call was received"]})
    return at


def case_open_from_call(
    *,
    call: Call,
    by: Any,
    needs: list[str],
    person: Person | None = None,
    person_name: str = "",
    date_of_birth: date | None = None,
    phone: str = "",
    request: HttpRequest | None = None,
) -> Case | NeedRequest:
    """A navigator opens a case from a call (the person has agreed to navigation).

    The person is the one given, else the call's, else a new one from the details (matches are
    suggested on the case page). A navigator opening it takes it; a supervisor's goes to the
    least loaded navigator. When the person already has an open case, the needs join it if
    `by` may work on it (their own, or a supervisor); otherwise nothing is written to it and a
    NeedRequest goes to its navigator, which is returned instead of the case.
    """
    with transaction.atomic():
        cleaned = _clean_needs(needs)
        if person is None:
            person, needs_review = _person_for_referral(
                call=call,
                person_name=person_name,
                date_of_birth=date_of_birth,
                phone=phone,
                by=by,
                request=request,
            )
        else:
            needs_review = False
        now = timezone.now()
        existing = Case.objects.filter(person=person, status=Case.Status.OPEN).first()
        if existing is not None and not may_work_on(by, existing):
            return need_request_make(
                case=existing, by=by, call=call, needs=cleaned, request=request, now=now
            )
        is_navigator = roles.NAVIGATOR in roles.user_roles(by)
        return _case_create(
            person=person,
            call=call,
            by=by,
            needs=cleaned,
            source=Case.Source.NAVIGATOR,
            navigator=by if is_navigator else navigator_least_loaded(),
            person_needs_review=needs_review,
            request=request,
            now=now,
        )


def need_add(
    *,
    case: Case,
    by: Any,
    need: str,
    detail: str = "",
    request: HttpRequest | None = None,
) -> CaseNeed:
    """Record a need on an open case, or replace the detail of one already recorded."""
    if need not in NEED_CODES:
        raise ValidationError({"need": [f"{need!r} is not one of {', '.join(NEED_CODES)}"]})
    now = timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        item, created = CaseNeed.objects.get_or_create(
            case=case,
            need=need,
            defaults={"detail": detail.strip(), "created_at": now, "created_by": _actor(by)},
        )
        if not created and detail.strip() and detail.strip() != item.detail:
            item.detail = detail.strip()
            item.save(update_fields=["detail"])
        # The detail itself stays out of the audit log: it may be 42 CFR Part 2 information.
        audit_record(action="case.need", user=by, obj=case, request=request, detail={"need": need})
    return item


def note_add(*, case: Case, by: Any, text: str, request: HttpRequest | None = None) -> CaseNote:
    """Add a navigation note (closed cases too: follow-up facts arrive late)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": ["a note needs some text"]})
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, at=timezone.now(), by=by, text=text)
        audit_record(action="case.note", user=by, obj=case, request=request)
    return note


def case_extend(
    *,
    case: Case,
    by: Any,
    closes_at: datetime,
    reason: str,
    request: HttpRequest | None = None,
) -> CaseExtension:
    """A supervisor keeps an open case past its window, with a reason. The closing-soon warning
    moves with the new end unless it was already sent (one per case)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["an extension needs a reason"]})
    if timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at)
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        if closes_at <= case.closes_at:
            raise ValidationError(
                {"closes_at": [f"must be after the current end, {case.closes_at:%Y-%m-%d %H:%M}"]}
            )
        extension = CaseExtension.objects.create(
            case=case,
            at=timezone.now(),
            by=by,
            reason=reason,
            previous_closes_at=case.closes_at,
            closes_at=closes_at,
        )
        case.closes_at = closes_at
        case.warn_at = _warn_at(closes_at)
        case.save(update_fields=["closes_at", "warn_at"])
        audit_record(
            action="case.extend",
            user=by,
            obj=case,
            request=request,
            detail={
                "from": extension.previous_closes_at.isoformat(),
                "to": closes_at.isoformat(),
                "reason": reason,
            },
        )
    return extension


def case_assign(*, case: Case, by: Any, navigator: Any, request: HttpRequest | None = None) -> Case:
    """A supervisor gives an open case to a navigator."""
    if navigator is None or roles.NAVIGATOR not in roles.user_roles(navigator):
        raise ValidationError({"navigator": ["choose a user who holds the navigator role"]})
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        previous = case.navigator
        case.navigator = navigator
        case.save(update_fields=["navigator"])
        _notify(case.pk, Notification.Kind.NEW_CASE, timezone.now())
        audit_record(
            action="case.assign",
            user=by,
            obj=case,
            request=request,
            detail={
                "from": previous.get_username() if previous else None,
                "to": navigator.get_username(),
            },
        )
    return case


def case_claim(*, case_id: int, by: Any, request: HttpRequest | None = None) -> bool:
    """A navigator takes an unassigned open case. False when someone else got there first."""
    with transaction.atomic():
        claimed = Case.objects.filter(
            pk=case_id, navigator__isnull=True, status=Case.Status.OPEN
        ).update(navigator=by)
        if claimed == 1:
            audit_record(
                action="case.claim",
                user=by,
                object_type=Case._meta.label_lower,
                object_id=case_id,
                request=request,
            )
    return claimed == 1
