"""Benchmark of the address data at city scale: import and geocoder, each beside its baseline.

    python bench/geocode.py [--points N] [--queries Q] [--seed S] [--database-url URL]
    (or as part of bench/run.py, on its bench database)

Generates N seeded address points (default 1,000,000) in OpenAddresses CSV: streets of a
synthetic city (a direction, a name, a suffix, spelled out as files spell them: "NORTH ELM
STREET"), 50 points each. Measures in the same run:

- the import: ``addresses_import`` end to end (read, check, normalise, COPY into
  location_addresspoint with its indexes, rebuild the streets, commit); baseline: a raw
  ``psql \\copy`` of the same file into a plain table of its columns. Target: under 60 s.
- the geocoder: Q addresses of the file, each typed as a call-taker would (lower case, the
  suffix and direction in full or left out, a trailing city), through ``geocode``; p50 and
  p95 of one lookup. Baseline: the same addresses looked up by their exact normalised key
  (one indexed SELECT). Target: p95 under 30 ms.

Figures compare only within one run (the machine is shared); PostgreSQL only.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fifth_bench_geocode"
IMPORT_TARGET_S = 60.0
P95_TARGET_MS = 30.0
POINTS_PER_STREET = 50
SOURCE = "bench"

_NAMES = (
    "ELM OAK MAPLE PINE CEDAR BIRCH WILLOW ASH HICKORY POPLAR MAGNOLIA DOGWOOD HOLLY LAUREL "
    "CHESTNUT WALNUT SPRUCE CYPRESS JUNIPER SYCAMORE MANGUM ROXBORO GREGSON DUKE ALSTON "
    "PETTIGREW CHAPEL MARKET CHURCH MILL RIVER LAKE HILL VALLEY RIDGE MEADOW FOREST GARDEN "
    "SPRING SUMMER WINTER AUTUMN MORNING EVENING SUNSET SUNRISE HARBOR BRIDGE STATION "
    "JACKSON LINCOLN WASHINGTON JEFFERSON MADISON MONROE ADAMS FRANKLIN HAMILTON GRANT"
)
NAMES = tuple(_NAMES.split())
PARTS = (
    "WOOD",
    "BROOK",
    "FIELD",
    "STONE",
    "HAVEN",
    "DALE",
    "CREST",
    "VIEW",
    "SHIRE",
    "FORD",
    "GATE",
    "PORT",
    "TON",
    "VILLE",
)
SUFFIXES = {"STREET": "ST", "AVENUE": "AVE", "ROAD": "RD", "DRIVE": "DR", "LANE": "LN",
            "COURT": "CT", "BOULEVARD": "BLVD", "PLACE": "PL"}  # fmt: skip
DIRECTIONS = {"": "", "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W"}


def streets(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(direction, name, suffix) spelled out, unique."""
    cores = list(NAMES) + [f"{n}{p}" for n in NAMES for p in PARTS]
    combos = [(d, c, s) for c in cores for d in DIRECTIONS for s in SUFFIXES]
    if count > len(combos):
        sys.exit(f"at most {len(combos) * POINTS_PER_STREET:,} points")
    return rng.sample(combos, count)


