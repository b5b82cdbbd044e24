"""Properties of the default policy over generated calls, times and CSV rows."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.coverage import Coverage
from triage.default_policy import (
    DEFAULT_CALL_TYPES,
    DEFAULT_FALLBACK,
    default_coverage,
    default_ruleset,
)
from triage.engine import evaluate, parse_received_at
from triage.replay import replay_csv
from triage.vocabulary import ANSWER_CHOICES, ANSWER_FIELDS, PRIORITIES, ROUTES

NEW_YORK = ZoneInfo("America/New_York")
RULES = default_ruleset()
COVERAGE = default_coverage()
CODES = [info.code for info in DEFAULT_CALL_TYPES]
SPRING_FORWARD = datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 02:00 EST becomes 03:00 EDT
FALL_BACK = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 02:00 EDT becomes 01:00 EST

call_types = st.sampled_from(CODES)


def _striped_schedules() -> list[dict[str, object]]:
    """Short shifts that move every hour, so a route shows the exact minute it was read at."""
    entries: list[dict[str, object]] = []
    for weekday in range(7):
        for hour in range(24):
            shift = (weekday * 7 + hour) % 13
            for service, start, end in (
                ("HEART", 0, 17),
                ("HEART", 31, 44),
                ("CO_RESPONSE", 20, 29),
            ):
                entries.append(
                    {
                        "service": service,
                        "weekday": weekday,
                        "start": f"{hour:02d}:{start + shift:02d}",
                        "end": f"{hour:02d}:{end + shift:02d}",
                    }
                )
    return entries


STRIPED = Coverage.from_schedules(_striped_schedules(), DEFAULT_FALLBACK, "America/New_York")
# Any subset of the questions, each answered with any value or left blank.
answers = st.fixed_dictionaries(
    {},
    optional={name: st.sampled_from(("", *choices)) for name, choices in ANSWER_CHOICES.items()},
)
instants = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - bounds of a UTC strategy
    max_value=datetime(2026, 12, 31, 23, 59),  # noqa: DTZ001
    timezones=st.just(UTC),
)
# Minutes around both daylight-saving changes of 2026, where mistakes live.
dst_instants = st.sampled_from([SPRING_FORWARD, FALL_BACK]).flatmap(
    lambda change: st.integers(-36 * 60, 36 * 60).map(lambda m: change + timedelta(minutes=m))
)


# A few hours either side of a change: many calls share an hour, as in a real replay.
clustered_instants = st.sampled_from([SPRING_FORWARD, FALL_BACK]).flatmap(
    lambda change: st.integers(-90 * 60, 90 * 60).map(lambda s: change + timedelta(seconds=s))
)


def new_york_offset(instant: datetime) -> timedelta:
    """US Eastern offset in 2026, from the published rule rather than from tzdata."""
    daylight = SPRING_FORWARD <= instant < FALL_BACK
    return timedelta(hours=-4 if daylight else -5)


def wall_clock(instant: datetime) -> datetime:
    return (instant + new_york_offset(instant)).replace(tzinfo=None)


@settings(max_examples=300, deadline=None)
@given(call_types, answers, instants | dst_instants)
def test_it_never_sends_an_unarmed_team_to_a_weapon(
    call_type: str, given_answers: dict[str, str], received_at: datetime
) -> None:
    given_answers = {**given_answers, "weapon": "yes"}
    result = evaluate(
        RULES, COVERAGE, call_type=call_type, answers=given_answers, received_at=received_at
    )
    assert result.eligible_route not in ("HEART", "CCD")
    assert result.route not in ("HEART", "CCD")


@settings(max_examples=300, deadline=None)
@given(call_types, answers, instants)
def test_it_always_sends_a_fire_hazard_to_fire(
    call_type: str, given_answers: dict[str, str], received_at: datetime
) -> None:
    given_answers = {**given_answers, "fire_hazard": "yes"}
    result = evaluate(
        RULES, COVERAGE, call_type=call_type, answers=given_answers, received_at=received_at
    )
    assert (result.eligible_route, result.route, result.priority) == ("FIRE", "FIRE", "P1")


@settings(max_examples=500, deadline=None)
@given(call_types, answers, instants | dst_instants)
def test_it_only_ever_returns_the_six_routes_and_a_consistent_result(
    call_type: str, given_answers: dict[str, str], received_at: datetime
) -> None:
    result = evaluate(
        RULES, COVERAGE, call_type=call_type, answers=given_answers, received_at=received_at
    )
    assert result.eligible_route in ROUTES and result.route in ROUTES
    assert result.priority in PRIORITIES
    assert result.rule.startswith("R") and result.ruleset_version == 1
    assert (result.unserved_reason == "outside_hours") == (result.route != result.eligible_route)
    assert COVERAGE.on_duty(result.route, received_at) or result.route == "POLICE"
    assert "\n" not in result.explanation
    assert result.explanation.startswith(RULES.call_types[call_type].label)


@settings(max_examples=500, deadline=None)
@given(instants | dst_instants)
def test_it_puts_heart_on_duty_by_new_york_wall_clock(received_at: datetime) -> None:
    local = wall_clock(received_at)
    assert COVERAGE.on_duty("HEART", received_at) is (7 <= local.hour < 19)
    assert COVERAGE.on_duty("CO_RESPONSE", received_at) is (9 <= local.hour < 21)
    assert COVERAGE.on_duty("CCD", received_at)


@settings(max_examples=500, deadline=None)
@given(instants | dst_instants)
def test_it_reads_the_minute_of_the_week_on_new_york_wall_clock(received_at: datetime) -> None:
    local = wall_clock(received_at)
    expected = local.weekday() * 1440 + local.hour * 60 + local.minute
    assert COVERAGE.minute_of_week(received_at) == expected
    assert COVERAGE.minute_of_week(received_at.astimezone(NEW_YORK)) == expected


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["2026-03-08", "2026-11-01"]), st.integers(0, 24 * 60 - 1))
def test_it_reads_naive_times_on_dst_days_as_new_york_wall_clock(day: str, minute: int) -> None:
    text = f"{day}T{minute // 60:02d}:{minute % 60:02d}:00"
    received_at = parse_received_at(text, "America/New_York")
    in_gap = day == "2026-03-08" and 120 <= minute < 180
    # fold=0: a missing time takes the offset before the change, one hour later on the clock.
    effective = minute + 60 if in_gap else minute
    assert COVERAGE.minute_of_week(received_at) == 6 * 1440 + effective
    assert COVERAGE.on_duty("HEART", received_at) is (7 * 60 <= effective < 19 * 60)
    if not in_gap:
        assert wall_clock(received_at.astimezone(UTC)).hour == minute // 60


# Offsets a CAD export may carry; the half- and quarter-hour ones put a daylight-saving change
# in the middle of one of their hours.
TEXT_ZONES = [
    NEW_YORK,
    UTC,
    None,  # naive New York wall-clock time
    timezone(timedelta(hours=5, minutes=30)),
    timezone(timedelta(hours=5, minutes=45)),
    timezone(timedelta(hours=-3, minutes=-30)),
]


def _as_text(instant: datetime, zone: timezone | ZoneInfo | None, fraction: bool) -> str:
    if not fraction:
        instant = instant.replace(microsecond=0)
    if zone is None:
        return instant.astimezone(NEW_YORK).replace(tzinfo=None).isoformat(sep=" ")
    if zone is UTC:
        return instant.isoformat().replace("+00:00", "Z")
    return instant.astimezone(zone).isoformat()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            call_types | st.just("WELFARE_CHECK"),
            answers,
            instants | clustered_instants,
            st.sampled_from(TEXT_ZONES),
            st.booleans(),
        ),
        min_size=1,
        max_size=80,
    )
)
def test_it_replays_a_csv_exactly_as_it_evaluates_each_call(
    calls: list[tuple[str, dict[str, str], datetime, timezone | ZoneInfo | None, bool]],
) -> None:
    source = io.StringIO()
    writer = csv.writer(source)
    writer.writerow(["id", "call_type", "received_at", *ANSWER_FIELDS])
    texts = []
    for number, (call_type, given_answers, instant, zone, fraction) in enumerate(calls):
        text = _as_text(instant, zone, fraction)
        texts.append(text)
        row = [str(number), call_type, text, *(given_answers.get(n, "") for n in ANSWER_FIELDS)]
        writer.writerow(row)
    out = io.StringIO()
    summary = replay_csv(
        io.StringIO(source.getvalue()),
        out,
        compiled=RULES,
        coverage=STRIPED,
        label_map={},
        tz="America/New_York",
    )
    assert summary.errors == 0
    out.seek(0)
    for replayed, text, (call_type, given_answers, *_) in zip(
        csv.DictReader(out), texts, calls, strict=True
    ):
        expected = evaluate(
            RULES,
            STRIPED,
            call_type=call_type,
            answers=given_answers,
            received_at=parse_received_at(text, "America/New_York"),
        )
        outputs = (replayed["eligible_route"], replayed["route"], replayed["priority"])
        assert (*outputs, replayed["rule"]) == (
            expected.eligible_route,
            expected.route,
            expected.priority,
            expected.rule,
        )
        assert replayed["unserved_reason"] == (expected.unserved_reason or "")


ODD_ZONES = ["America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu", "Europe/Dublin"]
ODD_COVERAGE = {name: Coverage.from_schedules([], {}, name) for name in ODD_ZONES}


def _changes(name: str, year: int) -> list[datetime]:
    """The instants of a year when the zone's offset changes, to the quarter hour."""
    zone = ZoneInfo(name)
    step = timedelta(minutes=15)
    instant = datetime(year, 1, 1, tzinfo=UTC)
    found = []
    while instant.year == year:
        if instant.astimezone(zone).utcoffset() != (instant + step).astimezone(zone).utcoffset():
            found.append(instant + step)
        instant += step
    return found


# Lord Howe moves its clocks by half an hour, St John's changes at half past a UTC hour.
CHANGES = [(name, change) for name in ODD_ZONES for change in _changes(name, 2026)]
near_changes = st.sampled_from(CHANGES).flatmap(
    lambda pair: st.integers(-7200, 7200).map(lambda s: (pair[0], pair[1] + timedelta(seconds=s)))
)
anywhen = st.tuples(
    st.sampled_from(ODD_ZONES),
    st.datetimes(
        min_value=datetime(1990, 1, 1),  # noqa: DTZ001 - bounds of a UTC strategy
        max_value=datetime(2040, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)


@settings(max_examples=800, deadline=None)
@given(near_changes | anywhen)
def test_it_reads_local_minutes_in_zones_with_odd_offsets_and_changes(
    zone_and_time: tuple[str, datetime],
) -> None:
    name, received_at = zone_and_time
    local = received_at.astimezone(ZoneInfo(name))
    expected = local.weekday() * 1440 + local.hour * 60 + local.minute
    coverage = ODD_COVERAGE[name]
    assert coverage.minute_of_week(received_at) == expected
    # Once more, now that the hour is memoised.
    assert coverage.minute_of_week(received_at) == expected
