"""The call-level export in the shape of the Harvard Government Performance Lab's
alternative-response data dictionary: one row per call received in the period, every column
documented in docs/data-dictionary.md (the test keeps the two in step).

No names, addresses, coordinates, phone numbers or narratives: the file is for evaluators and
councils. A person appears as the console's person id only, so repeat contacts can be counted.
Everything is read in one statement (subqueries per call), streamed in chunks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from dashboards.metrics import Period
from dispatch.models import Assignment, Call, CallOutcome, FieldEvent, SafetyCheck
from dispatch.outcome_vocabulary import DEMOGRAPHICS, NOT_COLLECTED
from dispatch.services.assignments import FIELD_DEPARTMENT_KINDS
from triage.vocabulary import DEPARTMENT_SERVICES

# (column, what it holds): the order of the file. docs/data-dictionary.md describes each.
GPL_COLUMNS: list[tuple[str, str]] = [
    ("incident_id", "the console's call id"),
    ("call_source", "console, api or the imported CAD's name"),
    ("call_received_at", "phone answered, local ISO 8601"),
    ("call_entered_at", "call created in the console"),
    ("initial_call_type", "the CAD's own label, as received"),
    ("final_call_type", "the console's call type code"),
    ("call_type_family", "behavioral, police, fire, ems"),
    ("priority", "P1, P2, P3"),
    ("zone", "zone or beat"),
    (
        "eligible_for_alternative_response",
        "yes when the eligible route is CCD, HEART or CO_RESPONSE",
    ),
    ("eligible_route", "the route the rules chose"),
    ("responding_route", "the route the call went to"),
    ("unserved_reason", "outside_hours, no_unit, override or blank"),
    ("triage_rule", "the rule id that decided the route"),
    ("ccd_disposition", "the phone line's outcome, when CCD handled the call"),
    ("units_dispatched", "how many units were assigned"),
    ("department_unit_dispatched", "yes when a HEART or co-response unit was assigned"),
    ("police_unit_dispatched", "yes when a police unit was assigned"),
    ("first_dispatched_at", "first unit dispatched"),
    ("first_on_scene_at", "first unit on scene"),
    ("last_cleared_at", "last unit cleared"),
    ("call_processing_seconds", "received to first dispatch"),
    ("response_seconds", "received to first on scene"),
    ("time_on_scene_seconds", "first on scene to last cleared"),
    ("disposition", "how the call ended"),
    ("police_backup_requested", "yes when a department team asked for police backup"),
    ("police_handoff", "yes when police handed the call to the department"),
    ("responder_felt_safe", "no when any responder answered no, yes when all answered yes"),
    ("arrest", "yes, no, or blank (not recorded)"),
    ("police_use_of_force", "yes, no, or blank"),
    ("involuntary_commitment_petitioned", "NC IVC petition: yes, no, or blank"),
    ("transport_by", "none, heart, ems, police, self, or blank"),
    ("transport_destination", "hospital_ed, crisis_center, detox, other, or blank"),
    ("transport_voluntary", "voluntary, involuntary, or blank"),
    ("ed_diverted", "yes, no, or blank"),
    ("referral_to_care_navigation", "consented, declined, or blank (not offered)"),
    ("person_id", "the console's person id, blank when none is linked"),
    ("age_band", "self-reported"),
    ("race_ethnicity", "self-reported"),
    ("gender", "self-reported"),
    ("housing_status", "self-reported"),
    ("veteran_status", "self-reported"),
]
GPL_HEADER = [name for name, _ in GPL_COLUMNS]


def gpl_calls(period: Period) -> QuerySet[Call]:
    """The calls received in `period` (and of its source), with what the export needs."""
    calls = Call.objects.filter(received_at__gte=period.since, received_at__lt=period.until)
    if period.source:
        calls = calls.filter(source=period.source)
    per_call = Assignment.objects.filter(call=OuterRef("pk")).order_by().values("call")
    events = FieldEvent.objects.filter(call=OuterRef("pk"))
    checks = SafetyCheck.objects.filter(call=OuterRef("pk"))
    return (
        calls.select_related("call_type", "outcome")
        .annotate(
            units_n=Subquery(per_call.annotate(n=Count("id")).values("n")),
            last_cleared=Subquery(per_call.annotate(m=Max("cleared_at")).values("m")),
            department_sent=Exists(
                Assignment.objects.filter(
                    call=OuterRef("pk"), unit__kind__in=FIELD_DEPARTMENT_KINDS
                )
            ),
            police_sent=Exists(Assignment.objects.filter(call=OuterRef("pk"), unit__kind="POLICE")),
            backup=Exists(events.filter(kind=FieldEvent.Kind.BACKUP_REQUESTED)),
            handoff=Exists(events.filter(kind=FieldEvent.Kind.HANDOFF)),
            any_check=Exists(checks),
            unsafe=Exists(checks.filter(safe=False)),
        )
        .order_by("received_at", "pk")
    )


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _local(value: Any) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def _seconds(start: Any, end: Any) -> Any:
    if start is None or end is None:
        return ""
    return round((end - start).total_seconds(), 1)


def gpl_row(call: Call) -> list[Any]:
    """One call as the export's row, in GPL_HEADER's order."""
    outcome: CallOutcome | None = getattr(call, "outcome", None)
    last_cleared = getattr(call, "last_cleared", None)
    consent = call.referral_consent
    referral = "" if consent is None else ("consented" if consent else "declined")
    if getattr(call, "unsafe", False):
        felt_safe = "no"
    else:
        felt_safe = "yes" if getattr(call, "any_check", False) else ""

    def demographic(name: str) -> str:
        return getattr(outcome, name) if outcome is not None else NOT_COLLECTED

    return [
        call.pk,
        call.source,
        _local(call.received_at),
        _local(call.created_at),
        call.external_label,
        call.call_type_id,
        call.call_type.family,
        call.priority,
        call.zone,
        _yes_no(call.eligible_route in DEPARTMENT_SERVICES if call.eligible_route else None),
        call.eligible_route,
        call.route,
        call.unserved_reason,
        call.rule,
        call.ccd_disposition,
        getattr(call, "units_n", None) or 0,
        _yes_no(getattr(call, "department_sent", False)),
        _yes_no(getattr(call, "police_sent", False)),
        _local(call.first_dispatched_at),
        _local(call.first_on_scene_at),
        _local(last_cleared),
        _seconds(call.received_at, call.first_dispatched_at),
        _seconds(call.received_at, call.first_on_scene_at),
        _seconds(call.first_on_scene_at, last_cleared),
        call.disposition,
        _yes_no(getattr(call, "backup", False)),
        _yes_no(getattr(call, "handoff", False)),
        felt_safe,
        _yes_no(outcome.arrest if outcome else None),
        _yes_no(outcome.use_of_force if outcome else None),
        _yes_no(outcome.ivc_petitioned if outcome else None),
        outcome.transport_by if outcome else "",
        outcome.transport_to if outcome else "",
        outcome.transport_voluntary if outcome else "",
        _yes_no(outcome.ed_diverted if outcome else None),
        referral,
        call.person_id or "",
        *(demographic(name) for name in DEMOGRAPHICS),
    ]


def gpl_rows(calls: QuerySet[Call]) -> Iterator[list[Any]]:
    for call in calls.iterator(chunk_size=2000):
        yield gpl_row(call)
