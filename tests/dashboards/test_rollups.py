"""The rollups stay current as calls change, recompute only what changed, and heal days that a
deleted or moved call left stale."""

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards import metrics, rollups, tasks
from dashboards.metrics import Period
from dashboards.models import (
    CallHistogram,
    CallRollup,
    EligibleHourRollup,
    PersonDayRollup,
)
from dispatch.models import Call
from dispatch.services import (
    CallInput,
    FeltSafe,
    call_clear,
    call_create,
    handoff_record,
    unit_assign,
    unit_status_set,
)
from tests.dashboards.conftest import NY

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 20))


def figure(key, period=MARCH):
    board = metrics.dashboard_build(period)
    return next(f.text for f in board.figures if f.key == key)


def rolled(grain="d", **filters):
    return CallRollup.objects.filter(grain=grain, **filters).aggregate(n=Sum("calls"))["n"] or 0


def later(clock, minutes=5):
    """Let the clock run past the refresh's allowance for clock skew (CLOCK_SKEW)."""
    clock.shift(timedelta(minutes=minutes))


def test_it_builds_every_rollup_on_the_first_refresh(dataset, clock):
    later(clock)
    result = rollups.rollup_refresh()
    assert result.days == -1  # a full build
    assert rolled() == Call.objects.count()
    assert rolled(route="HEART", day=date(2026, 3, 10)) == 1
    responses = CallHistogram.objects.filter(grain="d", measure="response")
    assert responses.aggregate(n=Sum("calls"))["n"] == 9  # seven in March, two in 2025
    late = EligibleHourRollup.objects.get(grain="d", day=date(2026, 3, 11), hour=22)
    assert late.unserved_reason == "outside_hours"
    # Month rows: the sums of their days, dated the 1st.
    assert rolled("m", day=date(2026, 3, 1)) == 12
    assert rolled("m", day=date(2025, 9, 1)) == 3
    assert rolled("m") == rolled("d")
    assert (
        PersonDayRollup.objects.get(
            grain="m", day=date(2025, 9, 1), person_id=dataset.people["regular"].pk
        ).responses
        == 3
    )
    assert result.watermark == timezone.now() - rollups.CLOCK_SKEW


def test_it_keeps_the_dashboard_current_through_the_whole_call_path(
    dataset, clock, dispatcher, responder, units
):
    """Live figures move at once (the changed day is read from the calls table); the next
    refresh puts them into the rollups, after which the figures come from there."""
    later(clock)
    rollups.rollup_refresh()
    assert figure("calls") == "6 of 12 (50.0%)"
    heart = units["HEART-1"]
    heart.members.add(responder)

    call, _ = call_create(
        by=dispatcher,
        data=CallInput(
            call_type="WELFARE_CHECK",
            answers={"weapon": "no", "violence": "no"},
            address="101 City Hall Plaza",
            received_at=timezone.now(),
        ),
    )
    assert (call.route, call.eligible_route) == ("HEART", "HEART")
    assert figure("calls") == "7 of 13 (53.8%)"

    clock.shift(timedelta(seconds=40))
    unit_assign(call_id=call.pk, unit_id=heart.pk, by=dispatcher)
    assert figure("processing") == "66.7% of 9 dispatched"  # 40 s: within 60 s

    clock.shift(timedelta(minutes=6))
    unit_status_set(unit_id=heart.pk, status="on_scene", by=responder)
    clock.shift(timedelta(minutes=30))
    call_clear(
        call_id=call.pk,
        unit_id=heart.pk,
        disposition="resolved_on_scene",
        felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
        by=responder,
    )
    assert figure("felt_safe") == "80.0% of 5 answers"
    assert figure("backup").startswith("1 for 5 department responses")

    # The refresh catches up: one day recomputed, nothing left to read live.
    today = timezone.localdate()
    assert rolled(day=today) == 0
    result = rollups.rollup_refresh()
    assert result.days == 1
    assert rolled(day=today, route="HEART") == 1
    assert rolled("m", day=today.replace(day=1)) == 12 + 1
    later(clock)
    rollups.rollup_refresh()
    board = metrics.dashboard_build(MARCH)
    assert board.live_days == 0
    assert {f.key: f.text for f in board.figures}["felt_safe"] == "80.0% of 5 answers"


