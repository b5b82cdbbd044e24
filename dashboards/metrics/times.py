"""Call processing and response times by route."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dashboards.metrics.period import Period
from dashboards.metrics.presentation import (
    REFERENCES,
    Cell,
    Figure,
    Table,
    link,
    minutes_text,
    pct,
    pct_of_text,
    pct_text,
    round1,
)
from dashboards.metrics.sql import SUM_FIELDS, Sums
from dashboards.metrics.statistics import cumulative_shares, merge_histograms, percentile
from dashboards.rollups import (
    PROCESSING_BUCKET_SECONDS,
    PROCESSING_BUCKETS,
    PROCESSING_TARGET_SECONDS,
    RESPONSE_BUCKET_SECONDS,
    RESPONSE_BUCKETS,
)
from triage.vocabulary import ROUTES

FIELD_ROUTES = ("HEART", "CO_RESPONSE")


def times_section(
    period: Period,
    groups: list[tuple[str, str, str, str, Sums]],
    histograms: dict[tuple[str, str], dict[int, int]],
    figures: list[Figure],
    tables: dict[str, Table],
    charts: dict[str, Any],
) -> None:
    by_route: dict[str, Sums] = defaultdict(Sums)
    for route, _eligible, _reason, _ct, s in groups:
        target = by_route[route]
        for name in SUM_FIELDS:
            setattr(target, name, getattr(target, name) + getattr(s, name))
    resp_kw = {"width": RESPONSE_BUCKET_SECONDS, "buckets": RESPONSE_BUCKETS}
    proc_kw = {"width": PROCESSING_BUCKET_SECONDS, "buckets": PROCESSING_BUCKETS}
    resp_overflow = float(RESPONSE_BUCKET_SECONDS * (RESPONSE_BUCKETS - 1))
    proc_overflow = float(PROCESSING_BUCKET_SECONDS * (PROCESSING_BUCKETS - 1))
    rows = []
    all_proc = Sums()
    for route in [r for r in ROUTES if r in by_route]:
        s = by_route[route]
        all_proc.processing_n += s.processing_n
        all_proc.processing_within_60 += s.processing_within_60
        resp = histograms.get(("response", route), {})
        proc = histograms.get(("processing", route), {})
        mean = s.response_sum_s / s.response_n if s.response_n else None
        within = pct(s.processing_within_60, s.processing_n)
        rows.append(
            [
                Cell(route),
                link(
                    period, f"{s.processing_n:,}", s.processing_n, route=route, measure="processing"
                ),
                link(
                    period,
                    pct_text(within),
                    within,
                    route=route,
                    measure="processing_within",
                ),
                Cell(
                    minutes_text(percentile(proc, 0.9, **proc_kw), overflow=proc_overflow),
                    value=round1(percentile(proc, 0.9, **proc_kw)),
                    numeric=True,
                ),
                link(period, f"{s.response_n:,}", s.response_n, route=route, measure="response"),
                Cell(minutes_text(mean), value=round1(mean), numeric=True),
                Cell(
                    minutes_text(percentile(resp, 0.5, **resp_kw), overflow=resp_overflow),
                    value=round1(percentile(resp, 0.5, **resp_kw)),
                    numeric=True,
                ),
                Cell(
                    minutes_text(percentile(resp, 0.9, **resp_kw), overflow=resp_overflow),
                    value=round1(percentile(resp, 0.9, **resp_kw)),
                    numeric=True,
                ),
            ]
        )
    tables["times"] = Table(
        "times",
        "Call processing and response times by route",
        [
            "Route",
            "Dispatched",
            f"Processed within {PROCESSING_TARGET_SECONDS} s",
            "Processing p90",
            "On scene",
            "Response mean",
            "Response p50",
            "Response p90",
        ],
        rows,
        note="Processing: received to first dispatch. Response: received to first unit on "
        "scene. Percentiles come from 1-minute (response) and 5-second (processing) "
        "buckets; seconds in the CSV.",
    )
    within = pct(all_proc.processing_within_60, all_proc.processing_n)
    figures.append(
        Figure(
            "processing",
            f"Calls processed within {PROCESSING_TARGET_SECONDS} s",
            pct_of_text(within, all_proc.processing_n, "dispatched", none="no call dispatched"),
            within,
            REFERENCES["processing"],
            url=period.url("dashboards_calls", measure="processing_over"),
            detail=f"{all_proc.processing_n - all_proc.processing_within_60:,} took longer",
        )
    )
    field = [by_route[r] for r in FIELD_ROUTES if r in by_route]
    field_n = sum(s.response_n for s in field)
    field_mean = sum(s.response_sum_s for s in field) / field_n if field_n else None
    field_hist = merge_histograms(histograms.get(("response", r), {}) for r in FIELD_ROUTES)
    p50 = percentile(field_hist, 0.5, **resp_kw)
    p90 = percentile(field_hist, 0.9, **resp_kw)
    figures.append(
        Figure(
            "response",
            "Department response time (HEART and co-response)",
            f"p50 {minutes_text(p50, overflow=resp_overflow)}, "
            f"p90 {minutes_text(p90, overflow=resp_overflow)}",
            round1(p50),
            REFERENCES["response"],
            url=period.url("dashboards_calls", department=1, measure="response"),
            detail=f"mean {minutes_text(field_mean)} over {field_n:,} responses",
        )
    )
    minutes = 60
    charts["response"] = {
        "labels": list(range(1, minutes + 1)),
        "datasets": [
            {
                "label": route,
                "route": route,
                "data": cumulative_shares(histograms.get(("response", route), {}), upto=minutes),
            }
            for route in ROUTES
            if histograms.get(("response", route))
        ],
    }
    steps = PROCESSING_BUCKETS - 1
    charts["processing"] = {
        "labels": [(b + 1) * PROCESSING_BUCKET_SECONDS for b in range(steps)],
        "datasets": [
            {
                "label": route,
                "route": route,
                "data": cumulative_shares(histograms.get(("processing", route), {}), upto=steps),
            }
            for route in ROUTES
            if histograms.get(("processing", route))
        ],
    }
