"""Run the benchmarks: ``make bench`` or ``.venv/bin/python bench/run.py [options]``.

Every module in BENCHMARKS has ``run(config: BenchConfig) -> None`` and adds its rows to the
shared table, where each row is printed with its ratio to a baseline measured in this run.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ itself first on the path; the modules import as bench.*.
if sys.path and Path(sys.path[0]).resolve() == REPO_ROOT / "bench":
    sys.path[0] = str(REPO_ROOT)
elif str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import harness  # noqa: E402

# In running order; "baselines" first, since every other row's ratio is against its rows.
BENCHMARKS = ["baselines", "dispatch", "dashboard", "eido", "geocode"]


def _client_counts(raw: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a comma-separated list") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("client counts must be 1 or more")
    return counts


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run the benchmarks; each row is printed with its ratio to a baseline row."
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="measured seconds per row, after the warm-up (default: 10)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="unmeasured seconds before each row (default: 1)",
    )
    parser.add_argument(
        "--clients",
        type=_client_counts,
        default=(1, 16),
        metavar="N,N",
        help="concurrent clients, comma-separated (default: 1,16)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        metavar="NAME",
        help=f"run only this module (repeatable; the baselines run too): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=harness.default_workers(),
        help=f"gunicorn sync workers (default: 2 x cores + 1 = {harness.default_workers()})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    selected = [name for name in BENCHMARKS if not args.only or name in args.only]
    if "baselines" not in selected:
        selected.insert(0, "baselines")
    started = time.monotonic()
    harness.setup_django()
    database = harness.prepare_database()
    for line in harness.machine_summary(args.workers):
        print(line)
    print(
        f"{args.duration:g} s per row after {args.warmup:g} s of warm-up; "
        f"benchmarks: {', '.join(selected)}; database {database} migrated\n"
    )
    config = harness.BenchConfig(
        duration=args.duration,
        clients=args.clients,
        workers=args.workers,
        warmup=args.warmup,
        table=harness.Table(),
    )
    for name in selected:
        importlib.import_module(f"bench.{name}").run(config)
    errors = sum(result.errors for result in config.table.results)
    print(
        f"\nDone in {time.monotonic() - started:.0f} s. Ratios compare rows of this run only; "
        "figures from another run or machine are not comparable."
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
