"""Why connection to care is low (issue 15 item 6; docs/dashboards.md, "Why connection is
low"): what became of the referrals of the cases opened in the period, by need and by service;
time to first contact and the share of people never reached; today's waitlists; the services
that most often answered "unavailable".

A referral counts in exactly one column: its status, except that a referral still open
(referred, scheduled, waitlisted) on a case whose person could not be reached counts as
"person unreachable", the reason it went nowhere. Each table is read with one grouped query.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from care_navigation.models import NEEDS, Case, CaseNeed, Referral
from care_navigation.services.contacts import UNREACHABLE_AFTER_FAILED_ATTEMPTS
from dashboards.metrics.period import Period
from dashboards.metrics.presentation import Cell, Table, num, pct, pct_text

UNREACHABLE = "unreachable"
# The columns of the outcome tables, in order: where each referral ended up.
COLUMNS: list[tuple[str, str]] = [
    (Referral.Status.CONNECTED, "Connected"),
    (Referral.Status.SCHEDULED, "Scheduled"),
    (Referral.Status.REFERRED, "Referred, no answer yet"),
    (Referral.Status.WAITLISTED, "Waitlisted"),
    (Referral.Status.UNAVAILABLE, "Unavailable"),
    (Referral.Status.DECLINED, "Declined"),
    (UNREACHABLE, "Person unreachable"),
]
OPEN = frozenset({Referral.Status.REFERRED, Referral.Status.SCHEDULED, Referral.Status.WAITLISTED})
UNAVAILABLE_TOP = 10
ServiceKey = tuple[Any, str]  # a directory service's id, or "" and the free-text name
_UNREACHABLE_CASE = Q(case__unable_to_reach=True) | Q(case__outcome=Case.Outcome.UNABLE_TO_REACH)


def _opened(period: Period) -> Q:
    return Q(case__opened_at__gte=period.since, case__opened_at__lt=period.until)


def referral_groups(period: Period) -> list[dict[str, Any]]:
    """The referrals of the cases opened in the period, grouped by need, service and where
    they ended up."""
    rows = (
        Referral.objects.filter(_opened(period))
        .order_by()
        .values("need", "service_id", "service_name", "status")
        .annotate(
            n=Count("id"),
            unreachable=Count("id", filter=_UNREACHABLE_CASE),
        )
    )
    return [dict(row) for row in rows]


def _column(group: dict[str, Any]) -> Counter[str]:
    """A group's referrals by column: its status, or "unreachable" for the open ones whose
    person could not be reached."""
    out: Counter[str] = Counter()
    status = group["status"]
    if status in OPEN:
        out[UNREACHABLE] += group["unreachable"]
        out[status] += group["n"] - group["unreachable"]
    else:
        out[status] += group["n"]
    return out


def _row(label: Cell, counts: Counter[str], extra: list[Cell] | None = None) -> list[Cell]:
    total = sum(counts.values())
    share = pct(counts[Referral.Status.CONNECTED], total)
    return [
        label,
        *(extra or []),
        num(total),
        *(num(counts[code]) for code, _ in COLUMNS),
        Cell(pct_text(share), value=share, numeric=True),
    ]


def _headers(first: list[str]) -> list[str]:
    return [*first, "Referrals", *(label for _, label in COLUMNS), "Connected share"]


def by_need_table(period: Period, groups: list[dict[str, Any]]) -> Table:
    referred: dict[str, Counter[str]] = defaultdict(Counter)
    for g in groups:
        referred[g["need"]] += _column(g)
    # Needs named on the cases with no referral for them at all: the first place it stops,
    # and why: the person was never reached, or not (yet) referred for another reason.
    has_referral = Exists(Referral.objects.filter(case=OuterRef("case"), need=OuterRef("need")))
    needs = (
        CaseNeed.objects.filter(_opened(period))
        .annotate(has_referral=has_referral)
        .order_by()
        .values("need", "has_referral")
        .annotate(n=Count("id"), unreachable=Count("id", filter=_UNREACHABLE_CASE))
    )
    named: dict[str, Counter[str]] = defaultdict(Counter)
    for row in needs:
        counts = named[row["need"]]
        counts["named"] += row["n"]
        if not row["has_referral"]:
            counts["unreachable"] += row["unreachable"]
            counts["other"] += row["n"] - row["unreachable"]
    rows = []
    total: Counter[str] = Counter()
    all_named: Counter[str] = Counter()
    for code, label in NEEDS:
        total += referred[code]
        all_named += named[code]
        rows.append(_row(Cell(label, value=code), referred[code], _need_cells(named[code])))
    rows.append(_row(Cell("All", value=""), total, _need_cells(all_named)))
    return Table(
        "connection_needs",
        "Referral outcomes by need",
        _headers(
            ["Need", "Needs named", "Not referred: person unreachable", "Not referred: other"]
        ),
        rows,
        note="Cases opened in the period: the needs named on them, those never referred to "
        "any service (the person could not be reached, or another reason), and every referral "
        "made, by where it ended up now. A referral still open on a case whose person could "
        'not be reached counts as "person unreachable".',
    )


def _need_cells(counts: Counter[str]) -> list[Cell]:
    return [num(counts["named"]), num(counts["unreachable"]), num(counts["other"])]


def _service_key(group: Mapping[str, Any]) -> ServiceKey:
    # A directory service by its id (its name may change on re-import); free text by name.
    return (group["service_id"], "" if group["service_id"] else group["service_name"])


def _by_service(
    groups: list[dict[str, Any]],
) -> tuple[dict[ServiceKey, Counter[str]], dict[ServiceKey, str]]:
    """Each service's referrals by column, and its name."""
    counts: dict[ServiceKey, Counter[str]] = defaultdict(Counter)
    names: dict[ServiceKey, str] = {}
    for g in groups:
        key = _service_key(g)
        counts[key] += _column(g)
        names.setdefault(key, g["service_name"])
    return counts, names


