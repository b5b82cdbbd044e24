"""A small town's address data: Mangum and Main cross at about (35.9960, -78.9000)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from location.services import addresses_import, zones_import

HEADER = "LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH\n"


def town_rows() -> list[str]:
    rows = []
    # North Mangum Street runs north from Main: numbers 100-398, 0.0005 deg (~55 m) per 20.
    for i, number in enumerate(range(100, 400, 20)):
        lat = 35.9960 + 0.0005 * (i + 1)
        rows.append(f"-78.9000,{lat:.6f},{number},NORTH MANGUM STREET,,DURHAM,,NC,27701,m{number},")
    # West Main Street runs west from Mangum.
    for i, number in enumerate(range(100, 300, 20)):
        lon = -78.9000 - 0.0006 * (i + 1)
        rows.append(f"{lon:.6f},35.9960,{number},W Main St,,DURHAM,,NC,27701,w{number},")
    # A Mangum Avenue across town, to tell suffixes apart.
    rows.append("-78.8500,36.0500,123,Mangum Avenue,,DURHAM,,NC,27704,a123,")
    return rows


def write_town(path: Path, rows: list[str] | None = None) -> Path:
    path.write_text(HEADER + "\n".join(town_rows() if rows is None else rows) + "\n")
    return path


# Two beats split at longitude -78.9003: Mangum in 111, most of Main in 112.
def beat(name: str, west: float, east: float) -> dict:
    ring = [[west, 35.9], [east, 35.9], [east, 36.1], [west, 36.1], [west, 35.9]]
    return {
        "type": "Feature",
        "properties": {"BEAT": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def write_beats(path: Path, features: list[dict] | None = None) -> Path:
    features = features or [beat("111", -78.9003, -78.8), beat("112", -79.0, -78.9003)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.fixture
def town(db, tmp_path: Path) -> None:
    addresses_import(path=write_town(tmp_path / "town.csv"), source="town")
    zones_import(path=write_beats(tmp_path / "beats.geojson"), name_property="BEAT")
