#!/usr/bin/env python3
"""Write the demo's address data and beats (location/data/), from what the repository holds.

No Durham address-point file is in the shared data, so both are derived, and say so:
- Beats: the convex hull of each beat's 2021 call points in dispatch/data/
  durham_2021_crisis_calls.csv (real Durham CAD points; the hulls approximate the 12 beats
  and may overlap a little at their edges).
- Address points: along the downtown Durham streets of the demo's calls (dispatch/demo.py,
  DEMO_WAITING), each anchored at its demo address and point, numbered every 4 on a straight
  line in the direction its numbers run, 100 numbers to about 120 m. Synthetic addresses
  on real street names; the points are approximate.

Run: python scripts/make_location_demo.py (deterministic; no arguments).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CALLS = ROOT / "dispatch" / "data" / "durham_2021_crisis_calls.csv"
OUT = ROOT / "location" / "data"

# Per 100 house numbers: about 120 m, in degrees at Durham's latitude.
LAT_PER_100 = 0.00108
LON_PER_100 = 0.00134

# (street as an address file spells it, anchor number, anchor lat, anchor lon,
#  direction the numbers grow (dlat, dlon per 100 as multiples of the steps), first, last)
STREETS = [
    ("NORTH MANGUM STREET", 200, 35.9968, -78.9009, (1.0, 0.0), 100, 1300),
    ("SOUTH MANGUM STREET", 100, 35.9945, -78.9006, (-1.0, 0.05), 100, 700),
    ("EAST MAIN STREET", 101, 35.9951, -78.8994, (-0.15, 1.0), 100, 1500),
    ("WEST MAIN STREET", 101, 35.9957, -78.9016, (0.35, -1.0), 100, 1100),
    ("WEST CHAPEL HILL STREET", 500, 35.9927, -78.9078, (-0.55, -0.85), 100, 1300),
    ("WEST PETTIGREW STREET", 515, 35.9958, -78.9051, (0.05, -1.0), 100, 1000),
    ("FAYETTEVILLE STREET", 800, 35.9850, -78.8968, (-1.0, 0.0), 100, 2000),
    ("WEST CLUB BOULEVARD", 1100, 36.0165, -78.9140, (0.0, -1.0), 100, 2300),
    ("EAST CLUB BOULEVARD", 100, 36.0163, -78.8990, (0.0, 1.0), 100, 1200),
]


def addresses() -> list[list[str]]:
    rows = []
    for street, anchor, lat0, lon0, (dlat, dlon), first, last in STREETS:
        for number in range(first, last + 1, 4):
            steps = (number - anchor) / 100
            lat = lat0 + steps * dlat * LAT_PER_100
            lon = lon0 + steps * dlon * LON_PER_100
            key = f"{number} {street}".replace(" ", "-").lower()
            rows.append([f"{lon:.6f}", f"{lat:.6f}", str(number), street, "", "DURHAM", "",
                         "NC", "", key, ""])  # fmt: skip
    return rows


def hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain; (lon, lat) points, counter-clockwise, closed."""
    points = sorted(set(points))

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in points:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(points):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    ring = lower[:-1] + upper[:-1]
    return [*ring, ring[0]]


def beats() -> dict:
    by_beat: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with CALLS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_beat[row["beat"]].append((round(float(row["lon"]), 6), round(float(row["lat"]), 6)))
    features = [
        {
            "type": "Feature",
            "properties": {"BEAT": beat, "calls_2021": len(points)},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in hull(points)]]},
        }
        for beat, points in sorted(by_beat.items())
    ]
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "durham_demo_addresses.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "DISTRICT", "REGION",
                         "POSTCODE", "ID", "HASH"])  # fmt: skip
        writer.writerows(addresses())
    (OUT / "durham_beats.geojson").write_text(json.dumps(beats(), indent=None) + "\n")


if __name__ == "__main__":
    main()
