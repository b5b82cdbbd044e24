"""Reads of the shift roster: who is on a unit (its crew), and the crew against its team
template and the caller's language. A page's queries do not grow with its units.

A unit is crewed by whoever is rostered on it; when no one is (a center that keeps no roster,
a response recorded from before the roster), by its standing members (Unit.members), so a
center that keeps no roster works as before (docs/roster.md). On and off duty, a unit with
any shift on the roster follows it (dispatch.services.duty)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from dispatch.models import RosterShift, Unit
from workforce.selectors import responders_of, team_templates
from workforce.teams import Makeup, missing_disciplines


def crews(
    units: Iterable[Unit], *, at: datetime, until: datetime | None = None
) -> dict[int, list[Any]]:
    """Each unit's crew between `at` and `until` (default: at the instant `at`): the users
    rostered on it for any part of that time, or, when no one is, its standing members (a
    unit with no roster, or a response recorded from before the roster). Two queries,
    whatever the number of units."""
    units = list(units)
    ids = [u.pk for u in units]
    end = until or at
    shifts = (
        RosterShift.objects.filter(unit_id__in=ids, starts_at__lte=end, ends_at__gt=at)
        .select_related("responder")
        .order_by("responder__username")
    )
    result: dict[int, list[Any]] = {pk: [] for pk in ids}
    for shift in shifts:
        if shift.responder not in result[shift.unit_id]:
            result[shift.unit_id].append(shift.responder)
    unrostered = [pk for pk, crew in result.items() if not crew]
    if unrostered:
        standing = (
            Unit.members.through.objects.filter(unit_id__in=unrostered)
            .select_related("user")
            .order_by("user__username")
        )
        for row in standing:
            result[row.unit_id].append(row.user)
    return result


def unit_makeups(
    units: Iterable[Unit], *, at: datetime | None = None, until: datetime | None = None
) -> dict[int, Makeup]:
    """Each unit's crew against its service's team template, with the languages it speaks."""
    units = list(units)
    at = at or timezone.now()
    crew_of = crews(units, at=at, until=until)
    templates = team_templates()
    people = responders_of(user.pk for crew in crew_of.values() for user in crew)
    makeups = {}
    for unit in units:
        crew = crew_of[unit.pk]
        held = [people[u.pk].disciplines if u.pk in people else [] for u in crew]
        required = templates.get(unit.kind, [])
        makeups[unit.pk] = Makeup(
            required=tuple(required),
            missing=tuple(missing_disciplines(required, held)),
            crew=tuple(u.get_username() for u in crew),
            languages=frozenset(
                code for u in crew if u.pk in people for code in people[u.pk].languages
            ),
        )
    return makeups


def unit_of_responder(user: Any, *, at: datetime | None = None) -> Unit | None:
    """The unit a responder rides with now: the one they are rostered on, else the first
    unit (by name) they are a standing member of."""
    if not user.is_authenticated:
        return None
    at = at or timezone.now()
    shift = (
        RosterShift.objects.filter(responder=user, starts_at__lte=at, ends_at__gt=at)
        .select_related("unit")
        .order_by("starts_at")
        .first()
    )
    if shift is not None:
        return shift.unit
    return Unit.objects.filter(members=user).order_by("name").first()


@dataclass(frozen=True)
class RosterWeek:
    """One unit's shifts over the seven days from `start` (a date in the department's zone)."""

    unit: Unit
    start: datetime
    days: list[tuple[datetime, list[RosterShift]]]


def roster_shifts(
    *, since: datetime, until: datetime, unit_id: int | None = None
) -> QuerySet[RosterShift]:
    """Shifts overlapping [since, until), by start."""
    shifts = RosterShift.objects.filter(starts_at__lt=until, ends_at__gt=since).select_related(
        "unit", "responder"
    )
    if unit_id is not None:
        shifts = shifts.filter(unit_id=unit_id)
    return shifts.order_by("starts_at", "unit__name", "responder__username")


def roster_week(*, unit: Unit, start: datetime) -> RosterWeek:
    """The week view of one unit: each of seven days (local midnight to midnight) with the
    shifts overlapping it."""
    zone = timezone.get_current_timezone()
    first = timezone.make_aware(datetime.combine(start.date(), datetime.min.time()), zone)
    bounds = [
        timezone.make_aware(
            datetime.combine(first.date() + timedelta(days=i), datetime.min.time()), zone
        )
        for i in range(8)
    ]
    shifts = list(roster_shifts(since=bounds[0], until=bounds[7], unit_id=unit.pk))
    days = [
        (bounds[i], [s for s in shifts if s.starts_at < bounds[i + 1] and s.ends_at > bounds[i]])
        for i in range(7)
    ]
    return RosterWeek(unit=unit, start=first, days=days)


def responders() -> QuerySet[Any]:
    """Active users holding the responder role, for the roster's choices."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name="responder")
        .order_by("username")
        .distinct()
    )
