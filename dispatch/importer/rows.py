"""Reading a CAD export row by row into staged calls, triaged, with the unreadable rows set aside.

The output of this module is one line per call in PostgreSQL's COPY text format (tab-separated,
``\\N`` for NULL, backslash escapes), in the column order of ``STAGING_COLUMNS``. The fast path
streams those lines into a staging table; the portable path decodes the very same lines into
model instances, so both paths store identical calls by construction.

Speed matters (a million rows in seconds): times are parsed once per distinct hour, labels
once per distinct label, triage decided once per (call type, minute of the week), and each
row is a handful of dict lookups and one string build. Everything else happens only for the
rare row that needs it (escaping, rejects).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, Final

from dispatch.importer.mapping import ISO, ImportMapping, MappingError
from triage.coverage import MINUTES_PER_WEEK, Coverage
from triage.engine import CompiledRuleSet, TriageInputError, evaluate, parse_received_at

__all__ = [
    "NULL",
    "STAGING_COLUMNS",
    "RejectsWriter",
    "RowPreparer",
    "TimeReader",
    "copy_text_decode",
    "copy_text_encode",
]

NULL: Final = "\\N"
# (name, PostgreSQL type) of the staged columns, in the order of each line.
STAGING_COLUMNS: Final = (
    ("line", "integer"),
    ("external_id", "text"),
    ("received_at", "timestamptz"),
    ("closed_at", "timestamptz"),
    ("first_dispatched_at", "timestamptz"),
    ("first_on_scene_at", "timestamptz"),
    ("call_type_id", "text"),
    ("external_label", "text"),
    ("address", "text"),
    ("zone", "text"),
    ("lat", "double precision"),
    ("lon", "double precision"),
    ("source_priority", "text"),
    ("source_disposition", "text"),
    ("eligible_route", "text"),
    ("route", "text"),
    ("priority", "text"),
    ("rule", "text"),
    ("ruleset_version", "integer"),
    ("unserved_reason", "text"),
    ("explanation", "text"),
)
# The limits of the Call columns the file's text goes into: a longer value is a reject, not
# a truncation and not a failed COPY.
MAX_LENGTHS: Final = {
    "id": 64,
    "label": 120,
    "address": 200,
    "beat": 40,
    "priority": 16,
    "disposition": 64,
}
EXPLANATION_MAX_LENGTH: Final = 300
PROGRESS_EVERY: Final = 16384  # a power of two
MEMO_LIMIT: Final = 100_000

_SIXTY: Final = {f"{n:02d}": f"{n:02d}" for n in range(60)}
_MINUTES: Final = {f"{n:02d}": n for n in range(60)}
_HOUR_LESS_A_SECOND: Final = timedelta(minutes=59, seconds=59)
_SPECIAL = re.compile(r"[\\\t\n\r\x00]")
_ESCAPES: Final = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES: Final = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


def copy_text_encode(value: str) -> str:
    """A text value as a field of COPY's text format; ValueError for a NUL character, which
    PostgreSQL cannot store in text."""
    if _SPECIAL.search(value) is None:
        return value
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return _SPECIAL.sub(lambda match: _ESCAPES[match.group()], value)


def _encoded(key: str, value: str) -> str:
    try:
        return copy_text_encode(value)
    except ValueError as error:
        raise RowProblem(key, str(error)) from None


def copy_text_decode(field: str) -> str | None:
    """The inverse of ``copy_text_encode``; ``\\N`` is NULL."""
    if field == NULL:
        return None
    if "\\" not in field:
        return field
    return _UNESCAPE.sub(lambda match: _UNESCAPES.get(match.group(1), match.group(1)), field)


class RowProblem(ValueError):
    """One field of a row cannot be read; ``field`` names the mapping key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# ----------------------------------------------------------------------------- times


