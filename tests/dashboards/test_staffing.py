"""The staffing model on cases small enough to simulate by hand, its schedules and its page."""

from dataclasses import astuple
from datetime import date
from html import unescape

import pytest
from django.conf import settings

from dashboards import metrics, rollups, staffing
from dashboards.metrics import Period
from dashboards.staffing import Schedule, Shift, schedule_parse, simulate
from tests.dashboards.conftest import at

MIN = 60
# 1970-01-05, a Monday, midnight: simulated time is local wall-clock seconds since 1970.
MONDAY = 4 * 86400


def monday(hours, minutes=0):
    return MONDAY + hours * 3600 + minutes * MIN


def around_the_clock(teams=1):
    return Schedule("24/7", tuple(Shift("HEART", d, 0, 1440, teams) for d in range(7)))


def test_it_serves_calls_first_come_first_served_with_one_team():
    # One team all week; hold 20 min, target 10 min.
    #   00:00 busy 30 -> starts at once, team free at 00:30
    #   00:10 busy 30 -> waits 20 (the whole hold), starts 00:30, free at 01:00
    #   00:45 busy 10 -> waits 15, starts 01:00, free at 01:10
    #   00:50 busy 5  -> waits 20, starts 01:10, free at 01:15
    #   00:54 busy 5  -> would wait 21: falls back, no team free (one was on duty)
    arrivals = [
        (monday(0, 0), 30 * MIN),
        (monday(0, 10), 30 * MIN),
        (monday(0, 45), 10 * MIN),
        (monday(0, 50), 5 * MIN),
        (monday(0, 54), 5 * MIN),
    ]
    teams = around_the_clock().teams_by_minute("HEART")
    o = simulate(arrivals, teams, hold_s=20 * MIN, target_s=10 * MIN)
    assert (o.calls, o.served, o.within_target, o.no_unit, o.outside_hours) == (5, 4, 1, 1, 0)
    assert o.mean_wait_minutes == pytest.approx((0 + 20 + 15 + 20) / 4)
    assert o.busy_s == 75 * MIN
    assert o.team_hours_per_week == 168
    assert (o.served_share, o.within_target_share) == (80.0, 20.0)


def test_it_follows_the_shifts_of_the_schedule():
    # One team on Mondays 07:00-19:00.
    #   06:30 busy 10 -> the shift starts in 30 min, beyond the hold: outside hours
    #   06:50 busy 30 -> waits 10 for the shift: served within the target; free at 07:30
    #   18:40 busy 30 -> at once; the team works until 19:10, past its shift
    #   18:55 busy 10 -> the team is busy until 19:10, then off duty: no team free
    #   20:00 busy 10 -> nobody on duty: outside hours
    schedule, errors = schedule_parse("HEART Mon 07:00-19:00 1")
    assert errors == []
    arrivals = [
        (monday(6, 30), 10 * MIN),
        (monday(6, 50), 30 * MIN),
        (monday(18, 40), 30 * MIN),
        (monday(18, 55), 10 * MIN),
        (monday(20, 0), 10 * MIN),
    ]
    o = simulate(arrivals, schedule.teams_by_minute("HEART"), hold_s=20 * MIN, target_s=10 * MIN)
    assert (o.served, o.within_target, o.no_unit, o.outside_hours) == (2, 2, 1, 2)
    assert o.mean_wait_minutes == 5.0
    assert o.team_hours_per_week == 12


def test_it_sends_a_second_team_to_the_peak():
    # Team 0 works 07-19, team 1 only 12-14. Two calls at 12:00 and 12:10 each get a team at
    # once; at 13:00 team 0 is free again.
    schedule, _ = schedule_parse("HEART Mon 07:00-19:00 1\nHEART Mon 12:00-14:00 1")
    arrivals = [(monday(12), 60 * MIN), (monday(12, 10), 30 * MIN), (monday(13), 10 * MIN)]
    o = simulate(arrivals, schedule.teams_by_minute("HEART"), hold_s=20 * MIN, target_s=0)
    assert (o.served, o.within_target, o.wait_sum_s) == (3, 3, 0)
    single, _ = schedule_parse("HEART Mon 07:00-19:00 1")
    o = simulate(arrivals, single.teams_by_minute("HEART"), hold_s=20 * MIN, target_s=0)
    assert (o.served, o.no_unit) == (2, 1)  # 12:10 would wait 50 min


