"""Reads for care navigation. A page's query count does not grow with its rows."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404, HttpRequest
from django.utils import timezone

from access.audit import audit_record
from access.models import AuditEntry
from care_navigation.models import (
    SENSITIVE_NEED,
    SUPERVISOR_KINDS,
    Case,
    CaseNeed,
    ContactAttempt,
    NeedRequest,
    Notification,
    NotificationRead,
    Referral,
    Service,
)
from dispatch.models import Assignment, Call
from location.geo import distance_m
from people.models import Person

# The department's own responses (docs/domain.md section 1): what makes a familiar neighbor.
DEPARTMENT_KINDS = ("HEART", "CO_RESPONSE", "CCD")


def navigator_name(user: Any) -> str:
    if user is None:
        return "unassigned"
    return str(user.get_full_name() or user.get_username())


# Who may read what.


def can_read_all(user: Any) -> bool:
    return bool(user.has_perm("care_navigation.view_all_cases"))


def cases_visible_to(user: Any) -> QuerySet[Case]:
    """Supervisors read every case; a navigator only the cases assigned to them."""
    if can_read_all(user):
        return Case.objects.all()
    if user.has_perm("care_navigation.work_caseload"):
        return Case.objects.filter(navigator=user)
    return Case.objects.none()


def case_get_for(
    *, user: Any, case_id: int, request: HttpRequest | None = None, purpose: str = "read"
) -> Case:
    """The case if `user` may work on it. Without the care-navigation role: PermissionDenied;
    a navigator asking for another navigator's case: Http404 (its existence is not theirs to
    know). Refusals are audited."""
    if not (can_read_all(user) or user.has_perm("care_navigation.work_caseload")):
        audit_record(
            action=f"case.{purpose}",
            user=user,
            object_type=Case._meta.label_lower,
            object_id=case_id,
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied("care navigation is for navigators and supervisors")
    case = cases_visible_to(user).select_related("person", "navigator").filter(pk=case_id).first()
    if case is None:
        if Case.objects.filter(pk=case_id).exists():
            audit_record(
                action=f"case.{purpose}",
                user=user,
                object_type=Case._meta.label_lower,
                object_id=case_id,
                outcome=AuditEntry.Outcome.DENIED,
                request=request,
            )
        raise Http404("no such case in your caseload")
    return case


# For the dispatch console and call-takers: whether a person has an open case, and whose.


def open_case_for_people(person_ids: Iterable[int]) -> dict[int, str]:
    """{person id: the navigator's display name} for those with an open case; nothing else
    about the case leaves care navigation this way."""
    ids = list(person_ids)
    if not ids:
        return {}
    rows = (
        Case.objects.filter(person_id__in=ids, status=Case.Status.OPEN)
        .select_related("navigator")
        .only("person_id", "navigator__username", "navigator__first_name", "navigator__last_name")
    )
    return {row.person_id: navigator_name(row.navigator) for row in rows}


def familiar_neighbor_ids(person_ids: Iterable[int], *, now: datetime | None = None) -> set[int]:
    """Those of the people with CARE_FAMILIAR_NEIGHBOR_RESPONSES (5) or more department
    responses (assignments of HEART, CO_RESPONSE or CCD units on calls about them) in the last
    CARE_FAMILIAR_NEIGHBOR_DAYS (365) days. One query."""
    ids = list(person_ids)
    if not ids:
        return set()
    since = (now or timezone.now()) - timedelta(days=settings.CARE_FAMILIAR_NEIGHBOR_DAYS)
    rows = (
        Assignment.objects.filter(
            call__person_id__in=ids, unit__kind__in=DEPARTMENT_KINDS, dispatched_at__gte=since
        )
        .values("call__person_id")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.CARE_FAMILIAR_NEIGHBOR_RESPONSES)
        .values_list("call__person_id", flat=True)
    )
    return set(rows)


# Matching people: suggestions for a navigator, never a merge.


@dataclass(frozen=True)
class PersonMatch:
    person: Person
    score: int
    reasons: tuple[str, ...]


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-10:]


def _name_tokens(name: str) -> set[str]:
    return {t for t in re.split(r"[^a-z0-9]+", (name or "").casefold()) if len(t) > 1}


def person_match_candidates(*, person: Person, limit: int = 5) -> list[PersonMatch]:
    """Other people who may be `person`: same phone, same date of birth, similar name.

    Two of the three signals, or the same full name with nothing contradicting it, make a
    suggestion. A different date of birth on both records rules a candidate out.
    """
    tokens = _name_tokens(person.name)
    phone = _digits(person.phone)
    query = Q(name__iexact=person.name.strip())
    if person.date_of_birth:
        query |= Q(date_of_birth=person.date_of_birth)
    if len(phone) >= 7:
        query |= Q(phone__contains=phone[-4:])
    for token in sorted(tokens, key=len, reverse=True)[:2]:
        query |= Q(name__icontains=token)
    found = Person.objects.filter(query).exclude(pk=person.pk).order_by("-id")[:200]
    matches: list[PersonMatch] = []
    for other in found:
        reasons: list[str] = []
        if phone and len(phone) >= 7 and _digits(other.phone) == phone:
            reasons.append("same phone")
        if person.date_of_birth and other.date_of_birth:
            if person.date_of_birth != other.date_of_birth:
                continue
            reasons.append("same date of birth")
        other_tokens = _name_tokens(other.name) | {
            t for alias in other.aliases for t in _name_tokens(str(alias))
        }
        if tokens and tokens == _name_tokens(other.name):
            reasons.append("same name")
        elif len(tokens & other_tokens) >= 1 and len(tokens) > 0:
            reasons.append("similar name")
        score = (
            3 * ("same phone" in reasons)
            + 3 * ("same date of birth" in reasons)
            + 2 * ("same name" in reasons)
            + 1 * ("similar name" in reasons)
        )
        if score >= 4 or reasons == ["same name"]:
            matches.append(PersonMatch(person=other, score=score, reasons=tuple(reasons)))
    matches.sort(key=lambda m: (-m.score, m.person.pk))
    return matches[:limit]


# The caseload.


@dataclass
class CaseRow:
    case: Case
    overdue: bool
    days_left: int
    needs: list[str]
    familiar_neighbor: bool


@dataclass
class Caseload:
    rows: list[CaseRow]
    unassigned: list[CaseRow]
    counts: dict[str, int]
    outcomes: dict[str, int] = field(default_factory=dict)


def _with_urgency(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    overdue = Q(first_contact_at__isnull=True, first_contact_due__lte=now)
    return cases.annotate(
        overdue_rank=SqlCase(When(overdue, then=Value(0)), default=Value(1))
    ).order_by("overdue_rank", "closes_at", "id")


def _rows(cases: list[Case], now: datetime) -> list[CaseRow]:
    familiar = familiar_neighbor_ids({c.person_id for c in cases}, now=now)
    rows = []
    for case in cases:
        # Substance use stays off lists: it shows (and is audited) on the case page only.
        needs = [n.need for n in case.needs.all() if n.need != SENSITIVE_NEED]
        rows.append(
            CaseRow(
                case=case,
                overdue=case.first_contact_at is None and case.first_contact_due <= now,
                days_left=max(0, math.ceil((case.closes_at - now).total_seconds() / 86400)),
                needs=needs,
                familiar_neighbor=case.person_id in familiar,
            )
        )
    return rows


def caseload_for(
    *, user: Any, now: datetime | None = None, navigator_id: int | None = None
) -> Caseload:
    """Open cases by urgency: first contact overdue first, then fewest days left. A navigator
    sees their own; a supervisor everyone's (or one navigator's). Both see the unassigned."""
    now = now or timezone.now()
    needs = Prefetch("needs", queryset=CaseNeed.objects.only("case_id", "need"))
    base = Case.objects.filter(status=Case.Status.OPEN).select_related("person", "navigator")
    if can_read_all(user):
        mine = base.filter(navigator__isnull=False)
        if navigator_id:
            mine = mine.filter(navigator_id=navigator_id)
    else:
        mine = base.filter(navigator=user)
    cases = list(_with_urgency(mine, now).prefetch_related(needs)[:500])
    unassigned = list(_with_urgency(base.filter(navigator__isnull=True), now)[:100])
    rows = _rows(cases, now)
    counts = mine.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(first_contact_at__isnull=True, first_contact_due__lte=now)),
        closing_soon=Count("id", filter=Q(warn_at__lte=now)),
        unable_to_reach=Count("id", filter=Q(unable_to_reach=True)),
    )
    counts["familiar_neighbors"] = sum(1 for r in rows if r.familiar_neighbor)
    counts["unassigned"] = len(unassigned)
    return Caseload(
        rows=rows,
        unassigned=_rows(unassigned, now) if unassigned else [],
        counts=counts,
        outcomes=outcome_counts(
            since=now - timedelta(days=90),
            until=now,
            navigator=None if can_read_all(user) else user,
        ),
    )


def outcome_counts(*, since: datetime, until: datetime, navigator: Any = None) -> dict[str, int]:
    """Cases closed in the period by outcome, the first contacts made in time, and the
    referrals at clearing (consented and declined) for the same period."""
    from care_navigation.models import ClearingReferral

    closed = Case.objects.filter(
        status=Case.Status.CLOSED, closed_at__gte=since, closed_at__lt=until
    )
    if navigator is not None:
        closed = closed.filter(navigator=navigator)
    counts = closed.aggregate(
        closed=Count("id"),
        connected=Count("id", filter=Q(outcome=Case.Outcome.CONNECTED)),
        not_connected=Count("id", filter=Q(outcome=Case.Outcome.NOT_CONNECTED)),
        unable_to_reach=Count("id", filter=Q(outcome=Case.Outcome.UNABLE_TO_REACH)),
        declined=Count("id", filter=Q(outcome=Case.Outcome.DECLINED)),
        first_contact_in_time=Count(
            "id",
            filter=Q(first_contact_at__isnull=False, first_contact_at__lte=F("first_contact_due")),
        ),
    )
    if navigator is None:
        offers = ClearingReferral.objects.filter(at__gte=since, at__lt=until)
        counts["referrals_consented"] = offers.filter(consent=True).count()
        # The dispatch console records a declined referral on the call (referral_consent) and
        # may or may not call case_open_from_referral for it: count each call once.
        declined_calls = Call.objects.filter(
            referral_consent=False, received_at__gte=since, received_at__lt=until
        )
        counts["referrals_declined"] = (
            declined_calls.count()
            + offers.filter(consent=False).exclude(call__in=declined_calls).count()
        )
    return counts


# The case page.


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # call, response, case, contact, referral
    text: str
    case_id: int | None = None
    sensitive: bool = False


@dataclass
class CaseDetail:
    case: Case
    needs: list[CaseNeed]
    contacts: list[ContactAttempt]
    referrals: list[Referral]
    notes: list[Any]
    extensions: list[Any]
    timeline: list[TimelineEntry]
    matches: list[PersonMatch]
    familiar_neighbor: bool
    overdue: bool
    days_left: int
    shows_substance_use: bool
    # Other navigators' requests for needs on this case, still to be decided.
    need_requests: list[NeedRequest] = field(default_factory=list)


def person_timeline(*, person: Person, limit: int = 100) -> list[TimelineEntry]:
    """The person's calls, the department's responses to them, and their cases' contacts and
    referrals, newest first. Five queries whatever the history."""
    entries: list[TimelineEntry] = []
    calls = list(
        Call.objects.filter(Q(person=person) | Q(care_cases__person=person))
        .distinct()
        .select_related("call_type")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit"))
        )
        .order_by("-received_at")[:limit]
    )
    for call in calls:
        route = call.route or "unrouted"
        disposition = f", {call.get_disposition_display()}" if call.disposition else ""
        entries.append(
            TimelineEntry(
                at=call.received_at,
                kind="call",
                text=f"Call {call.pk}: {call.call_type.label} ({route}){disposition}",
            )
        )
        for assignment in call.assignments.all():
            entries.append(
                TimelineEntry(
                    at=assignment.dispatched_at,
                    kind="response",
                    text=f"{assignment.unit.name} ({assignment.unit.kind}) dispatched to call "
                    f"{call.pk}" + (" and cleared" if assignment.cleared_at else ""),
                )
            )
    cases = list(
        Case.objects.filter(person=person)
        .select_related("navigator")
        .prefetch_related("contacts", "referrals")
    )
    for case in cases:
        entries.append(
            TimelineEntry(
                at=case.opened_at,
                kind="case",
                text=f"Case {case.pk} opened ({case.get_source_display()}), navigator "
                f"{navigator_name(case.navigator)}",
                case_id=case.pk,
            )
        )
        if case.closed_at:
            entries.append(
                TimelineEntry(
                    at=case.closed_at,
                    kind="case",
                    text=f"Case {case.pk} closed: {case.get_outcome_display()}",
                    case_id=case.pk,
                )
            )
        for contact in case.contacts.all():
            result = (
                "declined" if contact.declined else "reached" if contact.reached else "not reached"
            )
            entries.append(
                TimelineEntry(
                    at=contact.at,
                    kind="contact",
                    text=f"Contact by {contact.get_channel_display().lower()}: {result}",
                    case_id=case.pk,
                )
            )
        for referral in case.referrals.all():
            entries.append(
                TimelineEntry(
                    at=referral.referred_at,
                    kind="referral",
                    text=f"Referral ({referral.get_need_display().lower()}) to "
                    f"{referral.service_name}: {referral.status}",
                    case_id=case.pk,
                    sensitive=referral.need == SENSITIVE_NEED,
                )
            )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def case_detail(*, case: Case, user: Any, request: HttpRequest | None = None) -> CaseDetail:
    """Everything on the case page. The caller has checked access with case_get_for; this
    writes the read, and any read of substance-use details, to the audit log."""
    now = timezone.now()
    case = (
        Case.objects.select_related("person", "navigator", "call", "opened_by", "closed_by")
        .prefetch_related(
            Prefetch("needs", queryset=CaseNeed.objects.order_by("need")),
            Prefetch("contacts", queryset=ContactAttempt.objects.select_related("by")),
            Prefetch("referrals", queryset=Referral.objects.select_related("service", "by")),
            "notes__by",
            "extensions__by",
        )
        .get(pk=case.pk)
    )
    needs = list(case.needs.all())
    referrals = list(case.referrals.all())
    timeline = person_timeline(person=case.person)
    shows_substance_use = (
        any(n.need == SENSITIVE_NEED for n in needs)
        or any(r.need == SENSITIVE_NEED for r in referrals)
        or any(e.sensitive for e in timeline)
    )
    audit_record(action="case.read", user=user, obj=case, request=request)
    if shows_substance_use:
        audit_record(action="case.substance_use.read", user=user, obj=case, request=request)
    return CaseDetail(
        case=case,
        needs=needs,
        contacts=list(case.contacts.all()),
        referrals=referrals,
        notes=list(case.notes.all()),
        extensions=list(case.extensions.all()),
        timeline=timeline,
        matches=person_match_candidates(person=case.person) if case.person_needs_review else [],
        familiar_neighbor=case.person_id in familiar_neighbor_ids([case.person_id], now=now),
        overdue=case.status == Case.Status.OPEN
        and case.first_contact_at is None
        and case.first_contact_due <= now,
        days_left=max(0, math.ceil((case.closes_at - now).total_seconds() / 86400)),
        shows_substance_use=shows_substance_use,
        need_requests=list(
            NeedRequest.objects.filter(case=case, status=NeedRequest.Status.PENDING)
            .select_related("requested_by")
            .order_by("requested_at", "id")
        ),
    )


def case_flags(
    case: Case, *, now: datetime | None = None, familiar: bool = False, extended: bool = False
) -> dict[str, bool]:
    now = now or timezone.now()
    is_open = case.status == Case.Status.OPEN
    return {
        "first_contact_overdue": is_open
        and case.first_contact_at is None
        and case.first_contact_due <= now,
        "unable_to_reach": case.unable_to_reach,
        "closing_soon": is_open and case.warn_at <= now,
        "extended": extended,
        "familiar_neighbor": familiar,
        "person_needs_review": case.person_needs_review,
    }


# The service directory.


@dataclass(frozen=True)
class ServiceHit:
    service: Service
    needs: list[str]
    distance_km: float | None
    location: Any
    languages: list[str] = field(default_factory=list)


def service_search(
    *,
    need: str = "",
    q: str = "",
    near: tuple[float, float] | None = None,
    language: str = "",
    limit: int = 20,
) -> list[ServiceHit]:
    """Directory services meeting `need`, offered in `language` (an ISO 639 code), matching
    `q` in the service or organization name or description, nearest first when `near`
    (lat, lon) is given, else by name."""
    services = Service.objects.select_related("organization")
    if need:
        services = services.filter(needs__need=need)
    if language:
        services = services.filter(languages__language=language)
    for term in q.split()[:5]:
        services = services.filter(
            Q(name__icontains=term)
            | Q(organization__name__icontains=term)
            | Q(description__icontains=term)
        )
    if near is not None:
        lat, lon = near
        # Squared equirectangular distance in degrees: ordering only, exact enough at city
        # scale, and plain arithmetic on every database. Kilometres are computed below.
        scale = math.cos(math.radians(lat)) ** 2
        d2 = (F("locations__lat") - lat) * (F("locations__lat") - lat) + (
            F("locations__lon") - lon
        ) * (F("locations__lon") - lon) * Value(scale, output_field=FloatField())
        services = services.annotate(d2=Min(d2, output_field=FloatField())).order_by(
            F("d2").asc(nulls_last=True), "name", "id"
        )
    else:
        services = services.order_by("name", "id")
    found = list(services.distinct().prefetch_related("needs", "locations", "languages")[:limit])
    hits = []
    for service in found:
        best = None
        distance = None
        for location in service.locations.all():
            if best is None:
                best = location  # a location without coordinates still has an address
            if near is None or location.lat is None or location.lon is None:
                continue
            metres = distance_m(near[0], near[1], location.lat, location.lon)
            if distance is None or metres < distance:
                best, distance = location, metres
        hits.append(
            ServiceHit(
                service=service,
                needs=sorted({n.need for n in service.needs.all()}),
                distance_km=None if distance is None else round(distance / 1000, 1),
                location=best,
                languages=sorted({lang.language for lang in service.languages.all()}),
            )
        )
    return hits


# Notifications.


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    """The assigned navigator sees every notification of their cases; supervisors see the
    escalations (first contact overdue, unable to reach) of every case."""
    visible = Q(case__navigator=user)
    if can_read_all(user):
        visible |= Q(kind__in=SUPERVISOR_KINDS)
    elif not user.has_perm("care_navigation.work_caseload"):
        return Notification.objects.none()
    return Notification.objects.filter(visible)


def notification_list(
    *, user: Any, unread_only: bool = False, limit: int = 100
) -> list[Notification]:
    read = NotificationRead.objects.filter(notification=OuterRef("pk"), user=user)
    rows = (
        notifications_for(user=user)
        .annotate(is_read=Exists(read))
        .select_related("case__person", "case__navigator")
        .order_by("is_read", "-created_at", "-id")
    )
    if unread_only:
        rows = rows.filter(is_read=False)
    return list(rows[:limit])


def notification_unread_count(*, user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    if not (can_read_all(user) or user.has_perm("care_navigation.work_caseload")):
        return 0
    read = NotificationRead.objects.filter(notification=OuterRef("pk"), user=user)
    return notifications_for(user=user).exclude(Exists(read)).count()