def by_service_table(groups: list[dict[str, Any]]) -> Table:
    counts, names = _by_service(groups)
    order = sorted(counts, key=lambda k: (-sum(counts[k].values()), names[k]))
    rows = [
        _row(Cell(names[k] + ("" if k[0] else " (not in the directory)")), counts[k]) for k in order
    ]
    return Table(
        "connection_services",
        "Referral outcomes by service",
        _headers(["Service"]),
        rows,
        note="The referrals of the cases opened in the period, by the service referred to, "
        "most referred first.",
        empty="No referral on the cases opened in this period.",
    )


def unavailable_table(groups: list[dict[str, Any]]) -> Table:
    counts, names = _by_service(groups)
    unavailable = Referral.Status.UNAVAILABLE
    order = sorted(
        (k for k in counts if counts[k][unavailable]),
        key=lambda k: (-counts[k][unavailable], names[k]),
    )[:UNAVAILABLE_TOP]
    rows = []
    for k in order:
        total = sum(counts[k].values())
        share = pct(counts[k][unavailable], total)
        rows.append(
            [
                Cell(names[k]),
                num(counts[k][unavailable]),
                num(total),
                Cell(pct_text(share), value=share, numeric=True),
            ]
        )
    return Table(
        "connection_unavailable",
        f'Services that most often said "unavailable" (top {UNAVAILABLE_TOP})',
        ["Service", "Unavailable", "Referrals", "Unavailable share"],
        rows,
        note="Referrals of the cases opened in the period that the service answered with "
        '"unavailable" (no capacity, not eligible, closed).',
        empty='No service answered "unavailable" to a referral of this period.',
    )