def test_it_runs_a_night_shift_past_midnight_and_sunday_into_monday():
    schedule, errors = schedule_parse("HEART Sun 22:00-06:00 1")
    assert errors == []
    teams = schedule.teams_by_minute("HEART")
    assert teams[6 * 1440 + 22 * 60] == 1 and teams[5 * 60 + 59] == 1 and teams[6 * 60] == 0
    o = simulate([(monday(3), 10 * MIN)], teams, hold_s=0, target_s=0)
    assert o.served == 1


def test_it_reads_schedules_and_names_a_bad_line():
    schedule, errors = schedule_parse(
        "# weekday days, nights all week\n"
        "HEART Mon-Fri 07:00-19:00 2\n"
        "co_response daily 21:00-07:00 1  # overnight\n"
        "HEART Sat,Sun 10:00-16:00 1\n"
    )
    assert errors == []
    assert len(schedule.shifts) == 5 + 7 + 2
    assert schedule.team_hours_per_week("HEART") == 5 * 12 * 2 + 2 * 6
    assert schedule.team_hours_per_week("CO_RESPONSE") == 7 * 10
    assert schedule.max_teams("HEART") == 2
    assert schedule.text().splitlines() == [
        "CO_RESPONSE daily 21:00-07:00 1",
        "HEART weekdays 07:00-19:00 2",
        "HEART weekends 10:00-16:00 1",
    ]
    again, errors = schedule_parse(schedule.text())
    assert errors == [] and sorted(again.shifts, key=astuple) == sorted(
        schedule.shifts, key=astuple
    )
    odd, _ = schedule_parse("HEART Mon,Tue,Wed,Fri 08:00-16:00 1")
    assert odd.text() == "HEART Mon-Wed,Fri 08:00-16:00 1"
    bad = "\n".join(
        [
            "HEART Mox 07:00-19:00 1",
            "POLICE daily 00:00-24:00 1",
            "HEART daily 7-19 1",
            "HEART daily 07:00-19:00 0",
            "HEART daily",
        ]
    )
    _, errors = schedule_parse(bad)
    assert errors == [
        "schedule line 1: 'Mox' is not a day, a range like Mon-Fri, a list like Mon,Wed, or "
        "daily, weekdays, weekends",
        "schedule line 2: 'POLICE' is not one of HEART, CO_RESPONSE",
        "schedule line 3: '7-19' is not HH:MM-HH:MM (00:00 to 24:00)",
        "schedule line 4: teams '0' is not a whole number from 1 to 50",
        "schedule line 5: expected SERVICE DAYS HH:MM-HH:MM TEAMS, like "
        "'HEART Mon-Fri 07:00-19:00 2', not 'HEART daily'",
    ]
    assert schedule_parse("  \n# nothing\n")[1] == ["schedule: give at least one shift"]


def test_it_takes_the_current_schedule_from_the_service_schedules_and_units(db, units):
    current = staffing.schedule_current()
    # The seeded schedules (HEART 07-19, co-response 09-21 every day), with every unit of
    # the service on each shift: two HEART units, one co-response unit.
    assert current.team_hours_per_week("HEART") == 7 * 12 * 2
    assert current.team_hours_per_week("CO_RESPONSE") == 7 * 12
    assert current.text() == "CO_RESPONSE daily 09:00-21:00 1\nHEART daily 07:00-19:00 2"


def test_it_costs_a_year_of_team_hours(db):
    schedule, _ = schedule_parse("HEART daily 07:00-19:00 2")
    scenario = staffing.Scenario(
        schedule=schedule,
        outcomes={"HEART": staffing.Outcome("HEART", team_hours_per_week=168)},
        weeks=52,
    )
    assert scenario.yearly_cost() == pytest.approx(168 * 365.25 / 7 * settings.COST_PER_TEAM_HOUR)
    assert settings.COST_PER_TEAM_HOUR == 165.0


def test_it_loads_the_eligible_calls_with_their_service_times(dataset, units):
    demand = staffing.demand_load(Period(date(2026, 2, 19), date(2026, 3, 20)))
    heart, co = demand["HEART"], demand["CO_RESPONSE"]
    # HEART: c1 c2 c3 c5 c10 c11 c12; served in fact: c1 c2 c10 c12. Co-response: c4.
    assert (len(heart.arrivals), heart.observed_served) == (7, 4)
    assert (len(co.arrivals), co.observed_served) == (1, 0)
    # Two calls recorded their times (c1: 8 min travel, 60 on scene; c2: 3 and 30): fewer
    # than ten, so the defaults stand in for the rest.
    assert heart.known_service == 2 and heart.service_minutes == 45.0
    assert heart.travel_minutes == 12.0
    busy = dict(heart.arrivals)
    c1 = dataset.calls["c1"].received_at
    local_c1 = c1.timestamp() - 4 * 3600  # 14:00 EDT as wall-clock seconds
    assert busy[local_c1] == 12 * MIN + 3600
    assert sorted(busy.values()).count(12 * MIN + 45 * MIN) == 5