def test_it_sees_a_reroute_in_the_rollup_after_the_refresh(dataset, clock, dispatcher):
    later(clock)
    rollups.rollup_refresh()
    c5 = dataset.calls["c5"]  # an intoxicated person, overridden to police, still queued
    assert rolled(day=date(2026, 3, 12), route="HEART") == 0
    handoff_record(call_id=c5.pk, reason="Police asked HEART to take it", by=dispatcher)
    assert figure("handoffs") == "2"
    assert rollups.rollup_refresh().days == 1
    assert rolled(day=date(2026, 3, 12), route="HEART") == 1
    march_12 = CallRollup.objects.filter(grain="d", day=date(2026, 3, 12))
    assert march_12.aggregate(h=Sum("handoffs"))["h"] == 1


def test_it_recomputes_only_the_days_that_changed(dataset, clock):
    later(clock)
    assert rollups.rollup_refresh().days == -1
    Call.objects.filter(pk=dataset.calls["c1"].pk).update(
        route="POLICE", unserved_reason="no_unit", updated_at=timezone.now()
    )
    # The change is newer than the watermark: its day, and only its day, is recomputed.
    assert rollups.rollup_refresh().days == 1
    assert rolled(day=date(2026, 3, 10), route="POLICE") == 1
    # Changes inside the clock-skew allowance are looked at once more, then no longer.
    assert rollups.rollup_refresh().days == 1
    later(clock)
    assert rollups.rollup_refresh().days == 1
    assert rollups.rollup_refresh().days == 0


def test_it_rescans_from_an_earlier_time_on_request_without_moving_the_watermark_back(
    dataset, clock
):
    later(clock)
    first = rollups.rollup_refresh()
    again = rollups.rollup_refresh(since=timezone.now() - timedelta(days=1))
    # Every day holding a call the fixture saved: eight in March, 1 February, two in June
    # and three in September 2025.
    assert again.days == 14
    assert again.watermark >= first.watermark


def test_it_heals_the_day_a_deleted_or_moved_call_left_behind(dataset, clock):
    later(clock)
    rollups.rollup_refresh()
    Call.objects.filter(pk=dataset.calls["c8"].pk).delete()  # Sat 14 March
    moved = datetime(2026, 2, 25, 10, 0, tzinfo=NY)
    Call.objects.filter(pk=dataset.calls["c7"].pk).update(  # from Fri 13 March
        received_at=moved, updated_at=timezone.now()
    )
    rollups.rollup_refresh()
    # The refresh saw c7's new day; its old day and c8's day keep stale rows.
    assert rolled(day=date(2026, 2, 25)) == 1
    assert rolled(day=date(2026, 3, 13)) == 2 and rolled(day=date(2026, 3, 14)) == 2
    healed = rollups.rollup_reconcile()
    assert healed.days == 2
    assert rolled(day=date(2026, 3, 13)) == 1 and rolled(day=date(2026, 3, 14)) == 1
    assert rolled() == rolled("m") == Call.objects.count()
    assert rollups.rollup_reconcile().days == 0
    later(clock)
    rollups.rollup_refresh()
    assert figure("calls", metrics.period_default()) == "6 of 11 (54.5%)"


def test_it_gives_the_same_rows_when_rebuilt(dataset, clock):
    later(clock)
    rollups.rollup_refresh()

    def snapshot():
        return [sorted(r.model.objects.values_list("grain", *r.columns)) for r in rollups.ROLLUPS]

    before = snapshot()
    rollups.rollup_refresh(full=True)
    assert snapshot() == before


def test_it_keeps_the_watermark_behind_the_clock_skew_allowance(db, clock):
    started = timezone.now()
    assert rollups._safe_watermark(started) <= started - rollups.CLOCK_SKEW


def test_it_runs_the_refresh_and_the_reconcile_from_beat(dataset, clock):
    from heart.celery import app

    later(clock)
    assert tasks.rollup_refresh() == -1
    assert tasks.rollup_reconcile() == 0
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["dashboards-rollup-refresh"]["task"] == "dashboards.tasks.rollup_refresh"
    assert schedule["dashboards-rollup-refresh"]["schedule"] == 60.0
    app.loader.import_default_modules()
    assert "dashboards.tasks.rollup_reconcile" in app.tasks


def test_it_reads_the_dashboard_in_as_many_queries_whatever_the_rows(dataset, clock, make_call):
    later(clock)
    rollups.rollup_refresh()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            metrics.dashboard_build(metrics.period_default())
        return len(captured)

    few = queries()
    for day in range(1, 20):
        make_call(datetime(2026, 3, day, 9, 0, tzinfo=NY), "MENTAL_HEALTH")
    later(clock)
    rollups.rollup_refresh()
    assert queries() == few
