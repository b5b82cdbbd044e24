"""Every figure of the dashboard against the hand-computed dataset of conftest.py.

The default period is 19 February to 20 March 2026. In it (all New York time):

| call | received      | type          | eligible    | route       | reason        | proc | resp |
|------|---------------|---------------|-------------|-------------|---------------|------|------|
| c1   | Tue 10 Mar 14 | WELFARE_CHECK | HEART       | HEART       |               | 30   | 510  |
| c2   | Wed 11 Mar 10 | MENTAL_HEALTH | HEART       | HEART       |               | 90   | 270  |
| c3   | Wed 11 Mar 22 | TRESPASS      | HEART       | POLICE      | outside_hours | 45   | 630  |
| c4   | Thu 12 Mar 15 | WELFARE_CHECK | CO_RESPONSE | POLICE      | no_unit       | 120  | 1230 |
| c5   | Thu 12 Mar 16 | INTOXICATED   | HEART       | POLICE      | override      |      |      |
| c6   | Fri 13 Mar 09 | MENTAL_HEALTH | CCD         | CCD         |               | 20   |      |
| c7   | Fri 13 Mar 12 | ASSAULT       | POLICE      | POLICE      |               | 60   | 390  |
| c8   | Sat 14 Mar 12 | THEFT         | POLICE      | POLICE      |               | 200  | 1830 |
| c9   | Sat 14 Mar 13 | SUSPICIOUS    | POLICE      | HEART       | (handoff)     | 50   | 750  |
| c10  | Sun 15 Mar 11 | WELFARE_CHECK | HEART       | HEART       | police took over |   |      |
| c11  | Mon 16 Mar 08 | PANHANDLING   | HEART       | POLICE      | (none)        |      |      |
| c12  | Tue 17 Mar 09 | WELFARE_CHECK | HEART       | HEART       | source durham |      |      |
"""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from dashboards import metrics, rollups
from dashboards.metrics import Period
from dispatch.models import Call
from tests.dashboards.conftest import NY

DEFAULT = Period(date(2026, 2, 19), date(2026, 3, 20))


def texts(board):
    return {f.key: (f.text, f.detail) for f in board.figures}


def rows(board, key):
    return [[c.text for c in row] for row in board.tables[key].rows]


@pytest.fixture(params=["live", "rolled up", "rolled up with a live day"])
def board(request, dataset, clock):
    """The same figures whichever way they are read: all from the base table (no rollup
    yet), all from the rollups, or the rollups with one changed day read live."""
    expected_live = 30
    if request.param != "live":
        clock.shift(timedelta(minutes=5))  # the refresh comes after the calls were saved
        rollups.rollup_refresh()
        expected_live = 0
    if request.param == "rolled up with a live day":
        Call.objects.filter(pk=dataset.calls["c3"].pk).update(updated_at=timezone.now())
        expected_live = 1
    built = metrics.dashboard_build(metrics.period_default())
    assert built.live_days == expected_live
    return built


def test_it_defaults_to_the_last_30_days(dataset):
    assert metrics.period_default() == DEFAULT


def test_it_counts_calls_by_route_and_the_department_share(board):
    # HEART c1 c2 c9 c10 c12, CCD c6: 6 of 12 calls.
    assert texts(board)["calls"] == ("6 of 12 (50.0%)", "")
    assert rows(board, "routes") == [
        ["POLICE", "6", "50.0%"],
        ["FIRE", "0", "0.0%"],
        ["EMS", "0", "0.0%"],
        ["HEART", "5", "41.7%"],
        ["CO_RESPONSE", "0", "0.0%"],
        ["CCD", "1", "8.3%"],
        ["All calls", "12", "100.0%"],
    ]


def test_it_splits_eligible_calls_into_served_and_unserved_by_reason(board):
    # Eligible: c1 c2 c3 c5 c10 c11 c12 (HEART), c4 (CO_RESPONSE), c6 (CCD). Unserved: c3
    # outside hours, c4 no unit, c5 override, c11 with no reason recorded.
    assert texts(board)["eligible"] == ("4 of 9 (44.4%)", "1 without a recorded reason")
    assert rows(board, "eligible") == [
        ["HEART", "7", "4", "1", "0", "1", "1", "42.9%"],
        ["CO_RESPONSE", "1", "0", "0", "1", "0", "0", "100.0%"],
        ["CCD", "1", "1", "0", "0", "0", "0", "0.0%"],
        ["All services", "9", "5", "1", "1", "1", "1", "44.4%"],
    ]


