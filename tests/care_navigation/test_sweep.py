"""The sweep, clock by clock: 48 h first contact, day 25 warning, day 30 close, extensions."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.models import AuditEntry
from care_navigation import services, tasks
from care_navigation.models import Case, Notification
from care_navigation.selectors import notification_unread_count
from tests.care_navigation.conftest import T0

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def kinds(case):
    return sorted(Notification.objects.filter(case=case).values_list("kind", flat=True))


def sweep_at(clock, instant):
    clock.move_to(instant, tick=False)
    return services.care_sweep()


def test_it_flags_an_overdue_first_contact_at_48_hours(clock, case, supervisor, navigator):
    assert sweep_at(clock, T0 + timedelta(hours=48) - SECOND).first_contact_overdue == 0
    assert kinds(case) == ["new_case"]
    assert sweep_at(clock, T0 + timedelta(hours=48)).first_contact_overdue == 1
    assert kinds(case) == ["first_contact_overdue", "new_case"]
    # The navigator and a supervisor both see it.
    assert notification_unread_count(user=navigator) == 2
    assert notification_unread_count(user=supervisor) == 1


def test_it_does_not_flag_a_case_whose_person_was_reached(clock, case, navigator):
    clock.shift(timedelta(hours=47))
    services.contact_log(case=case, by=navigator, channel="phone", reached=True)
    sweep_at(clock, T0 + timedelta(hours=49))
    assert "first_contact_overdue" not in kinds(case)


def test_it_still_flags_when_only_failed_attempts_were_made(clock, case, navigator):
    clock.shift(timedelta(hours=2))
    services.contact_log(case=case, by=navigator, channel="phone", reached=False)
    sweep_at(clock, T0 + timedelta(hours=48))
    assert "first_contact_overdue" in kinds(case)


def test_it_warns_on_day_25(clock, case):
    sweep_at(clock, T0 + timedelta(days=25) - SECOND)
    assert "closing_soon" not in kinds(case)
    result = sweep_at(clock, T0 + timedelta(days=25))
    assert result.closing_soon == 1
    assert "closing_soon" in kinds(case)
    assert Case.objects.get(pk=case.pk).status == "open"


def make_connected(clock, case, navigator):
    clock.shift(timedelta(hours=3))
    services.contact_log(case=case, by=navigator, channel="phone", reached=True)
    referral = services.referral_create(case=case, by=navigator, need="housing", service_name="A")
    clock.shift(timedelta(days=10))
    services.referral_update(referral=referral, by=navigator, status="scheduled")
    services.referral_update(referral=referral, by=navigator, status="connected")


def make_not_connected(clock, case, navigator):
    clock.shift(timedelta(hours=3))
    services.contact_log(case=case, by=navigator, channel="phone", reached=True)
    services.referral_create(case=case, by=navigator, need="housing", service_name="A")


def make_unreachable(clock, case, navigator):
    for hours in (3, 30, 60):
        clock.move_to(T0 + timedelta(hours=hours), tick=False)
        services.contact_log(case=case, by=navigator, channel="phone", reached=False)


def make_declined(clock, case, navigator):
    clock.shift(timedelta(hours=3))
    services.contact_log(case=case, by=navigator, channel="in_person", reached=True, declined=True)


def make_never_tried(clock, case, navigator):
    pass


@pytest.mark.parametrize(
    ("story", "outcome"),
    [
        (make_connected, "connected"),
        (make_not_connected, "not_connected"),
        (make_unreachable, "unable_to_reach"),
        (make_declined, "declined"),
        (make_never_tried, "unable_to_reach"),
    ],
)
def test_it_closes_on_day_30_with_the_outcome(clock, case, navigator, story, outcome):
    story(clock, case, navigator)
    sweep_at(clock, T0 + timedelta(days=30) - SECOND)
    assert Case.objects.get(pk=case.pk).status == "open"
    result = sweep_at(clock, T0 + timedelta(days=30))
    assert result.closed == 1
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", outcome)
    assert case.closed_at == T0 + timedelta(days=30) and case.closed_by is None
    assert "closed" in kinds(case)


def test_it_does_not_count_a_connection_after_the_window(clock, case, navigator):
    make_not_connected(clock, case, navigator)
    referral = case.referrals.get()
    # Day 30 has passed but the sweep has not run yet: the late connection does not count.
    clock.move_to(T0 + timedelta(days=30, minutes=2), tick=False)
    services.referral_update(referral=referral, by=navigator, status="connected")
    services.care_sweep()
    case.refresh_from_db()
    assert case.outcome == "not_connected"
    assert case.referrals.get().status == "connected"


def test_it_keeps_an_extended_case_open_past_day_30(clock, case, supervisor):
    clock.move_to(T0 + timedelta(days=20), tick=False)
    services.case_extend(
        case=case,
        by=supervisor,
        closes_at=case.closes_at + timedelta(days=14),
        reason="Intensive support while the person waits for a bed",
    )
    assert sweep_at(clock, T0 + timedelta(days=30)).closed == 0
    assert "closing_soon" not in kinds(case)
    assert sweep_at(clock, T0 + timedelta(days=39)).closing_soon == 1
    assert sweep_at(clock, T0 + timedelta(days=44) - SECOND).closed == 0
    assert sweep_at(clock, T0 + timedelta(days=44)).closed == 1
    assert Case.objects.get(pk=case.pk).outcome == "unable_to_reach"


def test_it_sends_each_notification_once_however_often_it_runs(
    clock, navigator, person, make_case, django_assert_num_queries
):
    cases = [make_case(person_name=f"Person {i}") for i in range(6)]
    for instant in (
        T0 + timedelta(hours=48),
        T0 + timedelta(hours=48),
        T0 + timedelta(days=26),
        T0 + timedelta(days=26),
        T0 + timedelta(days=31),
        T0 + timedelta(days=31),
        T0 + timedelta(days=40),
    ):
        sweep_at(clock, instant)
    for case in cases:
        assert kinds(case) == ["closed", "closing_soon", "first_contact_overdue", "new_case"]
    assert Notification.objects.count() == 6 * 4


def test_it_flags_unable_to_reach_from_the_counter_as_a_backstop(clock, case):
    # A row written around the services (an import, a repaired record) is caught by the sweep.
    Case.objects.filter(pk=case.pk).update(failed_attempts_in_row=4)
    result = sweep_at(clock, T0 + timedelta(hours=1))
    assert result.unable_to_reach == 1
    assert Case.objects.get(pk=case.pk).unable_to_reach is True
    assert "unable_to_reach" in kinds(case)
    assert sweep_at(clock, T0 + timedelta(hours=2)).unable_to_reach == 0
    assert kinds(case).count("unable_to_reach") == 1


def test_it_sweeps_with_the_same_statements_however_many_cases(clock, navigator, make_case):
    def statements(n):
        Case.objects.all().delete()
        for i in range(n):
            make_case(person_name=f"Someone {n}-{i}")
        clock.move_to(T0 + timedelta(days=31), tick=False)
        with CaptureQueriesContext(connection) as queries:
            services.care_sweep()
        clock.move_to(T0, tick=False)
        return len(queries)

    assert statements(3) == statements(40)


def test_it_walks_the_cases_in_batches(clock, navigator, make_case):
    for i in range(7):
        make_case(person_name=f"Batch {i}")
    result = services.care_sweep(now=T0 + timedelta(days=31), batch_size=3)
    assert (result.batches, result.closed) == (3, 7)
    assert Notification.objects.filter(kind="closed").count() == 7
    # One audit entry per batch that changed something, inside its transaction.
    assert AuditEntry.objects.filter(action="care.sweep").count() == 3


def test_it_runs_the_sweep_once_from_the_command_line(clock, case):
    out = StringIO()
    call_command("care_sweep", "--now", (T0 + timedelta(days=30)).isoformat(), stdout=out)
    assert "closed 1" in out.getvalue()
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_it_reads_a_time_without_offset_in_the_department_zone(clock, case):
    call_command("care_sweep", "--now", "2026-04-09T09:00:00", stdout=StringIO())
    assert Case.objects.get(pk=case.pk).status == "closed"  # T0 + 30 days, New York time


def test_it_refuses_a_bad_instant(clock, case):
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("care_sweep", "--now", "next tuesday")


def test_it_runs_as_a_celery_task(clock, case):
    clock.move_to(T0 + timedelta(days=30), tick=False)
    assert tasks.care_sweep()["closed"] == 1
    assert tasks.care_sweep.acks_late is True
    assert tasks.care_sweep.reject_on_worker_lost is True
