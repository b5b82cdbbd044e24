"""Writes of the address data: address points, the streets made from them, zones.

location sits on the bottom floor, so these write no audit entry (access is above it); the
management commands that call them are run by an administrator at a shell.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from django.db import connection, transaction

from location.address_files import FileRefused, PointRow, row_check, rows_read
from location.geo import distance_m
from location.geometry import bbox, geometry_error
from location.models import AddressPoint, Street, Zone

__all__ = [
    "AddressImportSummary",
    "FileRefused",
    "addresses_import",
    "streets_rebuild",
    "zones_import",
]

# Problems listed when a file is refused: enough to fix a column, not a wall of text.
MAX_PROBLEMS: Final = 20
BATCH: Final = 5000
# A street's line breaks where two consecutive blocks are further apart than this: one name,
# two stretches of road (or a name reused across town).
PATH_GAP_M: Final = 600.0
_COLUMNS: Final = (
    "source", "source_id", "number", "number_int", "street", "street_core", "key", "unit",
    "city", "region", "postcode", "lat", "lon",
)  # fmt: skip


@dataclass(frozen=True)
class AddressImportSummary:
    source: str
    read: int
    replaced: int  # points of this source there before, now gone
    streets: int
    seconds: float


def addresses_import(
    *,
    path: str | Path,
    fmt: str = "openaddresses",
    source: str = "",
    progress: Callable[[int, float], None] | None = None,
) -> AddressImportSummary:
    """Load an address file as the points of ``source`` (default: the file's name).

    Promises: all or nothing. A row that cannot be read (a coordinate that is not a number,
    NaN, infinite or out of range, a missing number or street) refuses the whole file with
    ``FileRefused`` naming row and field, as does a file that is not UTF-8; nothing stored
    changes then. Otherwise the source's points are replaced by the file's, so importing the
    same file twice leaves the same points, and the streets are rebuilt."""
    started = time.perf_counter()
    source = (source or Path(path).stem)[:60]
    problems: list[str] = []
    read = 0
    with transaction.atomic():
        replaced, _ = AddressPoint.objects.filter(source=source).delete()
        postgres = connection.vendor == "postgresql"
        # A first load into an empty table builds its indexes once, after the COPY, instead
        # of entering a million rows into them one by one (the rollback of a refused file
        # puts them back, DDL being transactional on PostgreSQL).
        rebuild_indexes = postgres and not AddressPoint.objects.exists()
        if rebuild_indexes:
            with connection.schema_editor() as editor:
                for index in AddressPoint._meta.indexes:
                    editor.remove_index(AddressPoint, index)
        writer = _CopyWriter(source) if postgres else _BulkWriter(source)
        try:
            for row, values in rows_read(path, fmt=fmt, progress=progress):
                point, bad = row_check(values, row)
                read += 1
                if bad:
                    problems += bad
                    if len(problems) >= MAX_PROBLEMS:
                        break
                elif point is not None and not problems:
                    writer.add(point)
            if problems:
                raise FileRefused(_refusal(problems))
            if read == 0:
                raise FileRefused("the file holds no address rows")
        except BaseException:
            # The COPY is ended (CopyFail) before the atomic block rolls back the delete and
            # every row written: a connection in the middle of a COPY cannot roll back.
            writer.abort()
            raise
        writer.close()
        if rebuild_indexes:
            with connection.schema_editor() as editor:
                for index in AddressPoint._meta.indexes:
                    editor.add_index(AddressPoint, index)
        if postgres:
            # Fresh statistics for the planner: the geocoder's first queries after a million
            # new rows would otherwise be planned for an empty table.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {AddressPoint._meta.db_table}")
        streets = streets_rebuild()
    return AddressImportSummary(
        source=source,
        read=read,
        replaced=replaced,
        streets=streets,
        seconds=time.perf_counter() - started,
    )


def _refusal(problems: list[str]) -> str:
    more = " (and maybe more)" if len(problems) >= MAX_PROBLEMS else ""
    return "nothing imported: " + "; ".join(problems[:MAX_PROBLEMS]) + more


class _BulkWriter:
    def __init__(self, source: str) -> None:
        self.source = source
        self.batch: list[AddressPoint] = []

    def add(self, row: PointRow) -> None:
        self.batch.append(
            AddressPoint(
                source=self.source,
                **{c: getattr(row, c) for c in _COLUMNS if c != "source"},
            )
        )
        if len(self.batch) >= BATCH:
            self.close()

    def close(self) -> None:
        AddressPoint.objects.bulk_create(self.batch)
        self.batch = []

    def abort(self) -> None:
        self.batch = []


class _CopyWriter:
    """PostgreSQL's COPY: a million rows without a million INSERTs' statement costs."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.cursor = connection.cursor()
        columns = ", ".join(_COLUMNS)
        table = AddressPoint._meta.db_table
        self.copy_cm = self.cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
        self.copy = self.copy_cm.__enter__()

    def add(self, row: PointRow) -> None:
        self.copy.write_row((self.source, *(getattr(row, c) for c in _COLUMNS if c != "source")))

    def close(self) -> None:
        self.copy_cm.__exit__(None, None, None)
        self.cursor.close()

    def abort(self) -> None:
        error = FileRefused("import refused")
        # psycopg ends the COPY with CopyFail and raises the server's error: expected here.
        with contextlib.suppress(Exception):
            self.copy_cm.__exit__(FileRefused, error, None)
        self.cursor.close()


def streets_rebuild() -> int:
    """Every street again from the address points: its centre and its line, block by block
    (house numbers by the hundred, the way a city numbers its blocks). Returns the count."""
    blocks: dict[str, list[tuple[int, float, float, int]]] = defaultdict(list)
    cores: dict[str, str] = {}
    with connection.cursor() as cursor:
        table = AddressPoint._meta.db_table
        # Grouped in the database: a million points become a few tens of thousands of blocks.
        cursor.execute(
            f"SELECT street, MIN(street_core), COALESCE(number_int, 0) / 100, "  # noqa: S608
            f"AVG(lat), AVG(lon), COUNT(*) FROM {table} GROUP BY street, 3"
        )
        for street, core, block, lat, lon, count in cursor.fetchall():
            blocks[street].append((int(block), float(lat), float(lon), int(count)))
            cores[street] = core
    Street.objects.all().delete()
    streets = []
    for name, rows in blocks.items():
        rows.sort()
        total = sum(r[3] for r in rows)
        runs: list[list[list[float]]] = []
        last: tuple[float, float] | None = None
        for _block, lat, lon, _count in rows:
            if last is None or distance_m(last[0], last[1], lat, lon) > PATH_GAP_M:
                runs.append([])
            runs[-1].append([round(lat, 6), round(lon, 6)])
            last = (lat, lon)
        streets.append(
            Street(
                name=name,
                core=cores[name],
                points=total,
                lat=sum(r[1] * r[3] for r in rows) / total,
                lon=sum(r[2] * r[3] for r in rows) / total,
                path=runs,
            )
        )
    Street.objects.bulk_create(streets, batch_size=2000)
    return len(streets)


@dataclass(frozen=True)
class ZoneImportSummary:
    created: int
    updated: int


def zones_import(*, path: str | Path, name_property: str) -> ZoneImportSummary:
    """Load zone or beat polygons from a GeoJSON FeatureCollection, named by a property.

    Promises: all or nothing; a feature without the property, a geometry that is not a
    Polygon/MultiPolygon, a ring that is not closed or a coordinate that is not a point on
    Earth refuses the file naming the feature and the problem. A zone of the same name is
    replaced, so importing again changes nothing."""
    path = Path(path)
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FileRefused(
            f"{path.name}: not UTF-8 text (byte {error.object[error.start]:#04x} at byte "
            f"{error.start}); save the file as UTF-8 and import it again"
        ) from None
    except json.JSONDecodeError as error:
        raise FileRefused(f"{path.name}: not JSON: {error}") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise FileRefused("features: a GeoJSON FeatureCollection with features is expected")
    problems: list[str] = []
    zones: dict[str, Any] = {}
    for row, feature in enumerate(features, start=1):
        properties = (feature.get("properties") if isinstance(feature, dict) else None) or {}
        name = str(properties.get(name_property) or "").strip()
        if not name:
            problems.append(f"feature {row}, {name_property}: missing")
        elif len(name) > 40:
            problems.append(f"feature {row}, {name_property}: longer than 40 characters")
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        problem = geometry_error(geometry)
        if problem:
            problems.append(f"feature {row}, geometry: {problem}")
        if name and not problem:
            zones[name] = geometry
    if problems:
        raise FileRefused(_refusal(problems))
    created = updated = 0
    with transaction.atomic():
        for name, geometry in zones.items():
            min_lat, max_lat, min_lon, max_lon = bbox(geometry)
            _zone, was_created = Zone.objects.update_or_create(
                name=name,
                defaults={
                    "source": path.name[:200],
                    "geometry": geometry,
                    "min_lat": min_lat,
                    "max_lat": max_lat,
                    "min_lon": min_lon,
                    "max_lon": max_lon,
                },
            )
            created += was_created
            updated += not was_created
    return ZoneImportSummary(created=created, updated=updated)
