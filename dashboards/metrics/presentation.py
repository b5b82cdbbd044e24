"""What the page shows: cells, tables, figures with their published references, and the text
of numbers, shares and minutes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dashboards.metrics.period import Period

# docs/domain.md section 8: the published figure shown beside each metric.
REFERENCES: dict[str, str] = {
    "calls": "HEART 2024: 11,612 responses; CAHOOTS: 17% of Eugene police volume (2017)",
    "eligible": "NYC B-HEARD FY22-24: 37,113 eligible, 35% unserved",
    "response": "HEART early pilot: 7.6 min average; SF SCRT: 12 min",
    "processing": "NFPA 1225: 90% within 60 s",
    "felt_safe": "HEART: 99%",
    "backup": "CAHOOTS 2019: 150 of ~24,000 (0.6%)",
    "handoffs": "HEART: 450+ in two years",
    "transfers_988": "—",
    "police_uninvited": "—",
    "police_hours": "HEART: 5,500+ hours in two years",
    "care": "HEART: 20% connected",
    "familiar": "Durham: 0.5% of people, 12% of responses",
    "hours": "Durham: $5M budget, $6.5M for 24/7",
}


@dataclass
class Cell:
    text: str
    value: Any = None  # what the CSV gets; the text when None
    url: str = ""
    numeric: bool = False

    @property
    def csv(self) -> Any:
        return self.text if self.value is None else self.value


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""
    # What the table says when it has no row.
    empty: str = "No calls in this period."


@dataclass
class Figure:
    key: str
    label: str
    text: str
    value: float | int | None
    reference: str
    url: str = ""
    detail: str = ""


@dataclass
class Dashboard:
    period: Period
    figures: list[Figure]
    tables: dict[str, Table]
    charts: dict[str, Any]
    heatmap: list[dict[str, Any]]
    refreshed_at: datetime | None
    live_days: int  # days read from the base table because they changed since the refresh
    sources: list[str] = field(default_factory=list)


def num(n: int | float) -> Cell:
    return Cell(f"{n:,}" if isinstance(n, int) else f"{n:,.1f}", value=n, numeric=True)


def pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def pct_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def share_cell(part: int, whole: int) -> Cell:
    """A "Share" column's cell: part of whole, "—" when the whole is nothing (a total row's
    is share_cell(total, total): 100.0%, or "—" for an empty period)."""
    share = pct(part, whole)
    return Cell(pct_text(share), value=share, numeric=True)


def share_text(part: int, whole: int, *, none: str) -> str:
    """ "3 of 18 (16.7%)"; `none` when there is nothing to share out ("0 of 0 (—)" says
    nothing to the reader)."""
    if not whole:
        return none
    return f"{part:,} of {whole:,} ({pct_text(pct(part, whole))})"


def pct_of_text(share: float | None, whole: int, what: str, *, none: str) -> str:
    """ "98.9% of 567 answers"; `none` when there were none ("— of 0 answers")."""
    if not whole:
        return none
    return f"{pct_text(share)} of {whole:,} {what}"


def minutes_text(seconds: float | None, *, overflow: float | None = None) -> str:
    if seconds is None:
        return "—"
    if overflow is not None and seconds >= overflow:
        return f"> {overflow / 60:.0f} min"
    return f"{seconds / 60:.1f} min"


def link(period: Period, text: str, value: Any = None, **q: Any) -> Cell:
    """A number that opens the calls behind it."""
    return Cell(text, value=value, url=period.url("dashboards_calls", **q), numeric=True)


def round1(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def figures_table(dashboard: Dashboard) -> Table:
    """Every headline figure with its published reference: the summary CSV."""
    return Table(
        "figures",
        "Figures",
        ["Metric", "Value", "Figure", "Detail", "Published reference"],
        [
            [
                Cell(f.label, value=f.key),
                Cell("" if f.value is None else str(f.value), value=f.value, numeric=True),
                Cell(f.text),
                Cell(f.detail),
                Cell(f.reference),
            ]
            for f in dashboard.figures
        ],
    )
