"""Percentiles and cumulative shares from the rollups' fixed-width histograms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping


def percentile(counts: Mapping[int, int], p: float, *, width: int, buckets: int) -> float | None:
    """The p-th percentile (0-1) in seconds, interpolated inside its bucket as if the times
    were spread evenly across it; the lower edge of the overflow bucket if it falls there."""
    total = sum(counts.values())
    if not total:
        return None
    rank = p * total
    seen = 0
    for bucket in sorted(counts):
        n = counts[bucket]
        if n and seen + n >= rank:
            if bucket >= buckets - 1:
                return float(width * (buckets - 1))
            return (bucket + (rank - seen) / n) * width
        seen += n
    return float(width * (buckets - 1))


def cumulative_shares(counts: Mapping[int, int], *, upto: int) -> list[float]:
    """Share of calls (0-100) within 1, 2, ... `upto` buckets."""
    total = sum(counts.values())
    out = []
    running = 0
    for bucket in range(upto):
        running += counts.get(bucket, 0)
        out.append(round(100 * running / total, 1) if total else 0.0)
    return out


def merge_histograms(histograms: Iterable[Mapping[int, int]]) -> dict[int, int]:
    merged: dict[int, int] = defaultdict(int)
    for histogram in histograms:
        for bucket, n in histogram.items():
            merged[bucket] += n
    return merged
