"""Mapping files: how one city's CAD export reads as calls (TOML, see docs/import.md).

A mapping file names the CSV's columns for each piece of a call, the format and zone of its
times, and how its call-type labels map onto canonical call types. The profiles shipped in
``dispatch/import_profiles/`` are mapping files too. Everything is checked when the file is
loaded, so that a typo fails before a single row is read, with the offending key named.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any, Final

from triage.coverage import zone_for

__all__ = [
    "COLUMN_KEYS",
    "PROFILES_DIR",
    "ImportMapping",
    "MappingError",
    "mapping_load",
    "profile_load",
    "profile_names",
]

PROFILES_DIR: Final = Path(__file__).resolve().parent.parent / "import_profiles"

# [columns] keys: what each names. All may be absent but the received time and the label,
# and exactly one of id / id_from is needed.
COLUMN_KEYS: Final[dict[str, str]] = {
    "id": "the call's id in the source CAD (kept as external_id)",
    "id_from": "columns whose values are hashed into a stable id, when the file has none",
    "received": "the time the call was received; a list means the first non-blank one",
    "label": "the CAD's call-type label (nature), mapped onto a call type",
    "priority": "the CAD's own priority (kept as source_priority)",
    "address": "address or block; a list is joined with spaces, blank parts left out",
    "beat": "zone or beat",
    "lat": "latitude, decimal degrees",
    "lon": "longitude, decimal degrees",
    "disposition": "the CAD's own disposition code (kept as source_disposition)",
    "dispatched": "time the first unit was dispatched",
    "on_scene": "time the first unit arrived on scene",
    "cleared": "time the call was cleared (closed_at)",
}
# Keys that take a list of columns, and those that take exactly one.
_LIST_KEYS: Final = frozenset({"id_from", "received", "address"})
_TOP_KEYS: Final = frozenset(
    {"source", "description", "labels_from", "encoding", "delimiter", "time", "columns"}
    | {"blank", "labels"}
)
_TIME_KEYS: Final = frozenset({"zone", "format"})
# Fields whose values a [blank] entry may declare as "means blank" (e.g. San Diego beat -1).
_BLANKABLE: Final = frozenset(
    {"label", "priority", "address", "beat", "lat", "lon", "disposition"}
    | {"received", "dispatched", "on_scene", "cleared"}
)
ISO: Final = "iso"
SOURCE_MAX_LENGTH: Final = 40  # Call.source


class MappingError(ValueError):
    """A mapping file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class ImportMapping:
    """A loaded, checked mapping file."""

    name: str  # "profile durham" or "mapping file PATH", for messages and the audit log
    source: str
    zone: tzinfo
    zone_name: str
    time_format: str  # "iso" or a strptime format
    columns: dict[str, tuple[str, ...]]  # [columns] key -> column names (one unless a list)
    description: str = ""
    labels_from: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # inline label -> call type code
    blank: dict[str, frozenset[str]] = field(default_factory=dict)
    encoding: str = "utf-8-sig"
    delimiter: str = ","

    def column(self, key: str) -> str | None:
        names = self.columns.get(key)
        return names[0] if names else None


def profile_names() -> list[str]:
    return sorted(path.stem for path in PROFILES_DIR.glob("*.toml"))


def profile_load(name: str) -> ImportMapping:
    """The shipped profile ``name`` (``dispatch/import_profiles/NAME.toml``)."""
    path = PROFILES_DIR / f"{name}.toml"
    if name not in profile_names():
        known = ", ".join(profile_names()) or "none"
        raise MappingError(f"unknown profile {name!r} (known: {known})")
    return mapping_load(path, name=f"profile {name}")


