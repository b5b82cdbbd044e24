"""The calls and cases behind each figure of the dashboards.

Every figure links here with the period and the same conditions the rollups summed, so the
list has exactly as many rows as the figure counts (docs/dashboards.md, "Drill-downs"). The
parameters are checked here; an unknown value is an error naming its parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from care_navigation.models import Case, ClearingReferral
from dashboards.metrics import (
    PHONE_RESOLUTIONS,
    REASONS,
    WEEKDAYS,
    Period,
    case_filters,
    familiar_people,
    familiar_period,
)
from dashboards.rollups import (
    DEPARTMENT_ROUTES,
    PROCESSING_TARGET_SECONDS,
    Seconds,
    local_midnight,
    zone,
)
from dispatch.models import (
    CCD_DISPOSITIONS,
    CCD_TRANSFERRED_TO_988,
    DISPOSITIONS,
    TRANSFERS_988,
    Assignment,
    Call,
    FieldEvent,
    SafetyCheck,
)
from triage.vocabulary import ROUTES

OUTCOMES = ("served", "unserved", "outside_hours", "no_unit", "override", "unexplained")
MEASURES = {
    "processing": "dispatched (call processing time known)",
    "processing_within": f"processed within {PROCESSING_TARGET_SECONDS} s",
    "processing_over": f"processed in more than {PROCESSING_TARGET_SECONDS} s",
    "response": "with a unit on scene (response time known)",
}
HAS = {
    "department": "with a department assignment (HEART, co-response or CCD unit)",
    "safety": "with a responder answering yes to 'did you feel safe?'",
    "unsafe": "with a responder answering no to 'did you feel safe?'",
    "backup": "with a police backup request",
    "handoff": "handed from police to the department",
    "police_uninvited": "with police arriving uninvited",
    "referral_declined": "whose referral to care navigation was declined at clearing",
}
CASE_STAGES = {
    "opened": "opened in the period",
    "contacted": "opened in the period, first contact made",
    "contact_due": "opened in the period, first contact made or due",
    "contacted_in_time": "opened in the period, first contact within the target",
    "contact_late": "opened in the period, first contact late or overdue",
    "connected": "opened in the period, connected to care",
    "closed": "closed in the period",
    **{f"outcome_{o}": f"closed in the period: {o.replace('_', ' ')}" for o in Case.Outcome.values},
}


@dataclass
class Drill:
    kind: str  # "calls" or "cases"
    title: str
    conditions: list[str]
    queryset: QuerySet[Any]
    count_label: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _choice(params: Mapping[str, str], name: str, allowed: Any, errors: dict[str, str]) -> str:
    value = (params.get(name) or "").strip()
    if value and value not in allowed:
        errors[name] = f"{name}: {value!r} is not one of {', '.join(map(str, allowed))}"
        return ""
    return value


def _int(
    params: Mapping[str, str], name: str, low: int, high: int, errors: dict[str, str]
) -> int | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        errors[name] = f"{name}: {value!r} is not a whole number from {low} to {high}"
        return None
    return int(value)


def _day(params: Mapping[str, str], name: str, errors: dict[str, str]) -> date | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = f"{name}: {value!r} is not a date (YYYY-MM-DD)"
        return None


def calls_drill(period: Period, params: Mapping[str, str]) -> Drill:
    """The calls behind a call figure: received in the period, with the figure's conditions."""
    errors: dict[str, str] = {}
    route = _choice(params, "route", (*ROUTES, "none"), errors)
    eligible_route = _choice(params, "eligible_route", ROUTES, errors)
    eligible = _choice(params, "eligible", ("1",), errors)
    outcome = _choice(params, "outcome", OUTCOMES, errors)
    department = _choice(params, "department", ("1",), errors)
    handled = _choice(params, "handled", ("1",), errors)
    measure = _choice(params, "measure", tuple(MEASURES), errors)
    has = _choice(params, "has", tuple(HAS), errors)
    familiar = _choice(params, "familiar", ("people", "responses"), errors)
    weekday = _int(params, "weekday", 1, 7, errors)
    hour = _int(params, "hour", 0, 23, errors)
    day = _day(params, "day", errors)
    week = _day(params, "week", errors)
    disposition = _choice(params, "disposition", [c for c, _ in DISPOSITIONS], errors)
    ccd_disposition = _choice(params, "ccd_disposition", [c for c, _ in CCD_DISPOSITIONS], errors)
    transfer_988 = _choice(params, "transfer_988", [*(c for c, _ in TRANSFERS_988), "any"], errors)
    transfer_by = _choice(params, "transfer_by", ("ccd", "dispatch"), errors)
    call_type = (params.get("call_type") or "").strip()
    if len(call_type) > 40:
        errors["call_type"] = "call_type: at most 40 characters"

    calls = Call.objects.select_related("call_type")
    conditions: list[str] = []
    since, until = period.since, period.until
    if has == "referral_declined":
        # A care-navigation figure: on the clearing's clock, not the call's.
        declined = ClearingReferral.objects.filter(
            call=OuterRef("pk"), consent=False, at__gte=since, at__lt=until
        )
        calls = calls.filter(Exists(declined))
        conditions.append(f"referral declined at clearing between {period.label()}")
    elif familiar:
        window = familiar_period(period)
        responded = Q(assignments__unit__kind__in=DEPARTMENT_ROUTES)
        calls = calls.filter(
            received_at__gte=window.since,
            received_at__lt=window.until,
            person__in=familiar_people(period),
        ).annotate(counted=Count("assignments", filter=responded))
        calls = calls.filter(counted__gt=0)
        conditions.append(
            f"received {window.label()}, about familiar neighbors, with department responses"
            + (" (one person may have several calls)" if familiar == "people" else "")
        )
    else:
        calls = calls.filter(received_at__gte=since, received_at__lt=until)
        conditions.append(f"received {period.label()}")
    if period.source:
        calls = calls.filter(source=period.source)
    if day is not None:
        calls = calls.filter(
            received_at__gte=local_midnight(day),
            received_at__lt=local_midnight(day + timedelta(days=1)),
        )
        conditions.append(f"on {day:%a %d %b %Y}")
    if week is not None:
        calls = calls.filter(
            received_at__gte=local_midnight(week),
            received_at__lt=local_midnight(week + timedelta(days=7)),
        )
        conditions.append(f"in the week of {week:%d %b %Y}")
    if route:
        calls = calls.filter(route="" if route == "none" else route)
        conditions.append(f"routed to {route}")
    if department:
        calls = calls.filter(route__in=DEPARTMENT_ROUTES)
        conditions.append("routed to the department (HEART, CO_RESPONSE, CCD)")
    if handled:
        calls = calls.filter(route__in=DEPARTMENT_ROUTES).exclude(disposition="police_took_over")
        conditions.append("handled by the department (police did not take over)")
    if eligible_route:
        calls = calls.filter(eligible_route=eligible_route)
        conditions.append(f"eligible for {eligible_route}")
    elif eligible or outcome:
        calls = calls.filter(eligible_route__in=DEPARTMENT_ROUTES)
        conditions.append("eligible for a department service")
    if outcome:
        calls, text = _outcome_filter(calls, outcome)
        conditions.append(text)
    if call_type:
        calls = calls.filter(call_type_id=call_type)
        conditions.append(f"call type {call_type}")
    if disposition:
        calls = calls.filter(disposition=disposition).exclude(ccd_disposition__in=PHONE_RESOLUTIONS)
        conditions.append(f"cleared in the field: {dict(DISPOSITIONS)[disposition]}")
    if ccd_disposition:
        calls = calls.filter(ccd_disposition=ccd_disposition)
        conditions.append(f"by phone (CCD): {dict(CCD_DISPOSITIONS)[ccd_disposition]}")
    if transfer_988 == "any":
        calls = calls.exclude(transfer_988="")
        conditions.append("transferred to 988, warm or cold")
    elif transfer_988:
        calls = calls.filter(transfer_988=transfer_988)
        conditions.append(f"transferred to 988: {dict(TRANSFERS_988)[transfer_988].lower()}")
    if transfer_by:
        by_ccd = Q(ccd_disposition=CCD_TRANSFERRED_TO_988)
        calls = calls.filter(by_ccd) if transfer_by == "ccd" else calls.exclude(by_ccd)
        conditions.append(
            "by the CCD clinician" if transfer_by == "ccd" else "not by the CCD clinician"
        )
    if weekday is not None or hour is not None:
        calls = calls.annotate(
            local_weekday=ExtractIsoWeekDay("received_at", tzinfo=zone()),
            local_hour=ExtractHour("received_at", tzinfo=zone()),
        )
        if weekday is not None:
            calls = calls.filter(local_weekday=weekday)
            conditions.append(f"on a {WEEKDAYS[weekday - 1]}")
        if hour is not None:
            calls = calls.filter(local_hour=hour)
            conditions.append(f"between {hour:02d}:00 and {hour:02d}:59")
    if measure:
        calls = _measure_filter(calls, measure)
        conditions.append(MEASURES[measure])
    count_label = ""
    if has and has != "referral_declined":
        calls, count_label = _has_filter(calls, has)
        conditions.append(HAS[has])
    elif has:
        conditions.append(HAS[has])
    if familiar:
        count_label = "department responses"
    calls = calls.annotate(
        processing_s=Seconds(F("first_dispatched_at"), F("received_at")),
        response_s=Seconds(F("first_on_scene_at"), F("received_at")),
    ).order_by("-received_at", "-id")
    return Drill(
        kind="calls",
        title="Calls",
        conditions=conditions,
        queryset=calls,
        count_label=count_label,
        errors=errors,
    )