class TimeReader:
    """Time text as the file writes it -> (UTC text in COPY form, department minute of the
    week), memoised per hour.

    A year of calls has under 9,000 distinct hours, and offsets change at most once an hour,
    on the hour, so texts that differ only in their "MM:SS" digits share one parse: the UTC
    hour and the department's minute of the week at HH:00, to which the minutes and seconds
    are added. An hour is memoised only when the offsets of the file's zone and of the
    department's zone are the same at HH:00:00 and HH:59:59 and the UTC offset is whole hours
    (so that the UTC text is the UTC hour followed by the same "MM:SS"); other hours, and texts
    of another shape, are parsed in full. ``tail`` is the number of characters after the
    seconds digits (the format's fixed-width tail after ``%S``, e.g. " PM"), None when that
    is not fixed (``%z``, ``%f``): such a format is parsed in full every time.
    """

    def __init__(self, time_format: str, zone: tzinfo, coverage: Coverage) -> None:
        self.format = time_format
        self.zone = zone
        self.coverage = coverage
        self.hours: dict[str, tuple[str, int] | None] = {}
        self.tail = _seconds_tail(time_format)
        # ISO texts are memoised only in their plain shape "2021-01-01 00:41:53": with an
        # offset or a fraction the last digits are not the seconds.
        self.length = 19 if time_format == ISO else None

    def parse(self, text: str) -> datetime:
        """An aware UTC datetime; raises ``RowProblem`` (field "time")."""
        stripped = text.strip()
        if not stripped:
            raise RowProblem("time", "is blank")
        if self.format == ISO:
            try:
                parsed = parse_received_at(stripped, self.zone)
            except TriageInputError as error:
                raise RowProblem("time", error.message) from None
            return parsed.astimezone(UTC)
        try:
            parsed = datetime.strptime(stripped, self.format)  # noqa: DTZ007 (zone below)
        except ValueError:
            message = f"{text!r} does not match the format {self.format!r}"
            raise RowProblem("time", message) from None
        if parsed.tzinfo is None:
            # Like parse_received_at: a wall time in a daylight-saving gap or overlap is read
            # with the offset in force before the change.
            parsed = parsed.replace(tzinfo=self.zone, fold=0)
        return parsed.astimezone(UTC)

    def read(self, text: str) -> tuple[str, int]:
        """(UTC text, department minute of the week) of a time text."""
        tail = self.tail
        if tail is not None and (
            len(text) == self.length if self.length is not None else len(text) > tail + 6
        ):
            end = len(text) - tail
            minutes = _MINUTES.get(text[end - 5 : end - 3])
            seconds = _SIXTY.get(text[end - 2 : end])
            if (
                minutes is not None
                and seconds is not None
                and text[end - 3] == ":"
                and text[end - 6] == ":"
            ):
                key = text[: end - 5] + text[end:]
                if key not in self.hours:
                    self.hours[key] = self._hour(text, end)
                entry = self.hours[key]
                if entry is not None:
                    prefix, minute = entry
                    return (
                        f"{prefix}{text[end - 5 : end]}+00:00",
                        (minute + minutes) % MINUTES_PER_WEEK,
                    )
        moment = self.parse(text)
        return moment.isoformat(sep=" "), self.coverage.minute_of_week(moment)

    def _hour(self, text: str, end: int) -> tuple[str, int] | None:
        # Parse the text itself first, so that a bad one is reported as written.
        self.parse(text)
        head, rest = text[: end - 5], text[end:]
        first = self.parse(f"{head}00:00{rest}")
        last = self.parse(f"{head}59:59{rest}")
        if last - first != _HOUR_LESS_A_SECOND or first.minute or first.second:
            return None  # the file's zone changes offset in this hour, or is not whole hours
        department = self.coverage.zone
        if first.astimezone(department).utcoffset() != last.astimezone(department).utcoffset():
            return None
        return first.isoformat(sep=" ")[:14], self.coverage.minute_of_week(first)


def _seconds_tail(time_format: str) -> int | None:
    """Characters after the seconds digits in every text of ``time_format``, or None when
    that is not a fixed number."""
    if time_format == ISO:
        return 0
    if time_format.count("%S") != 1 or "%M:%S" not in time_format:
        return None
    after = time_format.split("%S", 1)[1]
    width = 0
    index = 0
    while index < len(after):
        char = after[index]
        if char != "%":
            width += 1
            index += 1
            continue
        directive = after[index + 1 : index + 2]
        if directive == "%":
            width += 1
        elif directive == "p":
            width += 2  # AM / PM
        else:
            return None
        index += 2
    return width


# ----------------------------------------------------------------------------- rejects


class RejectsWriter:
    """The rejects file: ``line``, ``reason``, then the row as read. Opened on the first
    reject, so that a clean import leaves no empty file behind."""

    def __init__(self, path: Path, header: list[str], delimiter: str) -> None:
        self.path = path
        self.header = header
        self.delimiter = delimiter
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def write(self, line: int, reason: str, row: list[str]) -> None:
        if self._writer is None:
            self._handle = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._handle, delimiter=self.delimiter)
            self._writer.writerow(["line", "reason", *self.header])
        self._writer.writerow([line, reason, *row])
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


