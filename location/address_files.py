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
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from location.geometry import coordinate_error
from location.normalize import clean, number_int, street_normalise

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
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


Values = tuple[Any, ...]  # one row, in COLUMNS order


def row_check(values: Values, row: int) -> tuple[PointRow | None, list[str]]:
    """One file row as an address point, or the problems with it ("row 3, LAT: ...").

    The common case (two coordinates in range, a number, a street) takes the fast path: a
    million rows go through here, and the detailed checks run only for a row that fails."""
    lon_s, lat_s, number_s, street_s, unit, city, _district, region, postcode, ident, hsh = values
    try:
        lat, lon = float(lat_s), float(lon_s)
    except (TypeError, ValueError):
        return None, _row_problems(values, row)
    # NaN fails every comparison, infinity the bounds: both take the detailed path.
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or isinstance(lat_s, bool):
        return None, _row_problems(values, row)
    number = number_s.strip()
    street = street_normalise(street_s) if street_s else None
    if (
        not number
        or street is None
        or len(number) > 20
        or len(street_s) > 120
        or len(unit) > 40
        or len(city) > 80
        or len(region) > 40
        or len(postcode) > 20
        or len(ident) > 120
    ):
        return None, _row_problems(values, row)
    if not number.isdigit():
        number = clean(number)
    return PointRow(
        source_id=ident.strip() or hsh.strip()[:120],
        number=number,
        number_int=int(number) if number.isdigit() else number_int(number),
        street=street.full[:120],
        street_core=street.core[:100],
        key=f"{number} {street.full}"[:140],
        unit=unit.strip(),
        city=city.strip(),
        region=region.strip(),
        postcode=postcode.strip(),
        lat=lat,
        lon=lon,
    ), []


def _row_problems(row_values: Values, row: int) -> list[str]:
    """Every problem of a row, by field."""
    values = dict(zip(COLUMNS, row_values, strict=True))
    problems: list[str] = []
    lat, lon = _number(values["LAT"]), _number(values["LON"])
    for name, number in (("LAT", lat), ("LON", lon)):
        if number is None:
            problems.append(f"row {row}, {name}: {values[name]!r} is not a number")
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
    if not text["STREET"] or street_normalise(text["STREET"]) is None:
        problems.append(f"row {row}, STREET: missing")
    return problems


def rows_read(
    path: str | Path, *, fmt: str, progress: Callable[[int, float], None] | None = None
) -> Iterator[tuple[int, Values]]:
    """(row number, values in COLUMNS order) for each record; FileRefused when the file is
    not text in UTF-8 or not of the format."""
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
) -> Iterator[tuple[int, Values]]:
    reader = csv.reader(text)
    header = [h.strip().upper() for h in next(reader, [])]
    missing = [c for c in ("LON", "LAT", "NUMBER", "STREET") if c not in header]
    if missing:
        raise FileRefused(f"header: the columns {', '.join(missing)} are missing")
    # Each row's values in COLUMNS order, by one C call; a short row is padded first.
    width = len(header)
    header.append("")  # the column a missing one reads: always ""
    pick = operator.itemgetter(*(header.index(c) if c in header[:-1] else width for c in COLUMNS))
    for row, record in enumerate(reader, start=1):
        if not record:
            continue
        if len(record) != width:
            record = (record + [""] * width)[:width]
        record.append("")
        yield row, pick(record)
        if progress is not None and row % 50_000 == 0:
            progress(row, counter.count / size)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _geojson_rows(
    text: IO[str], progress: Callable[[int, float], None] | None
) -> Iterator[tuple[int, Values]]:
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
        yield (
            row,
            tuple(values.get(c) if c in ("LON", "LAT") else _text(values.get(c)) for c in COLUMNS),
        )
        if progress is not None and row % 50_000 == 0:
            progress(row, row / len(features))
