"""Benchmark of the triage engine and of the CSV replay, against a copy-only baseline.

    python bench/triage_engine.py [--rows N] [--evaluations M] [--seed S]

Generates N seeded random calls (default 1,000,000) into a temporary CSV, then measures:
(a) ``evaluate`` alone over pre-built inputs (target: 200,000 evaluations/s or more),
(b) ``copy_csv``, reading and writing the same CSV without triage (the baseline),
(c) ``replay_csv`` (target: 1,000,000 rows in under 10 s, scaled to N).
Needs no Django. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.default_policy import (  # noqa: E402
    DEFAULT_CALL_TYPES,
    DEFAULT_TIME_ZONE,
    default_coverage,
    default_ruleset,
)
from triage.engine import ANSWER_FIELDS, evaluate, parse_received_at  # noqa: E402
from triage.replay import copy_csv, replay_csv  # noqa: E402

EVALUATIONS_PER_SECOND_TARGET = 200_000
SECONDS_PER_MILLION_ROWS_TARGET = 10.0

# A CAD export speaks its own language: some natures arrive as labels, in any case.
LABEL_MAP = {
    "MENTALLY ILL PERSON": "MENTAL_HEALTH",
    "CHECK WELFARE": "WELFARE_CHECK",
    "TRESPASSING": "TRESPASS",
    "DRUNK PERSON": "INTOXICATED",
    "SUICIDAL SUBJECT": "SUICIDE_THREAT",
    "DISTURBANCE - VERBAL": "VERBAL_DISTURBANCE",
    "ASSAULT W/ WEAPON": "ASSAULT",
    "LARCENY": "THEFT",
    "MVC": "TRAFFIC_ACCIDENT",
    "STRUCTURE FIRE": "FIRE",
    "OD": "OVERDOSE",
}
BEHAVIORAL = [info.code for info in DEFAULT_CALL_TYPES if info.family == "behavioral"]
OTHERS = [info.code for info in DEFAULT_CALL_TYPES if info.family != "behavioral"]
YES_NO = (["no", "yes", "unknown", ""], [70, 8, 7, 15])
SELF_HARM = (["none", "thoughts", "plan", "attempt", "unknown", ""], [60, 8, 3, 1, 4, 24])
HEADER = ["id", "call_type", "received_at", *ANSWER_FIELDS, "zone", "address"]


def _answers(rng: random.Random, n: int, behavioral: Sequence[bool]) -> list[list[str]]:
    columns = []
    for name in ANSWER_FIELDS:
        values, weights = SELF_HARM if name == "self_harm" else YES_NO
        column = rng.choices(values, weights, k=n)
        if name in ("weapon", "violence"):
            # The live form requires these two for behavioral calls; history may lack them.
            column = [v or "no" if b else v for v, b in zip(column, behavioral, strict=True)]
        columns.append(column)
    return [list(row) for row in zip(*columns, strict=True)]


def generate(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    zone = ZoneInfo(DEFAULT_TIME_ZONE)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    labels = list(LABEL_MAP)
    behavioral = [rng.random() < 0.45 for _ in range(rows)]
    answers = _answers(rng, rows, behavioral)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            if rng.random() < 0.2:
                call_type = rng.choice(labels)
                call_type = call_type.lower() if rng.random() < 0.3 else call_type
            else:
                call_type = rng.choice(BEHAVIORAL if behavioral[i] else OTHERS)
            when = (start + timedelta(seconds=rng.randrange(365 * 86400))).astimezone(zone)
            style = rng.random()
            if style < 0.8:
                received_at = when.isoformat()
            elif style < 0.95:
                received_at = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            else:
                received_at = when.replace(tzinfo=None).isoformat(sep=" ")
            row = [f"C{i:08d}", call_type, received_at, *answers[i]]
            bad = rng.random()
            if bad < 0.0005:
                row[1] = "UFO SIGHTING"
            elif bad < 0.001:
                row[2] = "yesterday"
            elif bad < 0.0015:
                row[3] = "maybe"
            writer.writerow([*row, f"Z{rng.randrange(12)}", f"{rng.randrange(1, 9999)} Main St"])


def engine_inputs(path: Path, limit: int) -> list[tuple[str, dict[str, str], datetime]]:
    """The first ``limit`` good rows of the CSV as ``evaluate`` arguments."""
    call_types = {info.code for info in DEFAULT_CALL_TYPES}
    inputs = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            call_type = LABEL_MAP.get(row[1].upper(), row[1])
            if call_type not in call_types or row[2] == "yesterday" or "maybe" in row:
                continue
            answers = {
                name: value for name, value in zip(ANSWER_FIELDS, row[3:12], strict=True) if value
            }
            received_at = parse_received_at(row[2], DEFAULT_TIME_ZONE)
            inputs.append((call_type, answers, received_at))
            if len(inputs) == limit:
                break
    return inputs


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    outcome = action()
    return time.perf_counter() - started, outcome


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--evaluations", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=5)
    options = parser.parse_args(argv)

    compiled = default_ruleset()
    coverage = default_coverage()
    with tempfile.TemporaryDirectory(prefix="triage-bench-") as tmp:
        source = Path(tmp) / "calls.csv"
        print(f"generating {options.rows:,} rows (seed {options.seed}) ...", flush=True)
        generate(source, options.rows, options.seed)

        inputs = engine_inputs(source, min(options.evaluations, options.rows))
        # Cold: the memo tables start empty, as after a rule set is published.
        cold_seconds, _ = timed(
            lambda: [
                evaluate(compiled, coverage, call_type=c, answers=a, received_at=r)
                for c, a, r in inputs
            ]
        )
        warm_seconds, _ = timed(
            lambda: [
                evaluate(compiled, coverage, call_type=c, answers=a, received_at=r)
                for c, a, r in inputs
            ]
        )
        decide = compiled.decide
        decide_seconds, _ = timed(lambda: [decide(c, a) for c, a, _ in inputs])

        copy_seconds, copied = timed(lambda: copy_csv(source, Path(tmp) / "copy.csv"))
        replay_compiled = default_ruleset()  # fresh memo tables: nothing carried over
        replay_seconds, summary = timed(
            lambda: replay_csv(
                source,
                Path(tmp) / "replayed.csv",
                compiled=replay_compiled,
                coverage=coverage,
                label_map=LABEL_MAP,
                tz=DEFAULT_TIME_ZONE,
            )
        )
    assert copied == summary.rows == options.rows

    cold_rate = len(inputs) / cold_seconds
    warm_rate = len(inputs) / warm_seconds
    decide_rate = len(inputs) / decide_seconds
    replay_target = SECONDS_PER_MILLION_ROWS_TARGET * options.rows / 1_000_000
    checks = [
        ("evaluate(), cold memo", f"{cold_rate:,.0f}/s", EVALUATIONS_PER_SECOND_TARGET, cold_rate),
        ("evaluate(), warm memo", f"{warm_rate:,.0f}/s", EVALUATIONS_PER_SECOND_TARGET, warm_rate),
    ]
    lines = [
        ("measure", "value", "target", "result"),
        *(
            (name, value, f">= {target:,}/s", "pass" if rate >= target else "FAIL")
            for name, value, target, rate in checks
        ),
        ("decide() only, warm", f"{decide_rate:,.0f}/s", "", ""),
        (f"copy_csv baseline, {options.rows:,} rows", f"{copy_seconds:.2f} s", "", ""),
        (
            f"replay_csv, {options.rows:,} rows",
            f"{replay_seconds:.2f} s",
            f"< {replay_target:.1f} s",
            "pass" if replay_seconds < replay_target else "FAIL",
        ),
        ("replay / baseline", f"{replay_seconds / copy_seconds:.2f}x", "", ""),
        ("replay rows routed / errors", f"{summary.routed:,} / {summary.errors:,}", "", ""),
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    print(f"{len(inputs):,} engine inputs; Python {sys.version.split()[0]}")
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    failed = any(line[3] == "FAIL" for line in lines)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
