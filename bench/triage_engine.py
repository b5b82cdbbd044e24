"""Benchmark of the triage engine and of the CSV replay, against a copy-only baseline.

    python bench/triage_engine.py [--rows N] [--inputs K] [--evaluations M] [--repeat R]

Generates N seeded random calls (default 1,000,000) into a temporary CSV, then measures:
(a) ``evaluate`` alone, cycling through pre-built distinct calls (target: 200,000
    evaluations/s or more),
(b) ``copy_csv``, reading and writing the same CSV without triage (the baseline),
(c) ``replay_csv`` (target: 1,000,000 rows in under 10 s, scaled to N).
Each is run --repeat times (copy and replay interleaved) and the best run counts, since
other work on a small machine only ever slows a run down. Needs no Django. Exits 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.coverage import Coverage  # noqa: E402
from triage.default_policy import (  # noqa: E402
    DEFAULT_CALL_TYPES,
    DEFAULT_TIME_ZONE,
    default_coverage,
    default_ruleset,
)
from triage.engine import CompiledRuleSet, evaluate, parse_received_at  # noqa: E402
from triage.replay import copy_csv, replay_csv  # noqa: E402
from triage.vocabulary import ANSWER_FIELDS  # noqa: E402

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


def evaluations(
    compiled: CompiledRuleSet,
    coverage: Coverage,
    inputs: list[tuple[str, dict[str, str], datetime]],
    count: int,
) -> float:
    """Seconds for ``count`` evaluations, cycling through ``inputs``."""
    rounds, rest = divmod(count, len(inputs))
    batches = [inputs] * rounds + [inputs[:rest]]
    started = time.perf_counter()
    for batch in batches:
        for call_type, answers, received_at in batch:
            evaluate(
                compiled, coverage, call_type=call_type, answers=answers, received_at=received_at
            )
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--inputs", type=int, default=20_000, help="distinct engine inputs")
    parser.add_argument("--evaluations", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best counts")
    parser.add_argument("--seed", type=int, default=5)
    options = parser.parse_args(argv)

    coverage = default_coverage()
    cold: list[float] = []
    warm: list[float] = []
    decided: list[float] = []
    copied: list[float] = []
    replayed: list[float] = []
    with tempfile.TemporaryDirectory(prefix="triage-bench-") as tmp:
        source = Path(tmp) / "calls.csv"
        print(f"generating {options.rows:,} rows (seed {options.seed}) ...", flush=True)
        generate(source, options.rows, options.seed)
        inputs = engine_inputs(source, min(options.inputs, options.rows))

        for _ in range(options.repeat):
            # Cold: fresh memo tables, as after a rule set is published.
            compiled = default_ruleset()
            cold.append(evaluations(compiled, coverage, inputs, options.evaluations))
            warm.append(evaluations(compiled, coverage, inputs, options.evaluations))
            started = time.perf_counter()
            for call_type, answers, _ in inputs:
                compiled.decide(call_type, answers)
            decided.append((time.perf_counter() - started) / len(inputs))

            # Interleaved so that both see the same machine load.
            started = time.perf_counter()
            copied_rows = copy_csv(source, Path(tmp) / "copy.csv")
            copied.append(time.perf_counter() - started)
            started = time.perf_counter()
            summary = replay_csv(
                source,
                Path(tmp) / "replayed.csv",
                compiled=default_ruleset(),  # fresh memo tables: nothing carried over
                coverage=coverage,
                label_map=LABEL_MAP,
                tz=DEFAULT_TIME_ZONE,
            )
            replayed.append(time.perf_counter() - started)
            assert copied_rows == summary.rows == options.rows

    cold_rate = options.evaluations / min(cold)
    warm_rate = options.evaluations / min(warm)
    decide_rate = 1 / min(decided)
    copy_seconds, replay_seconds = min(copied), min(replayed)
    replay_target = SECONDS_PER_MILLION_ROWS_TARGET * options.rows / 1_000_000
    target = EVALUATIONS_PER_SECOND_TARGET
    lines = [
        ("measure", "value", "target", "result"),
        (
            "evaluate(), cold memo",
            f"{cold_rate:,.0f}/s",
            f">= {target:,}/s",
            "pass" if cold_rate >= target else "FAIL",
        ),
        (
            "evaluate(), warm memo",
            f"{warm_rate:,.0f}/s",
            f">= {target:,}/s",
            "pass" if warm_rate >= target else "FAIL",
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
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"{options.evaluations:,} evaluations over {len(inputs):,} distinct calls; best of "
        f"{options.repeat}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs, "
        f"load average {load}"
    )
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    failed = any(line[3] == "FAIL" for line in lines)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
