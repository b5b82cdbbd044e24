"""Familiar neighbors: people with many department responses."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count

from dashboards.metrics.period import Period
from dashboards.metrics.presentation import REFERENCES, Cell, Figure, Table, num, pct, pct_text
from dashboards.metrics.sql import Scope, fetch, rollup_union
from dashboards.rollups import CALLS, DEPARTMENT_ROUTES, PEOPLE
from dispatch.models import Assignment


def familiar_period(period: Period) -> Period:
    """The CARE_FAMILIAR_NEIGHBOR_DAYS (365) days ending with the period."""
    days = settings.CARE_FAMILIAR_NEIGHBOR_DAYS
    return Period(period.end - timedelta(days=days - 1), period.end, period.source)


def familiar_people(period: Period) -> Any:
    """Ids of the people with CARE_FAMILIAR_NEIGHBOR_RESPONSES (5) or more department
    responses on calls received in the window, as a subquery (the drill-down's definition;
    the figure reads the same from PersonDayRollup)."""
    window = familiar_period(period)
    assignments = Assignment.objects.filter(
        unit__kind__in=DEPARTMENT_ROUTES,
        call__received_at__gte=window.since,
        call__received_at__lt=window.until,
        call__person__isnull=False,
    )
    if window.source:
        assignments = assignments.filter(call__source=window.source)
    return (
        assignments.order_by()
        .values("call__person_id")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.CARE_FAMILIAR_NEIGHBOR_RESPONSES)
        .values("call__person_id")
    )


def familiar_section(
    period: Period,
    dirty: frozenset[date] | None,
    figures: list[Figure],
    tables: dict[str, Table],
) -> None:
    window = familiar_period(period)
    scope = Scope(period=window, source=window.source, dirty=dirty)
    threshold = settings.CARE_FAMILIAR_NEIGHBOR_RESPONSES
    union, params = rollup_union(PEOPLE, scope)
    ((people, with_person, familiar, familiar_responses),) = fetch(
        "SELECT COUNT(*), COALESCE(SUM(n), 0),"  # noqa: S608
        " COALESCE(SUM(CASE WHEN n >= %s THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN n >= %s THEN n ELSE 0 END), 0)"
        f" FROM (SELECT person_id, SUM(responses) AS n FROM {union} r GROUP BY person_id) p",
        [threshold, threshold, *params],
    )
    union, params = rollup_union(CALLS, scope)
    ((responses,),) = fetch(
        f"SELECT COALESCE(SUM(department_responses), 0) FROM {union} r",  # noqa: S608
        params,
    )
    people, familiar = int(people), int(familiar)
    responses, familiar_responses = int(responses), int(familiar_responses)
    anonymous = responses - int(with_person)
    people_share = pct(familiar, people)
    response_share = pct(familiar_responses, responses)
    span = f"{window.start:%d %b %Y} to {window.end:%d %b %Y}"
    url = period.url("dashboards_calls", familiar="responses")
    people_url = period.url("dashboards_calls", familiar="people")
    figures.append(
        Figure(
            "familiar",
            "Familiar neighbors",
            f"{familiar:,} {'person' if familiar == 1 else 'people'} ({pct_text(people_share)}), "
            f"{pct_text(response_share)} of responses",
            response_share,
            REFERENCES["familiar"],
            url=url,
            detail=f"{threshold}+ department responses, {span}",
        )
    )
    tables["familiar"] = Table(
        "familiar",
        "Familiar neighbors",
        ["Measure", "Count", "Share"],
        [
            [Cell("People with a department response"), num(people), Cell("")],
            [
                Cell(f"Familiar neighbors ({threshold}+ responses)"),
                Cell(f"{familiar:,}", value=familiar, url=people_url, numeric=True),
                Cell(pct_text(people_share), value=people_share, numeric=True),
            ],
            [Cell("Department responses"), num(responses), Cell("")],
            [
                Cell("Responses to familiar neighbors"),
                Cell(f"{familiar_responses:,}", value=familiar_responses, url=url, numeric=True),
                Cell(pct_text(response_share), value=response_share, numeric=True),
            ],
            [Cell("Responses with no known person"), num(anonymous), Cell("")],
        ],
        note=f"Calls received in the {settings.CARE_FAMILIAR_NEIGHBOR_DAYS} days ending with "
        f"the period ({span}): assignments of HEART, co-response and CCD units on them.",
    )