def generate(path: Path, points: int, seed: int) -> list[tuple[str, str, str, int]]:
    """Write the file; return (direction, name, suffix, number) of every point, in order."""
    rng = random.Random(seed)
    chosen = streets(-(-points // POINTS_PER_STREET), rng)
    written: list[tuple[str, str, str, int]] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "DISTRICT", "REGION",
                         "POSTCODE", "ID", "HASH"])  # fmt: skip
        for index, (direction, name, suffix) in enumerate(chosen):
            lat0 = 35.80 + (index % 400) * 0.001
            lon0 = -79.10 + (index // 400) * 0.004
            east = index % 2 == 0
            for i in range(POINTS_PER_STREET):
                if len(written) >= points:
                    break
                number = 100 + 10 * i + (i % 2)
                lat = lat0 + (0 if east else i * 0.00006)
                lon = lon0 + (i * 0.00008 if east else 0)
                street = " ".join(p for p in (direction, name, suffix) if p)
                writer.writerow([f"{lon:.6f}", f"{lat:.6f}", number, street, "", "DURHAM", "",
                                 "NC", "27701", f"b{len(written)}", ""])  # fmt: skip
                written.append((direction, name, suffix, number))
    return written


def typed(direction: str, name: str, suffix: str, number: int, rng: random.Random) -> str:
    """An address as a call-taker types it: one of the variants the geocoder accepts."""
    short_dir, short_suffix = DIRECTIONS[direction], SUFFIXES[suffix]
    variant = rng.randrange(4)
    if variant == 0:
        parts = [str(number), short_dir, name, short_suffix]
    elif variant == 1:
        parts = [str(number), direction, name, suffix, ", Durham NC"]
    elif variant == 2:
        parts = [str(number), short_dir.lower(), name.lower(), short_suffix.lower() + "."]
    else:
        parts = [str(number), short_dir, name.title()]  # no suffix
    return " ".join(p for p in parts if p).replace(" ,", ",")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def raw_copy(url: str, path: Path) -> float:
    names = [
        "lon",
        "lat",
        "number",
        "street",
        "unit",
        "city",
        "district",
        "region",
        "postcode",
        "id",
        "hash",
    ]
    columns = ", ".join(f"{name} text" for name in names)
    subprocess.run(["psql", url, "-qc", "DROP TABLE IF EXISTS bench_geocode_baseline"], check=True)
    subprocess.run(
        ["psql", url, "-qc", f"CREATE TABLE bench_geocode_baseline ({columns})"], check=True
    )
    started = time.perf_counter()
    subprocess.run(
        ["psql", url, "-qc", f"\\copy bench_geocode_baseline FROM '{path}' CSV HEADER"],
        check=True,
    )
    seconds = time.perf_counter() - started
    subprocess.run(["psql", url, "-qc", "DROP TABLE bench_geocode_baseline"], check=True)
    return seconds


def measure(url: str, points: int, queries: int, seed: int) -> dict[str, Any]:
    """Import and query; return the figures (Django is set up on ``url``'s database)."""
    from location.models import AddressPoint
    from location.normalize import address_key, street_normalise
    from location.selectors import geocode
    from location.services import addresses_import

    rng = random.Random(seed + 1)
    with tempfile.TemporaryDirectory(prefix="bench-geocode-") as workdir:
        path = Path(workdir) / "addresses.csv"
        started = time.perf_counter()
        written = generate(path, points, seed)
        generated = time.perf_counter() - started
        copy_s = raw_copy(url, path)
        summary = addresses_import(path=path, source=SOURCE)
    sample = rng.sample(written, min(queries, len(written)))
    geocoder_ms: list[float] = []
    exact_ms: list[float] = []
    misses = 0
    for direction, name, suffix, number in sample:
        text = typed(direction, name, suffix, number, rng)
        street = street_normalise(" ".join(p for p in (direction, name, suffix) if p))
        assert street is not None
        key = address_key(str(number), street.full)
        t0 = time.perf_counter()
        found = geocode(q=text, limit=5)
        geocoder_ms.append((time.perf_counter() - t0) * 1000)
        # Typed without its suffix, "12 N ELM" is as much N ELM ST as N ELM AVE: found is
        # among the results; a miss is an address not among them.
        if not any(r.address == key for r in found):
            misses += 1
            if misses <= 5:
                print(f"  not found: {text!r} ({key}): {[r.address for r in found]}")
        t0 = time.perf_counter()
        list(AddressPoint.objects.filter(key=key)[:1])
        exact_ms.append((time.perf_counter() - t0) * 1000)
    return {
        "points": summary.read,
        "streets": summary.streets,
        "generated_s": generated,
        "import_s": summary.seconds,
        "copy_s": copy_s,
        "geocoder_p50": statistics.median(geocoder_ms),
        "geocoder_p95": percentile(geocoder_ms, 0.95),
        "exact_p50": statistics.median(exact_ms),
        "exact_p95": percentile(exact_ms, 0.95),
        "queries": len(sample),
        "misses": misses,
    }


def report(figures: dict[str, Any]) -> list[str]:
    f = figures
    return [
        f"address points: {f['points']:,} on {f['streets']:,} streets "
        f"(file written in {f['generated_s']:.1f} s)",
        f"import (addresses_import, COPY + indexes + streets): {f['import_s']:6.1f} s   "
        f"target {IMPORT_TARGET_S:g} s: {'meets' if f['import_s'] < IMPORT_TARGET_S else 'MISSES'}",
        f"  baseline: psql \\copy of the file into a plain table: {f['copy_s']:6.1f} s  "
        f"(import {f['import_s'] / f['copy_s']:.1f}x)",
        f"geocoder, {f['queries']:,} typed addresses: p50 {f['geocoder_p50']:.1f} ms, "
        f"p95 {f['geocoder_p95']:.1f} ms   target p95 < {P95_TARGET_MS:g} ms: "
        f"{'meets' if f['geocoder_p95'] < P95_TARGET_MS else 'MISSES'}; "
        f"not among the results: {f['misses']}",
        f"  baseline: the same addresses by exact normalised key: p50 {f['exact_p50']:.2f} ms, "
        f"p95 {f['exact_p95']:.2f} ms  (geocoder p95 {f['geocoder_p95'] / f['exact_p95']:.0f}x)",
    ]


def run(config: Any) -> None:
    """bench/run.py: on its bench database, with fewer points than the standalone run."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print("geocode: PostgreSQL only (skipped on this database)")
        return
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    points = int(os.environ.get("BENCH_GEOCODE_POINTS", "1000000"))
    print("\n".join(["", "Address data and geocoder", *report(measure(url, points, 1000, 2021))]))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args()
    name = urlsplit(args.database_url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    import psycopg

    admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = "bench-only-key-signs-nothing-that-outlives-one-local-run-00000"  # noqa: S105
    os.environ["DJANGO_SETTINGS_MODULE"] = "heart.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for line in report(measure(args.database_url, args.points, args.queries, args.seed)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