def test_it_compares_the_proposal_with_the_current_schedule_and_24_7(dataset, units):
    proposal, _ = schedule_parse("HEART daily 07:00-23:00 2\nCO_RESPONSE daily 09:00-21:00 1")
    comparison = staffing.staffing_compare(
        period=Period(date(2026, 2, 19), date(2026, 3, 20)),
        proposal=proposal,
        target_minutes=10,
        hold_minutes=20,
    )
    names = [s.schedule.name for s in comparison.scenarios]
    assert names == ["Proposed", "Current schedule", "24/7"]
    proposed, current, around = (s.outcomes["HEART"] for s in comparison.scenarios)
    # c3 came at 22:00: inside the proposal's hours and 24/7's, outside the current ones.
    assert (current.outside_hours, proposed.outside_hours, around.outside_hours) == (1, 0, 0)
    assert proposed.served == around.served == 7
    rows = staffing.comparison_rows(comparison)
    assert len(rows) == 9
    assert rows[-1]["scenario"] == "24/7" and rows[-1]["service"] == "All"
    assert rows[-1]["team_hours_per_week"] == 168 * 2 + 168


def test_it_shows_the_model_side_by_side(dataset, units, client_for, supervisor):
    response = client_for(supervisor).get("/dashboards/staffing/?from=2026-02-19&to=2026-03-20")
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Proposed</th>" in page and "Current schedule</th>" in page and "24/7</th>" in page
    assert "HEART daily 07:00-19:00 2" in page  # the current schedule, ready to edit
    assert "Served within the target" in page and "Yearly cost" in page
    assert "Durham: $5M budget, $6.5M for 24/7" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("target=abc", "target: 'abc' is not a whole number of minutes from 1 to 240"),
        ("hold=999", "hold: '999' is not a whole number of minutes from 0 to 240"),
        ("schedule=HEART+Someday+07:00-19:00+1", "schedule line 1: 'Someday' is not a day"),
        ("from=2026-13-01", "from: '2026-13-01' is not a date (YYYY-MM-DD)"),
    ],
)
def test_it_names_a_bad_staffing_input(db, units, client_for, supervisor, query, message):
    response = client_for(supervisor).get(f"/dashboards/staffing/?{query}")
    assert response.status_code == 400
    assert message in unescape(response.content.decode())


def test_it_exports_the_comparison(dataset, units, client_for, supervisor):
    response = client_for(supervisor).get("/dashboards/staffing.csv?from=2026-02-19&to=2026-03-20")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("scenario,service,eligible_calls,served_within_target_pct")
    assert len(lines) == 1 + 9
    assert lines[1].startswith("Proposed,HEART,7,")  # no proposal given: the current one


def test_it_models_the_days_that_hold_calls_by_default(
    clock, make_call, units, client_for, supervisor
):
    assert metrics.period_of_calls(days=365) == Period(date(2025, 3, 21), date(2026, 3, 20))
    make_call(at(20, 9, month=2))
    make_call(at(18, 9))
    # A month of calls is modelled over that month, not over a year mostly empty.
    assert metrics.period_of_calls(days=365) == Period(date(2026, 2, 20), date(2026, 3, 18))
    page = unescape(client_for(supervisor).get("/dashboards/staffing/").content.decode())
    assert "Eligible calls, 20 Feb 2026 to 18 Mar 2026 (27 days)" in page
    # From the rollups once they are built, with the days changed since.
    rollups.rollup_refresh()
    make_call(at(1, 9, month=3, year=2024))
    assert metrics.period_of_calls(days=365) == Period(date(2025, 3, 19), date(2026, 3, 18))
    # An explicit period still wins.
    page = client_for(supervisor).get("/dashboards/staffing/?from=2026-03-01&to=2026-03-10")
    assert "01 Mar 2026 to 10 Mar 2026 (10 days)" in unescape(page.content.decode())
