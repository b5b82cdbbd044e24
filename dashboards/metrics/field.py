"""In the field: felt-safe answers, police backup requests, handoffs, police arriving
uninvited."""

from __future__ import annotations

from dashboards.metrics.period import Period
from dashboards.metrics.presentation import (
    REFERENCES,
    Cell,
    Figure,
    Table,
    link,
    pct,
    pct_of_text,
    pct_text,
)
from dashboards.metrics.sql import SUM_FIELDS, Sums


def field_section(
    period: Period,
    groups: list[tuple[str, str, str, str, Sums]],
    figures: list[Figure],
    tables: dict[str, Table],
) -> None:
    s = Sums()
    for *_dims, sums in groups:
        s.add([getattr(sums, name) for name in SUM_FIELDS])
    safe = pct(s.safety_yes, s.safety_n)
    backup_share = pct(s.backups, s.department_responses)
    figures.append(
        Figure(
            "felt_safe",
            "Responders who felt safe",
            pct_of_text(safe, s.safety_n, "answers", none="no answer yet"),
            safe,
            REFERENCES["felt_safe"],
            url=period.url("dashboards_calls", has="unsafe"),
            detail=f"{s.safety_n - s.safety_yes:,} answered no",
        )
    )
    figures.append(
        Figure(
            "backup",
            "Police backup requests",
            f"{s.backups:,} for {s.department_responses:,} department responses "
            f"({pct_text(backup_share)})"
            if s.department_responses
            else "no department response",
            backup_share,
            REFERENCES["backup"],
            url=period.url("dashboards_calls", has="backup"),
        )
    )
    figures.append(
        Figure(
            "handoffs",
            "Police-to-department handoffs",
            f"{s.handoffs:,}",
            s.handoffs,
            REFERENCES["handoffs"],
            url=period.url("dashboards_calls", has="handoff"),
        )
    )
    uninvited_share = pct(s.police_uninvited, s.department_responses)
    figures.append(
        Figure(
            "police_uninvited",
            "Police arriving uninvited",
            f"{s.police_uninvited:,} for {s.department_responses:,} department responses "
            f"({pct_text(uninvited_share)})"
            if s.department_responses
            else "no department response",
            s.police_uninvited,
            REFERENCES["police_uninvited"],
            url=period.url("dashboards_calls", has="police_uninvited"),
        )
    )
    tables["field"] = Table(
        "field",
        "In the field",
        ["Measure", "Count", "Share", "Published"],
        [
            [
                Cell("Department responses (HEART, co-response, CCD assignments)"),
                link(
                    period, f"{s.department_responses:,}", s.department_responses, has="department"
                ),
                Cell(""),
                Cell(""),
            ],
            [
                Cell("Felt-safe answers: yes"),
                link(period, f"{s.safety_yes:,}", s.safety_yes, has="safety"),
                Cell(pct_text(safe), value=safe, numeric=True),
                Cell(REFERENCES["felt_safe"]),
            ],
            [
                Cell("Felt-safe answers: no"),
                link(
                    period,
                    f"{s.safety_n - s.safety_yes:,}",
                    s.safety_n - s.safety_yes,
                    has="unsafe",
                ),
                Cell(pct_text(pct(s.safety_n - s.safety_yes, s.safety_n)), numeric=True),
                Cell(""),
            ],
            [
                Cell("Police backup requests"),
                link(period, f"{s.backups:,}", s.backups, has="backup"),
                Cell(pct_text(backup_share), value=backup_share, numeric=True),
                Cell(REFERENCES["backup"]),
            ],
            [
                Cell("Police-to-department handoffs"),
                link(period, f"{s.handoffs:,}", s.handoffs, has="handoff"),
                Cell(""),
                Cell(REFERENCES["handoffs"]),
            ],
            [
                Cell("Police arriving uninvited on department calls"),
                link(period, f"{s.police_uninvited:,}", s.police_uninvited, has="police_uninvited"),
                Cell(pct_text(uninvited_share), value=uninvited_share, numeric=True),
                Cell(""),
            ],
        ],
        note="Backup share and uninvited share: per department assignment on the period's "
        "calls. Handoffs: calls police held and handed to HEART or co-response, asked for by a "
        "dispatcher or by police themselves (source police_handoff).",
    )
