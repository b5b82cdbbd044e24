"""Duty schedules, daylight-saving days and fallback chains."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from triage.coverage import Coverage, CoverageError
from triage.default_policy import DEFAULT_FALLBACK, default_coverage

NEW_YORK = ZoneInfo("America/New_York")
COVERAGE = default_coverage()


def at(text: str) -> datetime:
    """A wall-clock time in New York (not in a DST gap)."""
    return datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


def entry(service: str = "HEART", weekday: int = 0, start: Any = "07:00", end: Any = "19:00"):  # type: ignore[no-untyped-def]
    return {"service": service, "weekday": weekday, "start": start, "end": end}


@pytest.mark.parametrize(
    ("when", "on_duty"),
    [
        ("2026-05-04T06:59", False),
        ("2026-05-04T07:00", True),
        ("2026-05-04T18:59", True),
        ("2026-05-04T19:00", False),
        ("2026-05-10T07:00", True),  # a Sunday
        ("2026-05-10T00:00", False),
    ],
)
def test_it_puts_heart_on_duty_from_7_inclusive_to_19_exclusive(when: str, on_duty: bool) -> None:
    assert COVERAGE.on_duty("HEART", at(when)) is on_duty


def test_it_keeps_the_other_default_hours() -> None:
    assert not COVERAGE.on_duty("CO_RESPONSE", at("2026-05-04T08:59"))
    assert COVERAGE.on_duty("CO_RESPONSE", at("2026-05-04T09:00"))
    assert COVERAGE.on_duty("CO_RESPONSE", at("2026-05-04T20:59"))
    assert not COVERAGE.on_duty("CO_RESPONSE", at("2026-05-04T21:00"))
    for minute in ("00:00", "03:17", "12:00", "23:59"):
        assert COVERAGE.on_duty("CCD", at(f"2026-05-04T{minute}"))
        for classic in ("POLICE", "FIRE", "EMS"):
            assert COVERAGE.on_duty(classic, at(f"2026-05-04T{minute}"))


@pytest.mark.parametrize("day", ["2026-03-08", "2026-11-01"])
def test_it_follows_wall_clock_time_on_daylight_saving_days(day: str) -> None:
    assert not COVERAGE.on_duty("HEART", at(f"{day}T06:59"))
    assert COVERAGE.on_duty("HEART", at(f"{day}T07:00"))
    assert COVERAGE.on_duty("HEART", at(f"{day}T18:59"))
    assert not COVERAGE.on_duty("HEART", at(f"{day}T19:00"))


def test_it_checks_utc_times_in_the_department_zone() -> None:
    # 2026-03-08 07:00 EDT is 11:00 UTC; the day before, 07:00 EST was 12:00 UTC.
    assert COVERAGE.on_duty("HEART", datetime(2026, 3, 8, 11, 0, tzinfo=UTC))
    assert not COVERAGE.on_duty("HEART", datetime(2026, 3, 8, 10, 59, tzinfo=UTC))
    assert not COVERAGE.on_duty("HEART", datetime(2026, 3, 7, 11, 59, tzinfo=UTC))
    assert COVERAGE.on_duty("HEART", datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    # 2026-11-01 07:00 EST is 12:00 UTC.
    assert not COVERAGE.on_duty("HEART", datetime(2026, 11, 1, 11, 59, tzinfo=UTC))
    assert COVERAGE.on_duty("HEART", datetime(2026, 11, 1, 12, 0, tzinfo=UTC))


def test_it_normalises_a_wall_time_that_does_not_exist() -> None:
    # 02:30 on 2026-03-08 does not exist in New York; fold=0 reads it as 03:30 EDT.
    gap = datetime(2026, 3, 8, 2, 30, tzinfo=NEW_YORK)
    assert COVERAGE.minute_of_week(gap) == 6 * 1440 + 3 * 60 + 30


def test_it_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        COVERAGE.on_duty("HEART", datetime(2026, 5, 4, 10, 0))  # noqa: DTZ001


def test_it_runs_an_overnight_shift_into_the_next_day() -> None:
    coverage = Coverage.from_schedules(
        [entry(weekday=6, start="22:00", end="06:00")], DEFAULT_FALLBACK, "America/New_York"
    )
    assert not coverage.on_duty("HEART", at("2026-05-10T21:59"))  # Sunday
    assert coverage.on_duty("HEART", at("2026-05-10T22:00"))
    assert coverage.on_duty("HEART", at("2026-05-11T05:59"))  # Monday: across the week's end
    assert not coverage.on_duty("HEART", at("2026-05-11T06:00"))
    assert not coverage.on_duty("HEART", at("2026-05-10T05:59"))  # no shift on Saturday night


def test_it_reads_equal_start_and_end_as_a_full_day_and_24_00_as_midnight() -> None:
    coverage = Coverage.from_schedules(
        [
            entry("CCD", weekday=2, start="08:00", end="08:00"),
            entry("HEART", weekday=0, start="12:00", end="24:00"),
        ],
        {},
        "America/New_York",
    )
    assert coverage.on_duty("CCD", at("2026-05-06T08:00"))  # Wednesday
    assert coverage.on_duty("CCD", at("2026-05-07T07:59"))
    assert not coverage.on_duty("CCD", at("2026-05-07T08:00"))
    assert coverage.on_duty("HEART", at("2026-05-04T23:59"))
    assert not coverage.on_duty("HEART", at("2026-05-05T00:00"))


def test_it_takes_time_objects_as_well_as_text() -> None:
    coverage = Coverage.from_schedules(
        [entry(start=time(7, 0), end=time(19, 0))], {}, "America/New_York"
    )
    assert coverage.on_duty("HEART", at("2026-05-04T07:00"))
    assert not coverage.on_duty("HEART", at("2026-05-04T19:00"))


def test_it_keeps_unscheduled_department_services_off_and_classic_services_on() -> None:
    coverage = Coverage.from_schedules([entry("POLICE", weekday=0)], {}, "America/New_York")
    assert not coverage.on_duty("CCD", at("2026-05-04T10:00"))
    assert not coverage.on_duty("CO_RESPONSE", at("2026-05-04T10:00"))
    assert coverage.on_duty("FIRE", at("2026-05-05T03:00"))
    # A classic service that is scheduled follows its schedule.
    assert coverage.on_duty("POLICE", at("2026-05-04T10:00"))
    assert not coverage.on_duty("POLICE", at("2026-05-05T10:00"))


@pytest.mark.parametrize(
    ("route", "when", "resolved"),
    [
        ("HEART", "2026-05-04T10:00", ("HEART", None)),
        ("HEART", "2026-05-04T19:00", ("CO_RESPONSE", "outside_hours")),
        ("HEART", "2026-05-04T20:59", ("CO_RESPONSE", "outside_hours")),
        ("HEART", "2026-05-04T21:00", ("POLICE", "outside_hours")),
        ("HEART", "2026-05-04T06:59", ("POLICE", "outside_hours")),
        ("CO_RESPONSE", "2026-05-04T08:59", ("POLICE", "outside_hours")),
        ("CO_RESPONSE", "2026-05-04T09:00", ("CO_RESPONSE", None)),
        ("CCD", "2026-05-04T03:00", ("CCD", None)),
        ("EMS", "2026-05-04T03:00", ("EMS", None)),
    ],
)
def test_it_walks_the_fallback_chain_to_the_first_service_on_duty(
    route: str, when: str, resolved: tuple[str, str | None]
) -> None:
    assert COVERAGE.resolve(route, at(when)) == resolved


def test_it_ends_an_exhausted_chain_at_its_last_service() -> None:
    nobody = Coverage.from_schedules(
        [entry("POLICE", weekday=0, start="00:00", end="00:01")],
        {"HEART": ["CO_RESPONSE", "POLICE"]},
        "America/New_York",
    )
    assert nobody.resolve("HEART", at("2026-05-05T10:00")) == ("POLICE", "outside_hours")
    assert nobody.resolve("CCD", at("2026-05-05T10:00")) == ("CCD", "outside_hours")


@pytest.mark.parametrize(
    ("schedules", "fallback", "message"),
    [
        ([entry(start="7:00")], {}, "schedule entry #1 (HEART): start '7:00' is not a HH:MM"),
        ([entry(end="19:60")], {}, "schedule entry #1 (HEART): end '19:60' is not a HH:MM"),
        ([entry(start="24:00")], {}, "start 24:00 is not a time of day"),
        ([entry(weekday=7)], {}, "weekday 7 is not 0 (Monday) to 6 (Sunday)"),
        ([entry(service="SWAT")], {}, "schedule entry #1: service 'SWAT' is not one of"),
        ([{**entry(), "days": "all"}], {}, "unknown key(s) 'days'"),
        ([{"service": "HEART"}], {}, "missing end, start, weekday"),
        ([], {"HEART": ["SWAT"]}, "fallback for HEART: 'SWAT' is not one of"),
        ([], {"HEART": ["HEART"]}, "fallback for HEART: a route cannot fall back to itself"),
        ([], {"HEART": "POLICE"}, "fallback for HEART: must be a list of routes"),
    ],
)
def test_it_explains_what_is_wrong_with_a_schedule(
    schedules: list[dict[str, Any]], fallback: dict[str, Any], message: str
) -> None:
    with pytest.raises(CoverageError) as raised:
        Coverage.from_schedules(schedules, fallback, "America/New_York")
    assert message in str(raised.value)


def test_it_refuses_an_unknown_time_zone() -> None:
    with pytest.raises(CoverageError, match="not a known time zone"):
        Coverage.from_schedules([], {}, "America/Durham")
