"""Familiar neighbors, open cases for the dispatch console, the caseload and the case page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from care_navigation import selectors, services
from dispatch.models import Assignment
from people.models import Person
from tests.care_navigation.conftest import T0
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def respond(make_call):
    units = {kind: UnitFactory(kind=kind) for kind in ("HEART", "CO_RESPONSE", "CCD", "POLICE")}

    def respond(person, kind, *, days_ago):
        at = T0 - timedelta(days=days_ago)
        call = make_call(person=person, received_at=at)
        return Assignment.objects.create(
            call=call, unit=units[kind], dispatched_at=at, cleared_at=at + timedelta(hours=1)
        )

    return respond


def test_it_flags_five_department_responses_in_twelve_months(clock, person, respond):
    other = Person.objects.create(name="Lee Park")
    for days_ago, kind in [(1, "HEART"), (40, "CCD"), (90, "CO_RESPONSE"), (200, "HEART")]:
        respond(person, kind, days_ago=days_ago)
        respond(other, kind, days_ago=days_ago)
    respond(person, "HEART", days_ago=364)
    respond(other, "POLICE", days_ago=3)  # not a department response
    respond(other, "HEART", days_ago=366)  # more than 12 months ago
    assert selectors.familiar_neighbor_ids([person.pk, other.pk]) == {person.pk}
    assert selectors.familiar_neighbor_ids([]) == set()


def test_it_counts_every_department_unit_on_a_call(clock, person, respond, make_call):
    assignment = respond(person, "HEART", days_ago=5)
    for kind in ("CCD", "CO_RESPONSE", "HEART", "HEART"):
        Assignment.objects.create(
            call=assignment.call,
            unit=UnitFactory(kind=kind),
            dispatched_at=T0,
            cleared_at=T0,
        )
    assert selectors.familiar_neighbor_ids([person.pk]) == {person.pk}


def test_it_tells_the_dispatch_console_who_has_an_open_case(clock, case, navigator, make_user):
    navigator.first_name, navigator.last_name = "Nia", "Walker"
    navigator.save()
    stranger = Person.objects.create(name="No Case")
    assert selectors.open_case_for_people([case.person_id, stranger.pk]) == {
        case.person_id: "Nia Walker"
    }
    services.care_sweep(now=T0 + timedelta(days=31))
    assert selectors.open_case_for_people([case.person_id]) == {}


def test_it_orders_the_caseload_by_urgency(clock, navigator, make_case, respond):
    late = make_case(person_name="Late Contact")
    clock.shift(timedelta(days=10))
    fresh = make_case(person_name="Fresh Case")
    clock.shift(timedelta(days=1))
    reached = make_case(person_name="Reached Early")
    services.contact_log(case=reached, by=navigator, channel="phone", reached=True)
    clock.shift(timedelta(days=2))
    familiar = reached.person
    for days in range(5):
        respond(familiar, "HEART", days_ago=days)
    load = selectors.caseload_for(user=navigator)
    # late and fresh are both overdue: the one closing first leads; then the reached one.
    assert [row.case for row in load.rows] == [late, fresh, reached]
    assert [row.overdue for row in load.rows] == [True, True, False]
    assert load.rows[0].days_left == 17
    assert load.counts["open"] == 3 and load.counts["overdue"] == 2
    assert load.counts["familiar_neighbors"] == 1 and load.rows[2].familiar_neighbor


def test_it_keeps_the_caseload_queries_constant(clock, navigator, make_case):
    selectors.caseload_for(user=navigator)  # the user's permissions are read once, then cached

    def queries(n):
        for i in range(n):
            make_case(person_name=f"Caseload {n} {i}", needs=["housing", "food"])
        with CaptureQueriesContext(connection) as captured:
            selectors.caseload_for(user=navigator)
        return len(captured)

    assert queries(2) == queries(20)


def test_it_keeps_the_case_page_queries_constant(clock, navigator, make_case, respond):
    navigator.has_perm("care_navigation.work_caseload")  # permissions are read once, then cached

    def queries(n):
        case = make_case(person_name=f"Page {n}", needs=["housing", "food"])
        for i in range(n):
            services.contact_log(case=case, by=navigator, channel="phone", reached=bool(i % 2))
            services.referral_create(case=case, by=navigator, need="food", service_name=f"P{i}")
            services.note_add(case=case, by=navigator, text=f"note {i}")
            respond(case.person, "HEART", days_ago=i + 1)
        with CaptureQueriesContext(connection) as captured:
            selectors.case_detail(case=case, user=navigator)
        return len(captured)

    assert queries(1) == queries(12)


def test_it_builds_the_persons_timeline(clock, case, navigator, respond):
    respond(case.person, "HEART", days_ago=3)
    services.contact_log(case=case, by=navigator, channel="text", reached=False)
    services.referral_create(case=case, by=navigator, need="housing", service_name="Lodge")
    kinds = [entry.kind for entry in selectors.person_timeline(person=case.person)]
    assert sorted(set(kinds)) == ["call", "case", "contact", "referral", "response"]
    assert kinds.count("call") == 2


def test_it_counts_outcomes_and_referrals_at_clearing(clock, case, navigator, responder, make_call):
    referral = services.referral_create(case=case, by=navigator, need="food", service_name="P")
    services.contact_log(case=case, by=navigator, channel="phone", reached=True)
    services.referral_update(referral=referral, by=navigator, status="connected")
    refused_here = make_call()
    services.case_open_from_referral(call=refused_here, by=responder, needs=[], consent=False)
    make_call(referral_consent=False)  # declined, recorded by the dispatch console only
    services.case_open_from_referral(
        call=make_call(referral_consent=False), by=responder, needs=[], consent=False
    )  # recorded in both places: counted once
    services.care_sweep(now=T0 + timedelta(days=30))
    counts = selectors.outcome_counts(since=T0, until=T0 + timedelta(days=31))
    assert counts["closed"] == counts["connected"] == counts["first_contact_in_time"] == 1
    assert counts["referrals_consented"] == 1
    assert counts["referrals_declined"] == 3
    mine = selectors.outcome_counts(since=T0, until=T0 + timedelta(days=31), navigator=navigator)
    assert mine["connected"] == 1 and "referrals_declined" not in mine