def waitlist_table() -> Table:
    """Today's waitlists: referrals waitlisted now on open cases, by service, and how long they
    have waited (since the referral became waitlisted), whatever the period. A closed case's
    referral left waitlisted is nobody's to follow any more: not counted."""
    now = timezone.now()
    waiting = (
        Referral.objects.filter(status=Referral.Status.WAITLISTED, case__status=Case.Status.OPEN)
        .order_by()
        .values("service_id", "service_name", "status_changed_at")
    )
    days: dict[ServiceKey, list[float]] = defaultdict(list)
    names: dict[ServiceKey, str] = {}
    for row in waiting:
        key = _service_key(row)
        names.setdefault(key, row["service_name"])
        days[key].append((now - row["status_changed_at"]) / timedelta(days=1))
    order = sorted(days, key=lambda k: (-len(days[k]), names[k]))
    rows = []
    for k in order:
        waits = sorted(days[k])
        rows.append(
            [
                Cell(names[k]),
                num(len(waits)),
                num(round(_median(waits), 1)),
                num(round(waits[-1], 1)),
            ]
        )
    return Table(
        "connection_waitlists",
        "Waitlists now",
        ["Service", "People waitlisted", "Median days waiting", "Longest wait (days)"],
        rows,
        note="Referrals waitlisted today on open cases, whatever the period: days since each "
        "was waitlisted.",
        empty="Nobody on an open case is waitlisted today.",
    )


def _median(values: list[float]) -> float:
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


CONTACT_BANDS: list[tuple[str, float | None]] = [
    ("Within 24 h", 24),
    ("24 to 48 h", 48),
    ("48 to 72 h", 72),
    ("After 72 h", None),
]


def _count_share(n: int, whole: int) -> list[Cell]:
    share = pct(n, whole)
    return [num(n), Cell(pct_text(share), value=share, numeric=True)]


def contact_table(period: Period) -> Table:
    """Time from opening to first contact of the cases opened in the period, in bands, with
    the median; the cases never contacted, and those flagged unable to reach."""
    cases = Case.objects.filter(opened_at__gte=period.since, opened_at__lt=period.until)
    rows_read = list(
        cases.values_list("opened_at", "first_contact_at", "unable_to_reach", "outcome")
    )
    hours = sorted(
        (first - opened) / timedelta(hours=1)
        for opened, first, _, _ in rows_read
        if first is not None
    )
    opened_n = len(rows_read)
    bands: Counter[str] = Counter()
    for h in hours:
        label = next(name for name, upto in CONTACT_BANDS if upto is None or h < upto)
        bands[label] += 1
    never = opened_n - len(hours)
    unreachable = sum(
        1 for _, _, flag, outcome in rows_read if flag or outcome == Case.Outcome.UNABLE_TO_REACH
    )
    rows = [[Cell(name), *_count_share(bands[name], opened_n)] for name, _ in CONTACT_BANDS]
    rows.append([Cell("No contact yet"), *_count_share(never, opened_n)])
    rows.append([Cell("Flagged unable to reach"), *_count_share(unreachable, opened_n)])
    median = _median(hours) if hours else None
    median_text = "—" if median is None else f"{median:.1f} h"
    rows.append(
        [
            Cell("Median hours to first contact"),
            Cell(median_text, value=None if median is None else round(median, 1), numeric=True),
            Cell(""),
        ]
    )
    return Table(
        "connection_contact",
        "Time to first contact, and people never reached",
        ["Measure", "Cases", "Share of cases opened"],
        rows,
        note=f"The cases opened in the period. Unable to reach: flagged after "
        f"{UNREACHABLE_AFTER_FAILED_ATTEMPTS} failed contact attempts in a row.",
    )


def connection_section(period: Period, tables: dict[str, Table]) -> None:
    groups = referral_groups(period)
    tables["connection_needs"] = by_need_table(period, groups)
    tables["connection_services"] = by_service_table(groups)
    tables["connection_unavailable"] = unavailable_table(groups)
    tables["connection_waitlists"] = waitlist_table()
    tables["connection_contact"] = contact_table(period)