def mapping_load(path: str | Path, *, name: str | None = None) -> ImportMapping:
    """Read and check a mapping file. Raises ``MappingError`` naming the file and the key.

    ``name`` is how messages and the audit log call it (default "mapping file PATH").
    """
    path = Path(path)
    label = name or f"mapping file {path}"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise MappingError(f"mapping file {path} does not exist") from None
    except OSError as error:
        raise MappingError(f"mapping file {path} cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"mapping file {path} is not valid TOML: {error}") from None
    try:
        return _mapping(data, label)
    except MappingError as error:
        raise MappingError(f"{label}: {error}") from None


def _mapping(data: dict[str, Any], label: str) -> ImportMapping:
    _no_unknown_keys(data, _TOP_KEYS, "")
    source = _text(data, "source", required=True)
    if len(source) > SOURCE_MAX_LENGTH:
        raise MappingError(f"source: {source!r} is longer than {SOURCE_MAX_LENGTH} characters")

    time = _table(data, "time", required=True)
    _no_unknown_keys(time, _TIME_KEYS, "time.")
    zone_name = _text(time, "zone", required=True, where="time.zone")
    try:
        zone = zone_for(zone_name)
    except ValueError:
        raise MappingError(
            f"time.zone: {zone_name!r} is not an IANA time zone (e.g. America/Los_Angeles)"
        ) from None
    time_format = _text(time, "format", where="time.format") or ISO
    if time_format != ISO and "%" not in time_format:
        raise MappingError(
            f'time.format: {time_format!r} is neither "iso" nor a strptime format '
            '(e.g. "%m/%d/%Y %I:%M:%S %p")'
        )

    columns = _columns(_table(data, "columns", required=True))
    blank = _blank(_table(data, "blank"), columns)
    labels = _labels(_table(data, "labels"))
    encoding = _text(data, "encoding") or "utf-8-sig"
    if encoding.replace("-", "").replace("_", "").lower() == "utf8":
        encoding = "utf-8-sig"  # a byte-order mark in front of the header is dropped
    try:
        "".encode(encoding)
    except LookupError:
        raise MappingError(f"encoding: {encoding!r} is not a known text encoding") from None
    delimiter = _text(data, "delimiter") or ","
    if len(delimiter) != 1:
        raise MappingError(f"delimiter: expected one character, got {delimiter!r}")
    return ImportMapping(
        name=label,
        source=source,
        description=_text(data, "description"),
        zone=zone,
        zone_name=zone_name,
        time_format=time_format,
        columns=columns,
        labels_from=_text(data, "labels_from"),
        labels=labels,
        blank=blank,
        encoding=encoding,
        delimiter=delimiter,
    )


def _no_unknown_keys(table: Mapping[str, Any], known: frozenset[str], prefix: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise MappingError(f"unknown key {prefix}{unknown[0]} (known: {', '.join(sorted(known))})")


def _text(table: Mapping[str, Any], key: str, *, required: bool = False, where: str = "") -> str:
    where = where or key
    value = table.get(key)
    if value is None:
        if required:
            raise MappingError(f"{where} is required")
        return ""
    if not isinstance(value, str):
        raise MappingError(f"{where}: expected text, got {value!r}")
    if required and not value.strip():
        raise MappingError(f"{where} is blank")
    return value


def _table(data: Mapping[str, Any], key: str, *, required: bool = False) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        if required:
            raise MappingError(f"[{key}] is required")
        return {}
    if not isinstance(value, dict):
        raise MappingError(f"{key}: expected a table ([{key}]), got {value!r}")
    return value


def _columns(table: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    _no_unknown_keys(table, frozenset(COLUMN_KEYS), "columns.")
    columns: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        where = f"columns.{key}"
        if isinstance(value, str):
            names: tuple[str, ...] = (value,)
        elif isinstance(value, list) and key in _LIST_KEYS:
            if not value or not all(isinstance(item, str) for item in value):
                raise MappingError(f"{where}: expected a non-empty list of column names")
            names = tuple(value)
        else:
            expected = "a column name or a list of them" if key in _LIST_KEYS else "a column name"
            raise MappingError(f"{where}: expected {expected}, got {value!r}")
        if not all(name.strip() for name in names):
            raise MappingError(f"{where}: a column name is blank")
        columns[key] = names
    for key in ("received", "label"):
        if key not in columns:
            raise MappingError(f"columns.{key} is required ({COLUMN_KEYS[key]})")
    if ("id" in columns) == ("id_from" in columns):
        raise MappingError(
            "columns: give exactly one of columns.id (the file's call id) or columns.id_from "
            "(columns hashed into a stable id when the file has none)"
        )
    if ("lat" in columns) != ("lon" in columns):
        missing = "lon" if "lat" in columns else "lat"
        raise MappingError(f"columns.{missing} is required with columns.lat/columns.lon")
    return columns


def _blank(
    table: dict[str, Any], columns: Mapping[str, tuple[str, ...]]
) -> dict[str, frozenset[str]]:
    _no_unknown_keys(table, _BLANKABLE, "blank.")
    blank: dict[str, frozenset[str]] = {}
    for key, value in table.items():
        where = f"blank.{key}"
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise MappingError(f'{where}: expected a list of values, e.g. ["-1"]')
        if key not in columns:
            raise MappingError(f"{where}: columns.{key} is not mapped")
        blank[key] = frozenset(item.strip() for item in value)
    return blank


def _labels(table: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for label, code in table.items():
        if not isinstance(code, str) or not code.strip():
            raise MappingError(f'labels."{label}": expected a call type code, got {code!r}')
        labels[label] = code.strip()
    return labels