# ----------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class _Columns:
    """Positions in the row of each mapped column."""

    id: int | None
    id_from: tuple[int, ...]
    received: tuple[int, ...]
    label: int
    priority: int | None
    address: tuple[int, ...]
    beat: int | None
    lat: int | None
    lon: int | None
    disposition: int | None
    dispatched: int | None
    on_scene: int | None
    cleared: int | None


def _positions(mapping: ImportMapping, header: list[str]) -> _Columns:
    where: dict[str, int] = {}
    for index, name in enumerate(header):
        where.setdefault(name.strip().lstrip("\ufeff").strip().casefold(), index)

    def find(key: str) -> tuple[int, ...]:
        found = []
        for name in mapping.columns.get(key, ()):
            index = where.get(name.strip().casefold())
            if index is None:
                raise MappingError(
                    f"columns.{key}: column {name!r} is not in the file's header "
                    f"({', '.join(header) or 'empty'})"
                )
            found.append(index)
        return tuple(found)

    def one(key: str) -> int | None:
        found = find(key)
        return found[0] if found else None

    return _Columns(
        id=one("id"),
        id_from=find("id_from"),
        received=find("received"),
        label=find("label")[0],
        priority=one("priority"),
        address=find("address"),
        beat=one("beat"),
        lat=one("lat"),
        lon=one("lon"),
        disposition=one("disposition"),
        dispatched=one("dispatched"),
        on_scene=one("on_scene"),
        cleared=one("cleared"),
    )


class LabelResolver:
    """CAD label -> canonical call type: the mapping's labels (trimmed, case-insensitive),
    then the canonical codes themselves. Unknown labels are errors, never guesses."""

    def __init__(self, labels: Mapping[str, str], codes: Iterable[str], *, where: str) -> None:
        self._labels = {label.strip().casefold(): code for label, code in labels.items()}
        self._codes = {code.casefold(): code for code in codes}
        self._where = where

    def __call__(self, raw: str) -> str:
        key = raw.strip().casefold()
        if not key:
            raise RowProblem("label", "is blank")
        code = self._labels.get(key) or self._codes.get(key)
        if code is None:
            raise RowProblem(
                "label", f"unknown call-type label {raw.strip()!r} (not in {self._where})"
            )
        return code


class _TextColumn:
    """A text column of the file: raw value -> value to store, in COPY text form.

    Memoised per raw value (CAD files repeat their beats, priorities and codes endlessly),
    up to ``MEMO_LIMIT`` values; ``clean`` raises ``RowProblem`` for a value too long to store.
    """

    __slots__ = ("blank", "key", "limit", "memo")

    def __init__(self, key: str, blank: frozenset[str], limit: int) -> None:
        self.key = key
        self.blank = blank
        self.limit = limit
        self.memo: dict[Any, str] = {}

    def clean(self, raw: str | tuple[str, ...]) -> str:
        if isinstance(raw, tuple):  # several columns, joined: an address
            parts = (part.strip() for part in raw)
            value = " ".join(part for part in parts if part and part not in self.blank)
        else:
            value = raw.strip()
            if value in self.blank:
                value = ""
        if len(value) > self.limit:
            raise RowProblem(self.key, f"is longer than {self.limit} characters")
        encoded = _encoded(self.key, value)
        if len(self.memo) < MEMO_LIMIT:
            self.memo[raw] = encoded
        return encoded


