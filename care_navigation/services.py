"""Writes for care navigation. Each function is one state change in one transaction, with its
audit entry inside. Access checks (who may touch which case) are the caller's: views and the
API use care_navigation.selectors.case_get_for before calling in here.

None of these transactions is durable: the dispatch console opens a case from inside its own
clearing transaction, so a failure here rolls the clearing back with it.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import Count, F, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone

from access import roles
from access.audit import audit_record
from care_navigation.models import (
    NEED_CODES,
    REFERRAL_TRANSITIONS,
    Case,
    CaseExtension,
    CaseNeed,
    CaseNote,
    ClearingReferral,
    ContactAttempt,
    NeedRequest,
    Notification,
    NotificationRead,
    Referral,
    Service,
)
from dispatch.models import Call
from dispatch.services import calls_person_move, calls_person_set
from people.models import Person

log = logging.getLogger(__name__)
User = get_user_model()

UNREACHABLE_AFTER_FAILED_ATTEMPTS = 3
# A contact logged a little ahead of the server clock (a phone's clock) is fine; a day is not.
CLOCK_SKEW = timedelta(minutes=5)


def _actor(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


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


def _notify(case_id: int, kind: str, now: datetime) -> None:
    # The unique constraint makes this a no-op when the notification exists already.
    Notification.objects.bulk_create(
        [Notification(case_id=case_id, kind=kind, created_at=now)], ignore_conflicts=True
    )


def navigator_least_loaded() -> Any:
    """The active navigator with the fewest open cases (ties: the longest-standing account)."""
    return (
        User.objects.filter(is_active=True, groups__name=roles.NAVIGATOR)
        .annotate(open_cases=Count("care_cases", filter=Q(care_cases__status=Case.Status.OPEN)))
        .order_by("open_cases", "id")
        .first()
    )


def _add_needs(case: Case, needs: list[str], *, by: Any, now: datetime) -> list[str]:
    existing = set(case.needs.values_list("need", flat=True))
    added = [n for n in needs if n not in existing]
    CaseNeed.objects.bulk_create(
        [CaseNeed(case=case, need=n, created_at=now, created_by=_actor(by)) for n in added],
        ignore_conflicts=True,
    )
    return added


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


def _person_for_referral(
    *,
    call: Call,
    person_name: str,
    date_of_birth: date | None,
    phone: str,
    by: Any,
    request: HttpRequest | None,
) -> tuple[Person, bool]:
    """The call's person, else a new Person; True when the new one may duplicate someone."""
    from care_navigation.selectors import person_match_candidates

    if call.person_id is not None:
        return Person.objects.get(pk=call.person_id), False
    person = Person.objects.create(
        name=person_name.strip() or f"Unnamed person (call {call.pk})",
        date_of_birth=date_of_birth,
        phone=phone.strip(),
    )
    # Link the call to the person it was about, so both show on the person's timeline.
    calls_person_set(call_ids=[call.pk], person_id=person.pk, by=by, request=request)
    call.person_id = person.pk
    return person, bool(person_match_candidates(person=person))


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
        if existing is not None and not _may_work_on(by, existing):
            return _need_request(
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


def _may_work_on(by: Any, case: Case) -> bool:
    """What care_navigation.selectors.cases_visible_to lets `by` read: their own cases, or all
    of them for a supervisor."""
    return bool(by.has_perm("care_navigation.view_all_cases")) or (
        case.navigator_id is not None and case.navigator_id == by.pk
    )


def _need_request(
    *,
    case: Case,
    by: Any,
    call: Call | None,
    needs: list[str],
    request: HttpRequest | None,
    now: datetime,
) -> NeedRequest:
    asked = NeedRequest.objects.create(
        case=case, needs=needs, call=call, requested_by=by, requested_at=now
    )
    # One notification per case and kind: a new request makes it new and unread again.
    raised = Notification.objects.filter(case=case, kind=Notification.Kind.NEED_REQUEST)
    if raised.update(created_at=now):
        NotificationRead.objects.filter(notification__in=raised).delete()
    else:
        _notify(case.pk, Notification.Kind.NEED_REQUEST, now)
    audit_record(
        action="case.need_request",
        user=by,
        obj=case,
        request=request,
        detail={"request": asked.pk, "needs": needs, "call": call.pk if call else None},
    )
    return asked


def need_request_decide(
    *, need_request: NeedRequest, by: Any, accept: bool, request: HttpRequest | None = None
) -> NeedRequest:
    """The case's navigator (or a supervisor) accepts another navigator's request, and its
    needs join the open case, or declines it. A request is decided once."""
    with transaction.atomic():
        asked = NeedRequest.objects.select_for_update().get(pk=need_request.pk)
        if asked.status != NeedRequest.Status.PENDING:
            raise ValidationError({"decision": [f"this request was {asked.status} already"]})
        case = _locked(asked.case)
        now = timezone.now()
        added: list[str] = []
        if accept:
            _require_open(case)
            added = _add_needs(case, list(asked.needs), by=by, now=now)
        asked.status = NeedRequest.Status.ACCEPTED if accept else NeedRequest.Status.DECLINED
        asked.decided_by = _actor(by)
        asked.decided_at = now
        asked.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            action=f"case.need_request_{'accept' if accept else 'decline'}",
            user=by,
            obj=case,
            request=request,
            detail={"request": asked.pk, "needs_added": added},
        )
    return asked