def _outcome_filter(calls: QuerySet[Call], outcome: str) -> tuple[QuerySet[Call], str]:
    served = Q(route=F("eligible_route"))
    if outcome == "served":
        return calls.filter(served), "served by that service"
    calls = calls.exclude(served)
    if outcome == "unserved":
        return calls, "not served by that service"
    if outcome == "unexplained":
        return (
            calls.exclude(unserved_reason__in=list(REASONS)),
            "not served, with no reason recorded",
        )
    return calls.filter(unserved_reason=outcome), f"not served: {REASONS[outcome]}"


def _measure_filter(calls: QuerySet[Call], measure: str) -> QuerySet[Call]:
    if measure == "response":
        return calls.annotate(drill_s=Seconds(F("first_on_scene_at"), F("received_at"))).filter(
            drill_s__gte=0
        )
    calls = calls.annotate(drill_s=Seconds(F("first_dispatched_at"), F("received_at")))
    if measure == "processing_within":
        return calls.filter(drill_s__gte=0, drill_s__lte=PROCESSING_TARGET_SECONDS)
    if measure == "processing_over":
        return calls.filter(drill_s__gt=PROCESSING_TARGET_SECONDS)
    return calls.filter(drill_s__gte=0)


def _has_filter(calls: QuerySet[Call], has: str) -> tuple[QuerySet[Call], str]:
    """Calls with at least one of the counted things, annotated with how many (`counted`)."""
    rows: QuerySet[Any]
    if has == "department":
        rows = Assignment.objects.filter(call=OuterRef("pk"), unit__kind__in=DEPARTMENT_ROUTES)
        which = Q(assignments__unit__kind__in=DEPARTMENT_ROUTES)
        field, label = "assignments", "department assignments"
    elif has in ("safety", "unsafe"):
        safe = has == "safety"
        rows = SafetyCheck.objects.filter(call=OuterRef("pk"), safe=safe)
        which = Q(safety_checks__safe=safe)
        field, label = "safety_checks", "answers"
    else:
        kind, label = {
            "backup": (FieldEvent.Kind.BACKUP_REQUESTED, "backup requests"),
            "police_uninvited": (FieldEvent.Kind.POLICE_UNINVITED, "uninvited police arrivals"),
        }.get(has, (FieldEvent.Kind.HANDOFF, "handoffs"))
        rows = FieldEvent.objects.filter(call=OuterRef("pk"), kind=kind)
        which = Q(events__kind=kind)
        field = "events"
    calls = calls.filter(Exists(rows)).annotate(counted=Count(field, filter=which))
    return calls, label


def cases_drill(period: Period, params: Mapping[str, str]) -> Drill:
    """The cases behind a care-navigation figure."""
    errors: dict[str, str] = {}
    stage = _choice(params, "stage", tuple(CASE_STAGES), errors) or "opened"
    condition = case_filters(period)[stage]
    cases = (
        Case.objects.filter(condition)
        .select_related("person", "navigator")
        .order_by("-opened_at", "-id")
    )
    # Cases are counted across all call sources, as on the dashboard.
    return Drill(
        kind="cases",
        title="Care-navigation cases",
        conditions=[CASE_STAGES[stage], Period(period.start, period.end).label()],
        queryset=cases,
        errors=errors,
    )
