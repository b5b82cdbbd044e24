"""Care navigation: referrals at clearing, first contact, connection to care."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from care_navigation.models import Case, ClearingReferral
from dashboards.metrics.period import Period
from dashboards.metrics.presentation import (
    REFERENCES,
    Cell,
    Figure,
    Table,
    num,
    pct,
    pct_of_text,
    pct_text,
    share_text,
)


def case_filters(period: Period) -> dict[str, Q]:
    """The cases behind each care-navigation figure, by stage."""
    opened = Q(opened_at__gte=period.since, opened_at__lt=period.until)
    closed = Q(status=Case.Status.CLOSED, closed_at__gte=period.since, closed_at__lt=period.until)
    now = timezone.now()
    stages = {
        "opened": opened,
        "contacted": opened & Q(first_contact_at__isnull=False),
        "contact_due": opened & (Q(first_contact_at__isnull=False) | Q(first_contact_due__lte=now)),
        "contacted_in_time": opened
        & Q(first_contact_at__isnull=False, first_contact_at__lte=F("first_contact_due")),
        "contact_late": opened
        & (
            Q(first_contact_at__isnull=False, first_contact_at__gt=F("first_contact_due"))
            | Q(first_contact_at__isnull=True, first_contact_due__lte=now)
        ),
        "connected": opened & Q(connected_at__isnull=False),
        "closed": closed,
    }
    for outcome in Case.Outcome.values:
        stages[f"outcome_{outcome}"] = closed & Q(outcome=outcome)
    return stages


def care_section(
    period: Period, figures: list[Figure], tables: dict[str, Table], charts: dict[str, Any]
) -> None:
    aggregates = {
        stage: Count("id", filter=condition) for stage, condition in case_filters(period).items()
    }
    span = Q(opened_at__gte=period.since, opened_at__lt=period.until) | Q(
        closed_at__gte=period.since, closed_at__lt=period.until
    )
    c = Case.objects.filter(span).aggregate(**aggregates)
    offers = ClearingReferral.objects.filter(at__gte=period.since, at__lt=period.until).aggregate(
        consented=Count("id", filter=Q(consent=True)),
        declined=Count("id", filter=Q(consent=False)),
    )
    in_time = pct(c["contacted_in_time"], c["contact_due"])
    connected = pct(c["outcome_connected"], c["closed"])
    hours = settings.CARE_FIRST_CONTACT_HOURS

    def case_link(text: str, value: Any, stage: str) -> Cell:
        return Cell(
            text, value=value, url=period.url("dashboards_cases", stage=stage), numeric=True
        )

    rows = [
        [Cell("Referrals at clearing, consented"), num(offers["consented"])],
        [
            Cell("Referrals at clearing, declined (no case)"),
            Cell(
                f"{offers['declined']:,}",
                value=offers["declined"],
                url=period.url("dashboards_calls", has="referral_declined"),
                numeric=True,
            ),
        ],
        [Cell("Cases opened"), case_link(f"{c['opened']:,}", c["opened"], "opened")],
        [
            Cell("First contact made"),
            case_link(f"{c['contacted']:,}", c["contacted"], "contacted"),
        ],
        [
            Cell(f"First contact within {hours} h (of cases whose contact was due)"),
            case_link(
                share_text(c["contacted_in_time"], c["contact_due"], none="none due yet"),
                c["contacted_in_time"],
                "contacted_in_time",
            ),
        ],
        [
            Cell(f"First contact late or overdue (after {hours} h)"),
            case_link(
                f"{c['contact_due'] - c['contacted_in_time']:,}",
                c["contact_due"] - c["contacted_in_time"],
                "contact_late",
            ),
        ],
        [Cell("Connected to care"), case_link(f"{c['connected']:,}", c["connected"], "connected")],
        [Cell("Cases closed"), case_link(f"{c['closed']:,}", c["closed"], "closed")],
    ]
    for outcome, label in Case.Outcome.choices:
        n = c[f"outcome_{outcome}"]
        share = pct(n, c["closed"])
        rows.append(
            [
                Cell(f"Closed: {label.lower().replace('_', ' ')}"),
                case_link(f"{n:,} ({pct_text(share)})", n, f"outcome_{outcome}"),
            ]
        )
    tables["care"] = Table(
        "care",
        "Care navigation",
        ["Measure", "Count"],
        rows,
        note="Cases opened in the period (first contact, connected), and cases closed in the "
        "period with their outcome at the end of the window.",
    )
    figures.append(
        Figure(
            "care",
            "Closed cases connected to care",
            share_text(c["outcome_connected"], c["closed"], none="no case closed"),
            connected,
            REFERENCES["care"],
            url=period.url("dashboards_cases", stage="outcome_connected"),
            detail=f"first contact within {hours} h: "
            + pct_of_text(in_time, c["contact_due"], "due", none="none due yet"),
        )
    )
    charts["care"] = {
        "labels": ["Cases opened", "First contact", f"Contact within {hours} h", "Connected"],
        "data": [c["opened"], c["contacted"], c["contacted_in_time"], c["connected"]],
        "urls": [
            period.url("dashboards_cases", stage=s)
            for s in ("opened", "contacted", "contacted_in_time", "connected")
        ],
    }