def _require_open(case: Case) -> None:
    if case.status != Case.Status.OPEN:
        raise ValidationError({"case": [f"case {case.pk} is closed ({case.outcome})"]})


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _instant(at: datetime | None, *, case: Case, now: datetime, field: str = "at") -> datetime:
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        raise ValidationError({field: ["cannot be in the future"]})
    if at < case.opened_at:
        raise ValidationError({field: ["cannot be before the case was opened"]})
    return at


def _contact_columns(case: Case) -> list[str]:
    """Recompute first contact and failures-in-a-row from the attempts, ordered by time (an
    attempt logged late still lands in its place); returns the fields it set."""
    contacts = case.contacts.all()
    first_reached = contacts.filter(reached=True).order_by("at", "id").first()
    last_reached = contacts.filter(reached=True).order_by("-at", "-id").first()
    failures = contacts.filter(reached=False)
    if last_reached is not None:
        failures = failures.filter(
            Q(at__gt=last_reached.at) | Q(at=last_reached.at, id__gt=last_reached.pk)
        )
    case.failed_attempts_in_row = failures.count()
    case.unable_to_reach = case.failed_attempts_in_row >= UNREACHABLE_AFTER_FAILED_ATTEMPTS
    case.first_contact_at = first_reached.at if first_reached is not None else None
    return ["failed_attempts_in_row", "unable_to_reach", "first_contact_at"]


def _notify_unreachable(case: Case, now: datetime) -> list[str]:
    if case.unable_to_reach and case.unreachable_notified_at is None:
        case.unreachable_notified_at = now
        _notify(case.pk, Notification.Kind.UNABLE_TO_REACH, now)
        return ["unreachable_notified_at"]
    return []