class RowPreparer:
    """Turns the rows of one file into staged lines (see the module docstring).

    ``lines()`` yields one COPY text line per readable row and writes the others to
    ``rejects``; ``read`` and ``rejected`` count them.
    """

    def __init__(
        self,
        *,
        mapping: ImportMapping,
        header: list[str],
        compiled: CompiledRuleSet,
        coverage: Coverage,
        labels: LabelResolver,
        rejects: RejectsWriter,
    ) -> None:
        self.mapping = mapping
        self.width = len(header)
        self.columns = _positions(mapping, header)
        self.compiled = compiled
        self.coverage = coverage
        self.labels = labels
        self.times = TimeReader(mapping.time_format, mapping.zone, coverage)
        self.rejects = rejects
        self.read = 0
        # (call type, department minute of the week) -> the staged triage columns.
        self.triage: dict[tuple[str, int], str] = {}
        # Raw label -> (call type, the label to store).
        self.label_memo: dict[str, tuple[str, str]] = {}
        blank = mapping.blank
        self.text = {
            key: _TextColumn(key, blank.get(key, frozenset()), MAX_LENGTHS[key])
            for key in ("address", "beat", "priority", "disposition")
        }

    @property
    def rejected(self) -> int:
        return self.rejects.count

    def lines(self, reader: Any, progress: Callable[[int], None] | None = None) -> Iterator[str]:
        """Staged lines of the rows of ``reader``, a ``csv.reader`` (its ``line_num`` gives
        the physical line numbers of the rejects)."""
        c = self.columns
        width = self.width
        blank = self.mapping.blank
        null = NULL
        times = self.times
        read_time = times.read
        hours = times.hours
        # The received time is memoised inline (see TimeReader.read): this loop is the import.
        tail = times.tail
        exact_length = times.length
        sixty = _SIXTY
        minutes_of = _MINUTES
        week = MINUTES_PER_WEEK
        triage = self.triage
        triage_of = self._triage
        label_memo = self.label_memo
        label_of = self._label
        reject = self.rejects.write
        special = _SPECIAL.search
        blake2b = hashlib.blake2b

        at_id = c.id
        id_parts = _values_of(c.id_from) if c.id_from else None
        max_id = MAX_LENGTHS["id"]
        single_received = c.received[0] if len(c.received) == 1 else None
        blank_received = blank.get("received", frozenset())
        at_label = c.label
        blank_label = blank.get("label", frozenset())
        # Text columns: position(s), memo and cleaner.
        address_memo, address_clean = self.text["address"].memo, self.text["address"].clean
        address_at = (
            None
            if not c.address
            else c.address[0]
            if len(c.address) == 1
            else itemgetter(*c.address)
        )
        at_beat, beat_memo, beat_clean = c.beat, self.text["beat"].memo, self.text["beat"].clean
        at_priority = c.priority
        priority_memo = self.text["priority"].memo
        priority_clean = self.text["priority"].clean
        at_disposition = c.disposition
        disposition_memo = self.text["disposition"].memo
        disposition_clean = self.text["disposition"].clean
        at_lat, at_lon = c.lat, c.lon
        blank_latlon = blank.get("lat", frozenset()) | blank.get("lon", frozenset())
        other_times = [
            (key, index, blank.get(key, frozenset()))
            for key, index in (
                ("dispatched", c.dispatched),
                ("on_scene", c.on_scene),
                ("cleared", c.cleared),
            )
            if index is not None
        ]

        last = reader.line_num
        read = 0
        for row in reader:
            line = last + 1
            last = reader.line_num
            if not row:
                continue  # a blank line
            read += 1
            if progress is not None and not read & (PROGRESS_EVERY - 1):
                progress(read)
            if len(row) != width:
                reject(line, f"row has {len(row)} fields but the header has {width}", row)
                continue
            try:
                # The call's id.
                if id_parts is not None:
                    content = "\x1f".join(id_parts(row))
                    external_id = blake2b(content.encode(), digest_size=16).hexdigest()
                else:
                    external_id = row[at_id].strip()
                    if not external_id:
                        raise RowProblem("id", "is blank")
                    if len(external_id) > max_id:
                        raise RowProblem("id", f"is longer than {max_id} characters")
                    if special(external_id):
                        external_id = _encoded("id", external_id)

                # When.
                if single_received is not None:
                    received_index = single_received
                    text = row[single_received]
                    if blank_received and text.strip() in blank_received:
                        text = ""
                else:
                    received_index, text = _first_present(row, c.received, blank_received)
                # Inline TimeReader.read for the common case, a memoised hour.
                entry = None
                if tail is not None and (
                    len(text) == exact_length if exact_length else len(text) > tail + 6
                ):
                    end = len(text) - tail
                    clock = text[end - 5 : end]
                    minutes = minutes_of.get(clock[:2])
                    if (
                        minutes is not None
                        and clock[3:] in sixty
                        and clock[2] == ":"
                        and text[end - 6] == ":"
                    ):
                        entry = hours.get(text[: end - 5] + text[end:] if tail else text[: end - 5])
                if entry:
                    received_at = f"{entry[0]}{clock}+00:00"
                    minute = (entry[1] + minutes) % week  # type: ignore[operator]
                else:
                    try:
                        received_at, minute = read_time(text)
                    except RowProblem as problem:
                        raise RowProblem("received", problem.message) from None

                # What, and the triage as of then.
                raw_label = row[at_label]
                known = label_memo.get(raw_label)
                if known is None:
                    known = label_of(raw_label, blank_label)
                code, external_label = known
                decided = triage.get((code, minute))
                if decided is None:
                    decided = triage_of(code, minute, received_at)

                # The other times: a time the file gives only once is used once.
                closed_at = dispatched_at = on_scene_at = null
                for key, index, blank_values in other_times:
                    value = row[index].strip()
                    if not value or value in blank_values:
                        continue
                    if index == received_index:
                        if key != "cleared":
                            continue  # a response time of zero would be invented
                        stamp = received_at
                    else:
                        try:
                            stamp = read_time(value)[0]
                        except RowProblem as problem:
                            raise RowProblem(key, problem.message) from None
                        if stamp < received_at:
                            before = f"is before the received time {text.strip()!r}"
                            raise RowProblem(key, f"{value!r} {before}")
                    if key == "cleared":
                        closed_at = stamp
                    elif key == "on_scene":
                        on_scene_at = stamp
                    else:
                        dispatched_at = stamp

                # Where.
                place: str | None = ""
                if address_at is not None:
                    raw_address = (
                        row[address_at] if isinstance(address_at, int) else address_at(row)
                    )
                    place = address_memo.get(raw_address)
                    if place is None:
                        place = address_clean(raw_address)
                beat: str | None = ""
                if at_beat is not None:
                    beat = beat_memo.get(row[at_beat])
                    if beat is None:
                        beat = beat_clean(row[at_beat])
                lat = lon = null
                if at_lat is not None and at_lon is not None:
                    lat, lon = row[at_lat], row[at_lon]
                    try:
                        # A plain decimal is staged as written (PostgreSQL and Python read
                        # it as the same double); anything else is sorted out by _lat_lon.
                        if (
                            blank_latlon
                            or not -90.0 <= float(lat) <= 90.0
                            or not -180.0 <= float(lon) <= 180.0
                            or not (lat + lon).isascii()
                            or "_" in lat
                            or "_" in lon
                        ):
                            raise ValueError
                        lat, lon = lat.strip(), lon.strip()
                    except ValueError:
                        lat, lon = _lat_lon(lat, lon, blank_latlon)

                # The source CAD's own codes.
                priority: str | None = ""
                if at_priority is not None:
                    priority = priority_memo.get(row[at_priority])
                    if priority is None:
                        priority = priority_clean(row[at_priority])
                disposition: str | None = ""
                if at_disposition is not None:
                    disposition = disposition_memo.get(row[at_disposition])
                    if disposition is None:
                        disposition = disposition_clean(row[at_disposition])
            except RowProblem:
                reject(line, self.diagnose(row), row)
                continue

            yield (
                f"{line}\t{external_id}\t{received_at}\t{closed_at}\t{dispatched_at}\t"
                f"{on_scene_at}\t{code}\t{external_label}\t{place}\t{beat}\t{lat}\t{lon}\t"
                f"{priority}\t{disposition}\t{decided}\n"
            )
        self.read = read
        if progress is not None:
            progress(read)

    def _label(self, raw: str, blank: frozenset[str]) -> tuple[str, str]:
        """(call type, label to store) of a raw label; memoised."""
        cleaned = raw.strip()
        code = self.labels("" if cleaned in blank else raw)
        if len(cleaned) > MAX_LENGTHS["label"]:
            raise RowProblem("label", f"is longer than {MAX_LENGTHS['label']} characters")
        known = (code, _encoded("label", cleaned))
        if len(self.label_memo) < MEMO_LIMIT:
            self.label_memo[raw] = known
        return known

    def _triage(self, code: str, minute: int, received_at: str) -> str:
        """The staged triage columns of a call type at a department minute of the week (that
        of ``received_at``, a UTC text): the same for every call of that type and minute."""
        moment = datetime.fromisoformat(received_at)
        result = evaluate(
            self.compiled, self.coverage, call_type=code, answers={}, received_at=moment
        )
        tail = "\t".join(
            [
                result.eligible_route,
                result.route,
                result.priority,
                copy_text_encode(result.rule),
                str(result.ruleset_version),
                result.unserved_reason or "",
                copy_text_encode(result.explanation[:EXPLANATION_MAX_LENGTH]),
            ]
        )
        self.triage[(code, minute)] = tail
        return tail

    def diagnose(self, row: list[str]) -> str:
        """Every problem of a rejected row, so that one pass over a file finds them all."""
        c = self.columns
        blank = self.mapping.blank
        problems: list[str] = []

        def attempt(key: str, step: Callable[[], Any]) -> Any:
            try:
                return step()
            except RowProblem as problem:
                field = key if problem.field == "time" else problem.field
                problems.append(f"{field}: {problem.message}")
                return None

        def length(key: str, value: str) -> None:
            if len(value) > MAX_LENGTHS[key]:
                problems.append(f"{key}: is longer than {MAX_LENGTHS[key]} characters")
            if "\x00" in value:
                problems.append(f"{key}: contains a NUL character")

        if c.id is not None:
            if not row[c.id].strip():
                problems.append("id: is blank")
            length("id", row[c.id].strip())
        index, text = _first_present(row, c.received, blank.get("received", frozenset()))
        read = attempt("received", partial(self.times.read, text))
        received = read[0] if read is not None else None
        raw_label = row[c.label]
        if raw_label.strip() in blank.get("label", frozenset()):
            raw_label = ""
        attempt("label", lambda: self.labels(raw_label))
        length("label", raw_label.strip())
        for key, at in (
            ("dispatched", c.dispatched),
            ("on_scene", c.on_scene),
            ("cleared", c.cleared),
        ):
            if at is None or at == index:
                continue
            value = row[at].strip()
            if not value or value in blank.get(key, frozenset()):
                continue
            stamp = attempt(key, partial(self.times.read, value))
            if received is not None and stamp is not None and stamp[0] < received:
                problems.append(f"{key}: {value!r} is before the received time {text.strip()!r}")
        if c.lat is not None and c.lon is not None:
            blank_latlon = blank.get("lat", frozenset()) | blank.get("lon", frozenset())
            lat_text, lon_text = row[c.lat], row[c.lon]
            attempt("lat/lon", lambda: _lat_lon(lat_text, lon_text, blank_latlon))
        length("address", " ".join(part for part in (row[i].strip() for i in c.address) if part))
        for key, at in (("beat", c.beat), ("priority", c.priority), ("disposition", c.disposition)):
            if at is not None:
                length(key, row[at].strip())
        return "; ".join(problems) or "unreadable row"