def test_it_reports_processing_within_60_seconds(board):
    # Dispatched: c1 30, c2 90, c3 45, c4 120, c6 20, c7 60, c8 200, c9 50; within 60 s
    # (inclusive): c1 c3 c6 c7 c9.
    assert texts(board)["processing"] == ("62.5% of 8 dispatched", "3 took longer")


def test_it_reports_response_percentiles_by_route_from_the_histograms(board):
    # HEART on scene after 510, 270, 750 s: mean 8.5 min. Buckets are one minute wide and
    # a percentile is interpolated inside its bucket: p50 = rank 1.5 of 3 -> halfway into
    # the 8-minute bucket = 8.5 min; p90 = rank 2.7 -> 0.7 into the 12-minute bucket.
    # POLICE 390, 630, 1230, 1830 s: mean 17.0; p50 rank 2 -> end of the 10-minute bucket =
    # 11.0; p90 rank 3.6 -> 0.6 into the 30-minute bucket = 30.6.
    assert texts(board)["response"] == (
        "p50 8.5 min, p90 12.7 min",
        "mean 8.5 min over 3 responses",
    )
    times = {row[0]: row for row in rows(board, "times")}
    assert times["HEART"][4:] == ["3", "8.5 min", "8.5 min", "12.7 min"]
    assert times["POLICE"][4:] == ["4", "17.0 min", "11.0 min", "30.6 min"]
    assert times["CCD"][1:3] == ["1", "100.0%"]


def test_it_reports_felt_safe_backup_and_handoffs(board):
    # Four answers (c1 yes yes, c2 yes no); department assignments on c1 c2 c6 c9; one
    # backup request (c1) and one handoff (c9).
    figures = texts(board)
    assert figures["felt_safe"] == ("75.0% of 4 answers", "1 answered no")
    assert figures["backup"] == ("1 for 4 department responses (25.0%)", "")
    assert figures["handoffs"] == ("1", "")


def test_it_estimates_police_hours_saved_per_call_type(board):
    # Handled: c1 c12 (welfare check), c2 c6 (mental health), c9 (suspicious); c10 is not
    # (police took over). Welfare checks learn 40 min from two police calls in 2025 (30 and
    # 50 min on scene); the others take the 45-minute default.
    # 2 x 40 + 2 x 45 + 1 x 45 = 215 min = 3.6 h.
    assert texts(board)["police_hours"] == ("3.6 hours over 5 calls", "")
    assert rows(board, "police_hours") == [
        ["Mental health crisis", "2", "45.0", "default", "1.5"],
        ["Welfare check", "2", "40.0", "learned from 2 police calls", "1.3"],
        ["Suspicious person or vehicle", "1", "45.0", "default", "0.8"],
        ["All call types", "5", "", "", "3.6"],
    ]


def test_it_reports_care_navigation_first_contact_connection_and_outcomes(board):
    # Opened in the period: k1 (contact after 24 h, connected), k2 (72 h), k3 (overdue),
    # k4 (not due yet). Closed in the period: k5 connected, k6 unable to reach, k7 not.
    assert texts(board)["care"] == (
        "1 of 3 (33.3%)",
        "first contact within 48 h: 33.3% of 3 due",
    )
    care = {row[0]: row[1] for row in rows(board, "care")}
    assert care["Referrals at clearing, consented"] == "1"
    assert care["Referrals at clearing, declined (no case)"] == "1"
    assert care["Cases opened"] == "4"
    assert care["First contact made"] == "2"
    assert care["First contact within 48 h (of cases whose contact was due)"] == "1 of 3 (33.3%)"
    assert care["First contact late or overdue (after 48 h)"] == "2"
    assert care["Connected to care"] == "1"
    assert care["Closed: unable to reach"] == "1 (33.3%)"
    assert board.charts["care"]["data"] == [4, 2, 1, 1]


def test_it_finds_familiar_neighbors_and_their_share_of_responses(board):
    # In the 365 days to 20 March: Avery has 5 department responses (c1, c2 and three in
    # September 2025), Blake 1 (c9); c6 has no person. 1 of 2 people, 5 of 7 responses.
    assert texts(board)["familiar"] == (
        "1 person (50.0%), 71.4% of responses",
        "5+ department responses, 21 Mar 2025 to 20 Mar 2026",
    )