def contact_log(
    *,
    case: Case,
    by: Any,
    channel: str,
    reached: bool,
    declined: bool = False,
    note: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> ContactAttempt:
    """Log a contact attempt. The first reached attempt is the first contact; a decline is a
    reached attempt that ends navigation's chances (outcome `declined` at close). Three failed
    attempts in a row, by time, flag the case `unable_to_reach` and notify at once; reaching
    the person clears the flag."""
    if channel not in ContactAttempt.Channel.values:
        raise ValidationError(
            {"channel": [f"{channel!r} is not one of {', '.join(ContactAttempt.Channel.values)}"]}
        )
    if declined and not reached:
        raise ValidationError({"declined": ["only a person who was reached can decline"]})
    now = timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        when = _instant(at, case=case, now=now)
        contact = ContactAttempt.objects.create(
            case=case,
            at=when,
            channel=channel,
            reached=reached,
            declined=declined,
            note=note.strip(),
            by=by,
        )
        fields = _contact_columns(case)
        if declined and case.declined_at is None:
            case.declined_at = when
            fields.append("declined_at")
        # Stamped with the attempt's time: one logged late still notifies at once, and sorts
        # where it belongs among the case's other notices.
        fields += _notify_unreachable(case, when)
        case.save(update_fields=fields)
        audit_record(
            action="case.contact",
            user=by,
            obj=case,
            request=request,
            detail={"channel": channel, "reached": reached, "declined": declined},
        )
    return contact


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


def referral_create(
    *,
    case: Case,
    by: Any,
    need: str,
    service: Service | None = None,
    service_name: str = "",
    note: str = "",
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> Referral:
    """Refer the person to a service (from the directory, or named) for one need; the need is
    added to the case if it was not there yet. `at` is when, for a referral recorded after the
    fact (default now; not before the case opened)."""
    if need not in NEED_CODES:
        raise ValidationError({"need": [f"{need!r} is not one of {', '.join(NEED_CODES)}"]})
    name = service.name if service is not None else service_name.strip()
    if not name:
        raise ValidationError({"service": ["choose a service from the directory or name one"]})
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        now = _instant(at, case=case, now=timezone.now())
        _add_needs(case, [need], by=by, now=now)
        referral = Referral.objects.create(
            case=case,
            need=need,
            service=service,
            service_name=name[:300],
            referred_at=now,
            status_changed_at=now,
            note=note.strip(),
            by=by,
        )
        audit_record(
            action="referral.create",
            user=by,
            obj=referral,
            request=request,
            detail={"case": case.pk, "need": need, "service": service.pk if service else None},
        )
    return referral


def referral_update(
    *,
    referral: Referral,
    by: Any,
    status: str | None = None,
    scheduled_for: datetime | None = None,
    note: str | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    """Move a referral along referred -> scheduled -> connected (or declined, waitlisted,
    unavailable); any other move raises ValidationError naming the allowed ones. The first
    referral connected inside the case's window makes the case `connected`; one connected
    after the window is recorded but does not count."""
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
        case = referral.case
        when = _instant(at, case=case, now=now)
        fields: list[str] = []
        detail: dict[str, Any] = {"case": case.pk}
        if status is not None and status != referral.status:
            if status not in Referral.Status.values:
                raise ValidationError(
                    {"status": [f"{status!r} is not one of {', '.join(Referral.Status.values)}"]}
                )
            allowed = REFERRAL_TRANSITIONS[referral.status]
            if status not in allowed:
                raise ValidationError(
                    {
                        "status": [
                            f"a referral cannot go from {referral.status} to {status}"
                            + (
                                f" (allowed: {', '.join(sorted(allowed))})"
                                if allowed
                                else f" ({referral.status} is final: make a new referral)"
                            )
                        ]
                    }
                )
            detail.update({"from": referral.status, "to": status})
            referral.status = status
            referral.status_changed_at = when
            fields += ["status", "status_changed_at"]
            if status == Referral.Status.CONNECTED:
                referral.connected_at = when
                fields.append("connected_at")
                # Counts once, and only while the case is open and inside its window.
                detail["counted"] = bool(
                    Case.objects.filter(
                        pk=case.pk,
                        status=Case.Status.OPEN,
                        connected_at__isnull=True,
                        opened_at__lte=when,
                        closes_at__gte=when,
                    ).update(connected_at=when)
                )
        if scheduled_for is not None:
            if timezone.is_naive(scheduled_for):
                scheduled_for = timezone.make_aware(scheduled_for)
            if scheduled_for < case.opened_at:
                raise ValidationError({"scheduled_for": ["cannot be before the case was opened"]})
            referral.scheduled_for = scheduled_for
            fields.append("scheduled_for")
        if note is not None and note.strip() != referral.note:
            referral.note = note.strip()
            fields.append("note")
        if not fields:
            raise ValidationError({"status": ["nothing to change"]})
        referral.save(update_fields=fields)
        audit_record(
            action="referral.update", user=by, obj=referral, request=request, detail=detail
        )
    return referral


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


def case_person_keep(*, case: Case, by: Any, request: HttpRequest | None = None) -> Case:
    """The navigator confirms the case's person is someone new: the suggestions go away."""
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, person_needs_review=True).update(
            person_needs_review=False
        )
        if updated:
            audit_record(
                action="person.confirmed_new",
                user=by,
                obj=case.person,
                request=request,
                detail={"case": case.pk},
            )
    case.refresh_from_db()
    return case


def case_person_merge(
    *, case: Case, by: Any, person: Person, request: HttpRequest | None = None
) -> Case:
    """The navigator confirms that the case's provisional person is `person`, a suggested match.

    This is the one place people are merged, always by a navigator's choice among the
    suggestions. The provisional person's calls and cases move to `person`, which gains the
    provisional name as an alias and any missing date of birth or phone; the provisional
    record is deleted. If `person` already has an open case, this case is folded into it
    (needs, contacts, referrals and notes move) and that case is returned.
    """
    from care_navigation.selectors import person_match_candidates

    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        if not case.person_needs_review:
            raise ValidationError({"person": ["this case's person is already confirmed"]})
        provisional = Person.objects.select_for_update().get(pk=case.person_id)
        candidates = {m.person.pk for m in person_match_candidates(person=provisional)}
        if person.pk not in candidates:
            raise ValidationError({"person": [f"{person} is not a suggested match"]})
        target = (
            Case.objects.select_for_update()
            .filter(person=person, status=Case.Status.OPEN)
            .exclude(pk=case.pk)
            .first()
        )
        if provisional.name != person.name:
            person.aliases = sorted({*person.aliases, provisional.name})
        person.date_of_birth = person.date_of_birth or provisional.date_of_birth
        person.phone = person.phone or provisional.phone
        person.save(update_fields=["aliases", "date_of_birth", "phone"])
        calls_person_move(
            from_person_id=provisional.pk, to_person_id=person.pk, by=by, request=request
        )
        detail: dict[str, Any] = {"merged_person": provisional.pk, "into_person": person.pk}
        if target is None:
            result = case
            Case.objects.filter(pk=case.pk).update(person_needs_review=False)
        else:
            _case_fold(case, into=target, by=by)
            detail["folded_case"] = case.pk
            result = target
        # Only closed cases can remain on the provisional person now: move them too.
        Case.objects.filter(person=provisional).update(person=person)
        provisional.delete()
        audit_record(action="person.merge", user=by, obj=person, request=request, detail=detail)
        audit_record(
            action="case.person_confirmed", user=by, obj=result, request=request, detail=detail
        )
    result.refresh_from_db()
    return result


def _case_fold(case: Case, *, into: Case, by: Any) -> None:
    """Move everything recorded on `case` onto `into`, then delete `case`."""
    now = timezone.now()
    details = dict(case.needs.values_list("need", "detail"))
    _add_needs(into, list(details), by=by, now=now)
    for need, text in details.items():
        if text:
            CaseNeed.objects.filter(case=into, need=need, detail="").update(detail=text)
    ContactAttempt.objects.filter(case=case).update(case=into)
    Referral.objects.filter(case=case).update(case=into)
    CaseNote.objects.filter(case=case).update(case=into)
    ClearingReferral.objects.filter(case=case).update(case=into)
    fields = _contact_columns(into)
    if case.declined_at and not into.declined_at:
        into.declined_at = case.declined_at
        fields.append("declined_at")
    if into.connected_at is None:
        into.connected_at = (
            into.referrals.filter(
                connected_at__isnull=False,
                connected_at__gte=into.opened_at,
                connected_at__lte=into.closes_at,
            )
            .order_by("connected_at")
            .values_list("connected_at", flat=True)
            .first()
        )
        fields.append("connected_at")
    fields += _notify_unreachable(into, now)
    into.save(update_fields=fields)
    case.delete()


def notification_mark_read(*, user: Any, notification_ids: list[int]) -> int:
    """Mark notifications read for one user; returns how many were newly marked."""
    from care_navigation.selectors import notifications_for

    visible = list(
        notifications_for(user=user).filter(pk__in=notification_ids).values_list("pk", flat=True)
    )
    now = timezone.now()
    with transaction.atomic():
        before = NotificationRead.objects.filter(user=user, notification_id__in=visible).count()
        NotificationRead.objects.bulk_create(
            [NotificationRead(notification_id=pk, user=user, at=now) for pk in visible],
            ignore_conflicts=True,
        )
    return len(visible) - before


# The sweep.


SWEEP_KINDS = ("unable_to_reach", "first_contact_overdue", "closing_soon", "closed")


@dataclass
class SweepResult:
    unable_to_reach: int = 0
    first_contact_overdue: int = 0
    closing_soon: int = 0
    closed: int = 0
    batches: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _insert_notifications(
    claims: list[tuple[str, str, list[Any]]], range_sql: str, range_params: list[Any], now: datetime
) -> Counter[str]:
    """One INSERT ... SELECT for all kinds, whatever the number of cases; the unique
    constraint drops any notification that exists already (a second sweep racing this one).
    Returns the notifications added, by kind."""
    notification = Notification._meta.db_table
    case = Case._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(now)
    selects: list[str] = []
    params: list[Any] = []
    for kind, where, where_params in claims:
        # Table and column names come from the models, never from input; values are parameters.
        selects.append(f"SELECT id, %s, %s FROM {case} WHERE {range_sql} AND {where}")  # noqa: S608
        params += [kind, stamp, *range_params, *where_params]
    sql = (
        f"INSERT INTO {notification} (case_id, kind, created_at) "  # noqa: S608
        + " UNION ALL ".join(selects)
        + " ON CONFLICT DO NOTHING RETURNING kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Counter(kind for (kind,) in cursor.fetchall())


def _sweep_batch(low: int, high: int | None, now: datetime, result: SweepResult) -> None:
    """One batch of case ids in one transaction: one UPDATE claims every step that is due
    (each claim column goes from NULL to `now`, so no step is claimed twice) and closes the
    cases at the end of their window; then one INSERT ... SELECT per kind writes the
    notifications of exactly the rows this UPDATE claimed. A worker killed here leaves all
    of the batch's work or none of it."""
    in_batch = Q(id__gt=low) if high is None else Q(id__gt=low, id__lte=high)
    range_sql = "id > %s" if high is None else "id > %s AND id <= %s"
    range_params: list[Any] = [low] if high is None else [low, high]
    stamp = connection.ops.adapt_datetimefield_value(now)

    # Every condition reads the row as it was before this UPDATE (SQL semantics).
    failing = Q(failed_attempts_in_row__gte=UNREACHABLE_AFTER_FAILED_ATTEMPTS)
    unreachable = Q(unable_to_reach=True) | failing
    to_flag = failing & Q(unable_to_reach=False)
    to_notify_unreachable = unreachable & Q(unreachable_notified_at__isnull=True)
    overdue = Q(
        first_contact_at__isnull=True, first_contact_due__lte=now, overdue_notified_at__isnull=True
    )
    closing_soon = Q(warn_at__lte=now, closes_at__gt=now, closing_warned_at__isnull=True)
    to_close = Q(closes_at__lte=now)

    def claim(condition: Q, column: str) -> SqlCase:
        return SqlCase(When(condition, then=Value(now)), default=F(column))

    outcome = SqlCase(
        When(connected_at__isnull=False, then=Value(Case.Outcome.CONNECTED)),
        When(declined_at__isnull=False, then=Value(Case.Outcome.DECLINED)),
        When(
            unreachable | Q(first_contact_at__isnull=True), then=Value(Case.Outcome.UNABLE_TO_REACH)
        ),
        default=Value(Case.Outcome.NOT_CONNECTED),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Safe to lose on a crash: a batch's claims and notifications commit together, so
            # a lost commit is simply redone by the next sweep. Not waiting for the WAL flush
            # of each batch keeps the sweep from queueing behind the disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        changed = (
            Case.objects.filter(in_batch, status=Case.Status.OPEN)
            .filter(to_flag | to_notify_unreachable | overdue | closing_soon | to_close)
            .update(
                unable_to_reach=SqlCase(
                    When(failing, then=Value(True)), default=F("unable_to_reach")
                ),
                unreachable_notified_at=claim(to_notify_unreachable, "unreachable_notified_at"),
                overdue_notified_at=claim(overdue, "overdue_notified_at"),
                closing_warned_at=claim(closing_soon, "closing_warned_at"),
                status=SqlCase(When(to_close, then=Value(Case.Status.CLOSED)), default=F("status")),
                closed_at=claim(to_close, "closed_at"),
                outcome=SqlCase(When(to_close, then=outcome), default=F("outcome")),
            )
        )
        counts: Counter[str] = Counter()
        if changed:
            counts = _insert_notifications(
                [
                    (Notification.Kind.UNABLE_TO_REACH, "unreachable_notified_at = %s", [stamp]),
                    (Notification.Kind.FIRST_CONTACT_OVERDUE, "overdue_notified_at = %s", [stamp]),
                    (Notification.Kind.CLOSING_SOON, "closing_warned_at = %s", [stamp]),
                    (
                        Notification.Kind.CLOSED,
                        "status = %s AND closed_at = %s AND closed_by_id IS NULL",
                        [Case.Status.CLOSED, stamp],
                    ),
                ],
                range_sql,
                range_params,
                now,
            )
            audit_record(
                action="care.sweep",
                object_type=Case._meta.label_lower,
                detail={
                    **{kind: counts[kind] for kind in SWEEP_KINDS},
                    "cases": changed,
                    "as_of": now.isoformat(),
                    "after_id": low,
                    "to_id": high,
                },
            )
    result.unable_to_reach += counts["unable_to_reach"]
    result.first_contact_overdue += counts["first_contact_overdue"]
    result.closing_soon += counts["closing_soon"]
    result.closed += counts["closed"]
    result.batches += 1


def care_sweep(*, now: datetime | None = None, batch_size: int | None = None) -> SweepResult:
    """Flag, notify, warn and close open cases as of `now`, in batches of case ids.

    Set-based: each batch is a handful of UPDATE and INSERT ... SELECT statements whatever
    its size. Safe to run twice, concurrently, or after a worker died half-way: every step is
    claimed by a conditional UPDATE and every notification is unique per case and kind.
    """
    now = now or timezone.now()
    size = batch_size or settings.CARE_SWEEP_BATCH_SIZE
    result = SweepResult()
    open_ids = Case.objects.filter(status=Case.Status.OPEN).order_by("id")
    low = 0
    while True:
        # The id that ends this batch: one index probe, not a list of ids.
        ends = list(open_ids.filter(id__gt=low).values_list("id", flat=True)[size - 1 : size])
        high = ends[0] if ends else None
        if high is None and not open_ids.filter(id__gt=low).exists():
            break
        _sweep_batch(low, high, now, result)
        if high is None:
            break
        low = high
    log.info("care sweep as of %s: %s", now.isoformat(), result.as_dict())
    return result
