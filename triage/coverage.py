"""Weekly duty schedules of the department's services, and the fallback chains.

Schedules are wall-clock times in the department's zone, so a 07:00 start is 07:00 on
daylight-saving days too: a time is converted to the zone and looked up by local minute of the
week in a precomputed table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timezone, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from triage.vocabulary import DEPARTMENT_SERVICES, ROUTES

__all__ = [
    "MINUTES_PER_DAY",
    "MINUTES_PER_WEEK",
    "OUTSIDE_HOURS",
    "Coverage",
    "CoverageError",
    "ScheduleEntry",
    "zone_for",
]

MINUTES_PER_DAY: Final = 24 * 60
MINUTES_PER_WEEK: Final = 7 * MINUTES_PER_DAY
OUTSIDE_HOURS: Final = "outside_hours"

# tzinfo types whose utcoffset() is never None, so an aware datetime needs no further check.
_NEVER_NAIVE: Final = (ZoneInfo, timezone)
_ON: Final = b"\x01" * MINUTES_PER_WEEK
_OFF: Final = bytes(MINUTES_PER_WEEK)
_CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d|24:00")
_ENTRY_KEYS: Final = frozenset({"service", "weekday", "start", "end"})


def zone_for(tz: str | tzinfo) -> tzinfo:
    """The ``tzinfo`` for an IANA zone name (or a ``tzinfo``, returned as is)."""
    if isinstance(tz, tzinfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"{tz!r} is not a known time zone") from None


class CoverageError(ValueError):
    """A schedule or fallback table cannot be used; the message says which entry and why."""


@dataclass(frozen=True, slots=True)
class ScheduleEntry:
    service: str
    weekday: int  # Monday = 0
    start: int  # minute of the day, inclusive
    end: int  # minute of the day, exclusive; <= start means it ends the next day

    def minutes(self) -> range:
        """Minutes of the week covered, possibly running past the end of the week."""
        first = self.weekday * MINUTES_PER_DAY + self.start
        length = self.end - self.start
        if length <= 0:
            length += MINUTES_PER_DAY
        return range(first, first + length)


def _minute_of_day(value: object, what: str, where: str, *, is_end: bool) -> int:
    if isinstance(value, time):
        if value.second or value.microsecond:
            raise CoverageError(f"{where}: {what} {value} is not on a whole minute")
        return value.hour * 60 + value.minute
    if not isinstance(value, str) or not _CLOCK.fullmatch(value):
        raise CoverageError(f"{where}: {what} {value!r} is not a HH:MM time")
    if value == "24:00" and not is_end:
        raise CoverageError(f"{where}: start 24:00 is not a time of day; use 00:00")
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def _entry(raw: object, position: int) -> ScheduleEntry:
    where = f"schedule entry #{position}"
    if not isinstance(raw, Mapping):
        raise CoverageError(f"{where}: must be an object, not {raw!r}")
    service = raw.get("service")
    if service not in ROUTES:
        raise CoverageError(f"{where}: service {service!r} is not one of {', '.join(ROUTES)}")
    where = f"{where} ({service})"
    extra = sorted(set(raw) - _ENTRY_KEYS)
    missing = sorted(_ENTRY_KEYS - set(raw))
    if extra:
        raise CoverageError(f"{where}: unknown key(s) {', '.join(map(repr, extra))}")
    if missing:
        raise CoverageError(f"{where}: missing {', '.join(missing)}")
    weekday = raw["weekday"]
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise CoverageError(f"{where}: weekday {weekday!r} is not 0 (Monday) to 6 (Sunday)")
    start = _minute_of_day(raw["start"], "start", where, is_end=False)
    end = _minute_of_day(raw["end"], "end", where, is_end=True)
    return ScheduleEntry(str(service), weekday, start, end)


def _chains(fallback: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    chains: dict[str, tuple[str, ...]] = {}
    for route, chain in fallback.items():
        if route not in ROUTES:
            raise CoverageError(f"fallback: {route!r} is not one of {', '.join(ROUTES)}")
        if isinstance(chain, str) or not isinstance(chain, Sequence):
            raise CoverageError(f"fallback for {route}: must be a list of routes")
        for step in chain:
            if step not in ROUTES:
                raise CoverageError(
                    f"fallback for {route}: {step!r} is not one of {', '.join(ROUTES)}"
                )
        if route in chain:
            raise CoverageError(f"fallback for {route}: a route cannot fall back to itself")
        if len(set(chain)) != len(chain):
            raise CoverageError(f"fallback for {route}: a route appears twice")
        chains[route] = tuple(chain)
    return chains


class Coverage:
    """Who is on duty when, and where a call goes when its eligible route is not.

    Build it with ``Coverage.from_schedules``. Instances are immutable once built apart from
    lazily filled lookup tables, and safe to share between threads.
    """

    __slots__ = ("_duty", "_resolution", "entries", "fallback", "zone")

    def __init__(
        self,
        *,
        zone: tzinfo,
        entries: Sequence[ScheduleEntry],
        fallback: Mapping[str, tuple[str, ...]],
    ) -> None:
        self.zone = zone
        self.entries = tuple(entries)
        self.fallback: dict[str, tuple[str, ...]] = dict(fallback)
        scheduled = {entry.service for entry in self.entries}
        duty: dict[str, bytes] = {}
        for service in ROUTES:
            if service in scheduled:
                table = bytearray(MINUTES_PER_WEEK)
                for entry in self.entries:
                    if entry.service == service:
                        span = entry.minutes()
                        end = min(span.stop, MINUTES_PER_WEEK)
                        table[span.start : end] = _ON[: end - span.start]
                        # What runs past Sunday midnight continues on Monday.
                        table[: span.stop - end] = _ON[: span.stop - end]
                duty[service] = bytes(table)
            elif service in DEPARTMENT_SERVICES:
                duty[service] = _OFF
            else:
                duty[service] = _ON
        self._duty = duty
        self._resolution: dict[str, tuple[tuple[str, str | None], ...]] = {}

    @classmethod
    def from_schedules(
        cls,
        schedules: Sequence[Mapping[str, Any]],
        fallback: Mapping[str, Sequence[str]],
        tz: str | tzinfo,
    ) -> Coverage:
        """Build coverage from schedule entries like
        ``{"service": "HEART", "weekday": 0, "start": "07:00", "end": "19:00"}``.

        ``weekday`` is 0 (Monday) to 6; ``start`` is inclusive and ``end`` exclusive; ``end``
        may be "24:00", and an ``end`` at or before ``start`` runs into the next day. A
        department service (CCD, HEART, CO_RESPONSE) without entries is never on duty; POLICE,
        FIRE and EMS without entries always are. Raises ``CoverageError``.
        """
        try:
            zone = zone_for(tz)
        except ValueError as error:
            raise CoverageError(str(error)) from None
        entries = [_entry(raw, position) for position, raw in enumerate(schedules, start=1)]
        return cls(zone=zone, entries=entries, fallback=_chains(fallback))

    def __repr__(self) -> str:
        return f"<Coverage zone={self.zone} entries={len(self.entries)}>"

    def minute_of_week(self, when: datetime) -> int:
        """Local minute of the week (Monday 00:00 = 0) of an aware datetime."""
        zone = when.tzinfo
        if zone is None or (type(zone) not in _NEVER_NAIVE and when.utcoffset() is None):
            raise ValueError(f"{when.isoformat()} has no time zone; expected an aware datetime")
        if zone is self.zone:
            # astimezone() to the same tzinfo is a no-op, which would keep a wall time that
            # does not exist (02:30 on a spring-forward day); go through UTC to normalise it.
            when = when.astimezone(UTC)
        local = when.astimezone(self.zone)
        return local.weekday() * MINUTES_PER_DAY + local.hour * 60 + local.minute

    def on_duty(self, service: str, when: datetime) -> bool:
        return self.on_duty_at(service, self.minute_of_week(when))

    def on_duty_at(self, service: str, minute_of_week: int) -> bool:
        try:
            table = self._duty[service]
        except KeyError:
            raise ValueError(f"{service!r} is not one of {', '.join(ROUTES)}") from None
        return bool(table[minute_of_week])

    def resolve(self, eligible_route: str, when: datetime) -> tuple[str, str | None]:
        """``(route, unserved_reason)``: the eligible route if on duty, else the first service
        of its fallback chain that is, with ``"outside_hours"``.
        """
        return self.resolve_at(eligible_route, self.minute_of_week(when))

    def resolve_at(self, eligible_route: str, minute_of_week: int) -> tuple[str, str | None]:
        table = self._resolution.get(eligible_route)
        if table is None:
            table = self._resolution_table(eligible_route)
        return table[minute_of_week]

    def chain(self, route: str) -> tuple[str, ...]:
        """The fallback chain after ``route`` (not including it)."""
        return self.fallback.get(route, ())

    def skipped(self, eligible_route: str, route: str) -> tuple[str, ...]:
        """The services passed over, in order, to reach ``route`` from ``eligible_route``."""
        chain = self.chain(eligible_route)
        if route == eligible_route or route not in chain:
            return (eligible_route,)
        return (eligible_route, *chain[: chain.index(route)])

    def _resolution_table(self, eligible_route: str) -> tuple[tuple[str, str | None], ...]:
        if eligible_route not in self._duty:
            raise ValueError(f"{eligible_route!r} is not one of {', '.join(ROUTES)}")
        served: tuple[str, str | None] = (eligible_route, None)
        chain = self.chain(eligible_route)
        options = [(self._duty[step], (step, OUTSIDE_HOURS)) for step in chain]
        # Nobody in the chain on duty: the last service of the chain still gets the call (the
        # default chains end with POLICE, which has no schedule); a service with no chain
        # keeps it. Either way the reason records that the eligible service was off.
        last_resort = (chain[-1] if chain else eligible_route, OUTSIDE_HOURS)
        own = self._duty[eligible_route]
        if own == _ON:
            frozen_served = (served,) * MINUTES_PER_WEEK
            self._resolution[eligible_route] = frozen_served
            return frozen_served
        table: list[tuple[str, str | None]] = []
        for minute in range(MINUTES_PER_WEEK):
            if own[minute]:
                table.append(served)
                continue
            for duty, outcome in options:
                if duty[minute]:
                    table.append(outcome)
                    break
            else:
                table.append(last_resort)
        frozen = tuple(table)
        self._resolution[eligible_route] = frozen
        return frozen
