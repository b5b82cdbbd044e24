"""Outcomes cut by self-reported demographics on the dashboard, suppressed."""

from __future__ import annotations

import pytest

from dashboards import metrics
from dispatch.models import CallOutcome
from tests.dashboards.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(clock, make_call):
    """25 unsheltered people not arrested, 10 housed not arrested, 12 housed arrested."""

    def record(n: int, **fields):
        for _ in range(n):
            call = make_call(at(10, 12), "MENTAL_HEALTH")
            CallOutcome.objects.create(call=call, recorded_at=at(10, 13), **fields)

    record(25, housing_status="unsheltered", arrest=False)
    record(10, housing_status="housed", arrest=False)
    record(12, housing_status="housed", arrest=True)
    return record


def rows_of(table, measure):
    return {row[1].text: [c.csv for c in row[2:]] for row in table.rows if row[0].csv == measure}


def test_it_suppresses_small_cells_and_their_complements(recorded):
    table = metrics.dashboard_build(metrics.period_default()).tables["outcomes_housing_status"]
    arrest = rows_of(table, "arrest")
    # Yes, No, Not recorded, Calls
    # 0 is under 11 too: the unsheltered "yes" and "not recorded" are hidden, 25 stays.
    assert arrest["Homeless, unsheltered"] == ["*", 25, "*", 25]
    # 10 is under 11, and so is the 0 not recorded beside it: two hidden cells, so the row
    # needs no complement; 10 + 0 cannot be split from 22 - 12.
    assert arrest["Housed"] == [12, "*", "*", 22]
    assert arrest["All"][3] == 47
    # Nothing under 11 is shown anywhere in the table.
    for row in table.rows:
        for cell in row[2:]:
            assert cell.csv == "*" or cell.csv >= 11, [c.csv for c in row]


def test_it_counts_not_collected_as_a_category(recorded):
    table = metrics.dashboard_build(metrics.period_default()).tables["outcomes_gender"]
    arrest = rows_of(table, "arrest")
    assert arrest["Not collected"][3] == 47
    # The 0 "not recorded" alone would be 47 - 12 - 35: the smallest other cell (12) goes too.
    assert arrest["Not collected"] == ["*", 35, "*", 47]
    assert arrest["All"] == ["*", 35, "*", 47]