def test_it_maps_eligible_calls_by_hour_of_week(board):
    # c3 came on a Wednesday at 22:00, outside HEART's hours: 1 of 9 eligible calls.
    assert texts(board)["hours"] == ("1 of 9 (11.1%)", "")
    wednesday = board.heatmap[2]
    assert wednesday["day"] == "Wed"
    assert (wednesday["cells"][22]["eligible"], wednesday["cells"][22]["outside"]) == (1, 1)
    assert wednesday["cells"][22]["shade"] == 5
    assert wednesday["cells"][10]["served"] == 1 and wednesday["cells"][10]["shade"] == 1
    assert sum(c["eligible"] for row in board.heatmap for c in row["cells"]) == 9


def test_it_charts_calls_by_route_per_day_then_per_week(dataset):
    daily = metrics.dashboard_build(metrics.period_default()).charts["over_time"]
    assert daily["unit"] == "day" and len(daily["labels"]) == 30
    heart = next(d for d in daily["datasets"] if d["route"] == "HEART")
    assert sum(heart["data"]) == 5
    weekly = metrics.dashboard_build(Period(date(2025, 3, 21), date(2026, 3, 20)))
    chart = weekly.charts["over_time"]
    assert chart["unit"] == "week"
    heart = next(d for d in chart["datasets"] if d["route"] == "HEART")
    assert sum(heart["data"]) == 9  # and e1 e2 e3 in September 2025, one on 1 February
    assert "week=2026-03-09" in heart["urls"][chart["labels"].index("09 Mar 26")]


def test_it_shows_one_source_alone(dataset):
    board = metrics.dashboard_build(Period(DEFAULT.start, DEFAULT.end, source="durham"))
    assert texts(board)["calls"] == ("1 of 1 (100.0%)", "")
    assert "durham" in board.sources


@pytest.mark.parametrize("rolled_up", [False, True])
def test_it_counts_a_call_on_the_local_day_it_came_in(dataset, make_call, clock, rolled_up):
    # 23:30 on 20 March in New York is already 21 March in UTC: still the period's last day.
    make_call(datetime(2026, 3, 20, 23, 30, tzinfo=NY))
    if rolled_up:
        clock.shift(timedelta(minutes=5))
        rollups.rollup_refresh()
    board = metrics.dashboard_build(DEFAULT)
    assert texts(board)["calls"][0] == "7 of 13 (53.8%)"
    next_day = metrics.dashboard_build(Period(date(2026, 3, 21), date(2026, 3, 21)))
    assert texts(next_day)["calls"][0] == "no call"


def test_an_empty_period_says_so_instead_of_dividing_by_nothing(dataset, clock):
    empty = metrics.dashboard_build(Period(date(2026, 3, 21), date(2026, 3, 21)))
    said = texts(empty)
    for key, (text, detail) in said.items():
        for part in (text, detail):
            assert " of 0" not in part and "— of" not in part and "(—)" not in part, (key, part)
    assert said["calls"][0] == "no call"
    assert said["felt_safe"][0] == "no answer yet"
    assert said["processing"][0] == "no call dispatched"


def test_it_computes_percentiles_from_buckets():
    counts = {4: 1, 8: 1, 12: 1}
    assert metrics.percentile(counts, 0.5, width=60, buckets=121) == 510.0
    assert metrics.percentile(counts, 0.9, width=60, buckets=121) == pytest.approx(762.0)
    assert metrics.percentile({}, 0.5, width=60, buckets=121) is None
    # Past the last bucket: its lower edge, shown as "> 120 min".
    assert metrics.percentile({120: 3}, 0.5, width=60, buckets=121) == 7200.0
    assert metrics.minutes_text(7200.0, overflow=7200.0) == "> 120 min"


def test_it_keeps_the_period_whole_days():
    period = Period(date(2026, 3, 8), date(2026, 3, 8))  # the day clocks go forward
    assert period.until.timestamp() - period.since.timestamp() == 23 * 3600
    assert period.since.isoformat() == "2026-03-08T00:00:00-05:00"
    assert period.until.isoformat() == "2026-03-09T00:00:00-04:00"
