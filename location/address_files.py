"""Reading address files: OpenAddresses CSV and GeoJSON points, row by row, checked.

Both give the OpenAddresses properties (LON LAT NUMBER STREET UNIT CITY DISTRICT REGION
POSTCODE ID HASH, any case); a NENA NG911 address-point layer maps onto them by renaming its
properties. A row that cannot be read is an error naming its row and field; the caller
refuses the whole file when there is one.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from location.geometry import coordinate_error
from location.normalize import address_key, clean, number_int, street_normalise

FORMATS: Final = ("openaddresses", "geojson")
COLUMNS: Final = (
    "LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "DISTRICT", "REGION", "POSTCODE", "ID",
    "HASH",
)  # fmt: skip
LIMITS: Final = {"NUMBER": 20, "STREET": 120, "UNIT": 40, "CITY": 80, "REGION": 40,
                 "POSTCODE": 20, "ID": 120}  # fmt: skip


class FileRefused(Exception):
    """The file is not imported, and why: the first problems, by row and field."""


@dataclass(frozen=True, slots=True)
class PointRow:
    source_id: str
    number: str
    number_int: int | None
    street: str
    street_core: str
    key: str
    unit: str
    city: str
    region: str
    postcode: str
    lat: float
    lon: float


class _CountingReader(io.RawIOBase):
    """Bytes read so far, for the progress of a file read as text."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def row_check(values: dict[str, Any], row: int) -> tuple[PointRow | None, list[str]]:
    """One file row as an address point, or the problems with it ("row 3, LAT: ...")."""
    problems: list[str] = []
    lat, lon = _number(values.get("LAT", "")), _number(values.get("LON", ""))
    for name, number in (("LAT", lat), ("LON", lon)):
        if number is None:
            problems.append(f"row {row}, {name}: {values.get(name, '')!r} is not a number")
    if lat is not None and lon is not None:
        bad = coordinate_error(lat, lon)
        if bad:
            problems.append(f"row {row}, {bad[0].upper()}: {bad[1]}")
    text = {k: str(values.get(k) or "").strip() for k in LIMITS}
    for name, limit in LIMITS.items():
        if len(text[name]) > limit:
            problems.append(f"row {row}, {name}: longer than {limit} characters")
    if not text["NUMBER"]:
        problems.append(f"row {row}, NUMBER: missing")
    street = street_normalise(text["STREET"]) if text["STREET"] else None
    if street is None:
        problems.append(f"row {row}, STREET: missing")
    if problems or street is None or lat is None or lon is None:
        return None, problems
    house = clean(text["NUMBER"])
    source_id = text["ID"] or str(values.get("HASH") or "").strip()[:120]
    return PointRow(
        source_id=source_id,
        number=house,
        number_int=number_int(house),
        street=street.full[:120],
        street_core=street.core[:100],
        key=address_key(house, street.full)[:140],
        unit=text["UNIT"],
        city=text["CITY"],
        region=text["REGION"],
        postcode=text["POSTCODE"],
        lat=lat,
        lon=lon,
    ), []


def rows_read(
    path: str | Path, *, fmt: str, progress: Callable[[int, float], None] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {COLUMN: value}) for each record; FileRefused when the file is not text
    in UTF-8 or not of the format."""
    if fmt not in FORMATS:
        raise FileRefused(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    path = Path(path)
    size = max(path.stat().st_size, 1)
    with path.open("rb") as raw:
        counter = _CountingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(counter), encoding="utf-8-sig", newline="")
        try:
            if fmt == "openaddresses":
                yield from _csv_rows(text, counter, size, progress)
            else:
                yield from _geojson_rows(text, progress)
        except UnicodeDecodeError as error:
            raise FileRefused(
                f"{path.name}: not UTF-8 text (byte {error.object[error.start]:#04x} near "
                f"byte {counter.count}); save the file as UTF-8 and import it again"
            ) from None


def _csv_rows(
    text: IO[str],
    counter: _CountingReader,
    size: int,
    progress: Callable[[int, float], None] | None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(text)
    header = [h.strip().upper() for h in next(reader, [])]
    missing = [c for c in ("LON", "LAT", "NUMBER", "STREET") if c not in header]
    if missing:
        raise FileRefused(f"header: the columns {', '.join(missing)} are missing")
    index = {name: header.index(name) for name in COLUMNS if name in header}
    for row, record in enumerate(reader, start=1):
        if not record:
            continue
        yield row, {n: record[i] if i < len(record) else "" for n, i in index.items()}
        if progress is not None and row % 50_000 == 0:
            progress(row, counter.count / size)


def _geojson_rows(
    text: IO[str], progress: Callable[[int, float], None] | None
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        document = json.load(text, parse_constant=lambda name: math.nan)
    except json.JSONDecodeError as error:
        raise FileRefused(f"not JSON: {error}") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise FileRefused("features: a GeoJSON FeatureCollection is expected")
    for row, feature in enumerate(features, start=1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        properties = feature.get("properties") if isinstance(feature, dict) else None
        values = {str(k).upper(): v for k, v in (properties or {}).items()}
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            values["LAT"] = values["LON"] = "not a Point geometry"
        else:
            coordinates = geometry.get("coordinates") or [None, None]
            values["LON"], values["LAT"] = (list(coordinates) + [None, None])[:2]
        yield row, values
        if progress is not None and row % 50_000 == 0:
            progress(row, row / len(features))
