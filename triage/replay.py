"""Replay past calls from a CSV file through a rule set, streaming row by row.

Used to try a draft rule set on history before publishing it, and to import CAD exports.
Each output row is the input row (every column, unchanged and in order) followed by
``OUTPUT_COLUMNS``; a row that cannot be triaged gets a message in ``error`` naming the field,
and blank outputs, and the replay goes on.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import tzinfo
from operator import itemgetter
from typing import IO, Final

from triage.coverage import MINUTES_PER_WEEK, Coverage, zone_for
from triage.engine import BadAnswer, CompiledRuleSet, Decision, TriageInputError, parse_received_at
from triage.vocabulary import ANSWER_CHOICES, ANSWER_FIELDS

__all__ = [
    "OUTPUT_COLUMNS",
    "REQUIRED_COLUMNS",
    "ReplayError",
    "ReplaySummary",
    "copy_csv",
    "replay_csv",
]

OUTPUT_COLUMNS: Final = (
    "eligible_route",
    "route",
    "priority",
    "rule",
    "ruleset_version",
    "unserved_reason",
    "error",
)
REQUIRED_COLUMNS: Final = ("id", "call_type", "received_at")
_BLANK_OUTPUTS: Final = [""] * (len(OUTPUT_COLUMNS) - 1)
_HOUR_MEMO_LIMIT: Final = 500_000

CsvSource = str | os.PathLike[str] | IO[str]


class ReplayError(ValueError):
    """The file as a whole cannot be replayed (no header, a required column missing...)."""


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    rows: int
    routed: int
    errors: int


@contextmanager
def _opened(source: CsvSource, mode: str) -> Iterator[IO[str]]:
    if isinstance(source, str | os.PathLike):
        # utf-8-sig drops the byte-order mark spreadsheet programs put in front of the header.
        encoding = "utf-8-sig" if mode == "r" else "utf-8"
        with open(source, mode, newline="", encoding=encoding) as handle:
            yield handle
    else:
        yield source


def _column_key(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().casefold()


class _CallTypes:
    """Canonical codes and external CAD labels, looked up trimmed and case-insensitively.

    A canonical code wins over a mapping entry spelt the same way.
    """

    def __init__(self, compiled: CompiledRuleSet, label_map: Mapping[str, str]) -> None:
        self._codes = {code.casefold(): code for code in compiled.call_types}
        self._labels = {label.strip().casefold(): code for label, code in label_map.items()}
        self.memo: dict[str, str] = {}

    def __call__(self, raw: str) -> str:
        code = self.memo.get(raw)
        if code is not None:
            return code
        key = raw.strip().casefold()
        if not key:
            raise TriageInputError("is blank", field="call_type")
        code = self._codes.get(key)
        if code is None:
            mapped = self._labels.get(key)
            if mapped is None:
                raise TriageInputError(
                    f"{raw!r} is neither a call type code nor a mapped CAD label",
                    field="call_type",
                )
            code = self._codes.get(mapped.strip().casefold())
            if code is None:
                raise TriageInputError(
                    f"label {raw!r} maps to {mapped!r}, which is not a known call type",
                    field="call_type",
                )
        self.memo[raw] = code
        return code


# Two-digit minutes and seconds: a dict lookup both checks and converts them.
_SIXTY: Final = {f"{n:02d}": n for n in range(60)}


class _MinuteClock:
    """Local minute of the week for a ``received_at`` text, memoised per hour.

    Parsing and zone conversion dominate a replay, and a year of calls has few distinct
    hours. Texts shaped "<date>THH:MM:SS<rest>" that share everything but the MM:SS digits
    share one entry of ``hours``: the minute of the week of HH:00, valid for the whole hour
    when neither the text's offset nor the zone's changes inside it (checked at HH:00:00 and
    HH:59:59; offsets change at most once an hour, on whole minutes), else -1. Other shapes
    are parsed in full. ``replay_csv`` inlines the memo lookup of ``__call__``.
    """

    def __init__(self, coverage: Coverage, tz: tzinfo) -> None:
        self._coverage = coverage
        self._zone = tz
        self.hours: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        minute = _SIXTY.get(text[14:16])
        if minute is not None and text[17:19] in _SIXTY and text[13] == ":" and text[16] == ":":
            key = text[:14] + text[19:]
            base = self.hours.get(key)
            if base is None:
                # Parse the text itself first so that a bad one is reported as written.
                parse_received_at(text, self._zone)
                base = self._hour_base(text)
                if len(self.hours) >= _HOUR_MEMO_LIMIT:
                    self.hours.clear()
                self.hours[key] = base
            if base >= 0:
                return (base + minute) % MINUTES_PER_WEEK
        return self._coverage.minute_of_week(parse_received_at(text, self._zone))

    def _hour_base(self, text: str) -> int:
        try:
            first = parse_received_at(f"{text[:14]}00:00{text[19:]}", self._zone)
            last = parse_received_at(f"{text[:14]}59:59{text[19:]}", self._zone)
        except TriageInputError:
            return -1
        zone = self._zone
        if (
            first.utcoffset() != last.utcoffset()
            or first.astimezone(zone).utcoffset() != last.astimezone(zone).utcoffset()
        ):
            return -1
        return self._coverage.minute_of_week(first)


def _check_header(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _column_key(name)
        if key in positions and (key in REQUIRED_COLUMNS or key in ANSWER_FIELDS):
            raise ReplayError(f"column {key!r} appears twice in the header")
        positions.setdefault(key, index)
    clashes = [name for name in OUTPUT_COLUMNS if name in positions]
    if clashes:
        raise ReplayError(
            f"input already has output column(s) {', '.join(clashes)}; rename them "
            f"(e.g. cad_{clashes[0]}) so the replayed values are not confused with them"
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise ReplayError(
            f"the CSV header lacks required column(s) {', '.join(missing)} "
            f"(found: {', '.join(header) or 'nothing'})"
        )
    return positions


def replay_csv(
    in_file: CsvSource,
    out_file: CsvSource,
    *,
    compiled: CompiledRuleSet,
    coverage: Coverage,
    label_map: Mapping[str, str],
    tz: str | tzinfo,
) -> ReplaySummary:
    """Triage every row of ``in_file`` and write it with the results to ``out_file``.

    ``in_file`` needs ``id``, ``call_type`` (a code, or a CAD label from ``label_map``) and
    ``received_at`` (ISO 8601; without offset it is wall-clock time in ``tz``) columns, and may
    have any of the nine answer columns (blank or absent = not asked). Header names are
    matched trimmed and case-insensitively. Raises ``ReplayError`` when the header is unusable;
    problems in a row go to that row's ``error`` column.
    """
    zone = zone_for(tz)
    with _opened(in_file, "r") as source, _opened(out_file, "w") as target:
        reader = csv.reader(source)
        header = next(reader, None)
        if header is None:
            raise ReplayError("the CSV is empty: expected a header row")
        positions = _check_header(header)
        width = len(header)
        writer = csv.writer(target)
        writer.writerow([*header, *OUTPUT_COLUMNS])

        call_type_of = _CallTypes(compiled, label_map)
        minute_of = _MinuteClock(coverage, zone)
        at_call_type = positions["call_type"]
        at_received = positions["received_at"]
        # An absent answer column reads a blank padded onto the row: not asked.
        answer_at = [positions.get(name, width) for name in ANSWER_FIELDS]
        padding = [""] if width in answer_at else []
        answers_of = itemgetter(*answer_at)
        decide = compiled.decide_values
        resolve = coverage.resolve_at
        version = str(compiled.version)
        write = writer.writerow
        # The hot path inlines the memo lookups of _CallTypes and _MinuteClock: at a million
        # rows, each method call saved is a tenth of a second.
        code_of = call_type_of.memo.get
        sixty = _SIXTY
        hour_base = minute_of.hours.get
        tails: dict[tuple[Decision, tuple[str, str | None]], list[str]] = {}

        rows = errors = 0
        for row in reader:
            if not row:
                continue
            rows += 1
            if len(row) != width:
                errors += 1
                write(_misshapen(row, width))
                continue
            try:
                raw_type = row[at_call_type]
                code = code_of(raw_type) or call_type_of(raw_type)
                decision = decide(code, answers_of(row + padding if padding else row))
                text = row[at_received]
                past_hour = sixty.get(text[14:16])
                base = (
                    hour_base(text[:14] + text[19:])
                    if past_hour is not None
                    and text[17:19] in sixty
                    and text[13] == ":"
                    and text[16] == ":"
                    else None
                )
                if base is not None and base >= 0 and past_hour is not None:
                    minute = (base + past_hour) % MINUTES_PER_WEEK
                else:
                    minute = minute_of(text)
            except TriageInputError as error:
                errors += 1
                message = _diagnose(
                    row, error, call_type_of, minute_of, answer_at, at_received, at_call_type
                )
                write([*row, *_BLANK_OUTPUTS, message])
                continue
            resolved = resolve(decision.eligible_route, minute)
            tail = tails.get((decision, resolved))
            if tail is None:
                route, reason = resolved
                tail = [
                    decision.eligible_route,
                    route,
                    decision.priority,
                    decision.rule,
                    version,
                    reason or "",
                    "",
                ]
                tails[(decision, resolved)] = tail
            row += tail
            write(row)
    return ReplaySummary(rows=rows, routed=rows - errors, errors=errors)


def _misshapen(row: list[str], width: int) -> list[str]:
    message = f"row has {len(row)} fields but the header has {width}"
    if len(row) > width:
        message += f"; fields after the {width}th are dropped"
    fitted = (row + [""] * width)[:width]
    return [*fitted, *_BLANK_OUTPUTS, message]


def _diagnose(
    row: list[str],
    first: TriageInputError,
    call_type_of: _CallTypes,
    minute_of: _MinuteClock,
    answer_at: list[int],
    at_received: int,
    at_call_type: int,
) -> str:
    """Every problem of a rejected row, so one pass over a file finds them all."""
    problems: list[str] = []
    try:
        call_type_of(row[at_call_type])
    except TriageInputError as error:
        problems.append(str(error))
    try:
        minute_of(row[at_received])
    except TriageInputError as error:
        problems.append(str(error))
    for name, index in zip(ANSWER_FIELDS, answer_at, strict=True):
        if index >= len(row):
            continue
        value = row[index]
        stripped = value.strip().lower()
        if stripped and stripped not in ANSWER_CHOICES[name]:
            problems.append(str(BadAnswer(name, value)))
    return "; ".join(problems) or str(first)


def copy_csv(in_file: CsvSource, out_file: CsvSource) -> int:
    """Read and write the CSV as ``replay_csv`` would, without triage: the benchmark baseline.

    Returns the number of data rows.
    """
    with _opened(in_file, "r") as source, _opened(out_file, "w") as target:
        reader = csv.reader(source)
        header = next(reader, None)
        if header is None:
            raise ReplayError("the CSV is empty: expected a header row")
        writer = csv.writer(target)
        writer.writerow([*header, *OUTPUT_COLUMNS])
        blanks = [""] * len(OUTPUT_COLUMNS)
        write = writer.writerow
        rows = 0
        for row in reader:
            if not row:
                continue
            rows += 1
            write([*row, *blanks])
    return rows