def _values_of(positions: tuple[int, ...]) -> Callable[[list[str]], tuple[str, ...]]:
    """A function giving a row's values at ``positions``, as a tuple even for one."""
    if len(positions) > 1:
        return itemgetter(*positions)
    (only,) = positions

    def one(row: list[str]) -> tuple[str, ...]:
        return (row[only],)

    return one


def _first_present(
    row: list[str], indexes: tuple[int, ...], blank: frozenset[str]
) -> tuple[int, str]:
    for index in indexes:
        value = row[index]
        stripped = value.strip()
        if stripped and stripped not in blank:
            return index, value
    return indexes[0], ""


def _lat_lon(lat_text: str, lon_text: str, blank: frozenset[str]) -> tuple[str, str]:
    lat_text = lat_text.strip()
    lon_text = lon_text.strip()
    if lat_text in blank:
        lat_text = ""
    if lon_text in blank:
        lon_text = ""
    if not lat_text and not lon_text:
        return NULL, NULL
    if not lat_text or not lon_text:
        missing = "lat" if not lat_text else "lon"
        raise RowProblem("lat/lon", f"{missing} is blank but not the other")
    not_decimal = RowProblem("lat/lon", f"{lat_text!r}, {lon_text!r} are not decimal degrees")
    # Python's float() also reads "1_0" and non-ASCII digits, which PostgreSQL does not.
    if "_" in lat_text + lon_text or not (lat_text + lon_text).isascii():
        raise not_decimal
    try:
        lat = float(lat_text)
        lon = float(lon_text)
    except ValueError:
        raise not_decimal from None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise RowProblem("lat/lon", f"{lat_text}, {lon_text} is not a place on Earth")
    # Staged as written: PostgreSQL and Python read a decimal as the same double.
    return lat_text, lon_text
