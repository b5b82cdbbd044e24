"""Why connection is low: referral outcomes by need and by service, first contact, people
never reached, waitlists, the services that say "unavailable" (issue 15 item 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from care_navigation.models import Case, CaseNeed, Referral
from dashboards import metrics
from people.models import Person
from tests.dashboards.conftest import NOW, at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(clock):
    navigator = UserFactory(username="nina")

    def case(opened, *, contact_after=None, unreachable=False, needs=()):
        made = Case.objects.create(
            person=Person.objects.create(name="P"),
            source=Case.Source.REFERRAL,
            opened_at=opened,
            first_contact_due=opened + timedelta(hours=48),
            first_contact_at=opened + timedelta(hours=contact_after) if contact_after else None,
            closes_at=opened + timedelta(days=30),
            warn_at=opened + timedelta(days=25),
            unable_to_reach=unreachable,
        )
        for need in needs:
            CaseNeed.objects.create(case=made, need=need, created_at=opened)
        return made

    def refer(case, need, service, status, *, since=None):
        return Referral.objects.create(
            case=case,
            need=need,
            service_name=service,
            status=status,
            referred_at=case.opened_at,
            status_changed_at=since or case.opened_at,
            by=navigator,
        )

    a = case(at(2, 10), contact_after=10, needs=["housing", "mental_health"])
    b = case(at(3, 10), contact_after=30, needs=["housing", "food"])
    c = case(at(4, 10), unreachable=True, needs=["housing", "medical"])
    d = case(at(5, 10), contact_after=100, needs=["substance_use"])
    refer(a, "housing", "Urban Ministries shelter", "waitlisted", since=NOW - timedelta(days=6))
    refer(a, "mental_health", "Alliance clinic", "connected")
    refer(b, "housing", "Urban Ministries shelter", "unavailable")
    refer(b, "housing", "Housing for New Hope", "unavailable")
    refer(c, "housing", "Urban Ministries shelter", "referred")  # never reached: unreachable
    refer(d, "substance_use", "Freedom House detox", "waitlisted", since=NOW - timedelta(days=2))
    refer(d, "substance_use", "Alliance clinic", "declined")
    old = case(at(1, 10, month=1), contact_after=5, needs=["housing"])  # outside the period
    refer(old, "housing", "Urban Ministries shelter", "unavailable")
    closed = case(at(2, 10, month=1), contact_after=5, needs=["food"])
    refer(closed, "food", "Food pantry", "waitlisted")  # left waitlisted on a closed case
    Case.objects.filter(pk=closed.pk).update(
        status=Case.Status.CLOSED, closed_at=at(1, 10, month=2), outcome="not_connected"
    )
    return a, b, c, d


def board():
    return metrics.dashboard_build(metrics.period_default())


def by_first(table) -> dict[str, dict[str, object]]:
    return {
        row[0].text: dict(zip(table.columns, (c.csv for c in row), strict=True))
        for row in table.rows
    }


def test_it_shows_where_each_referral_ended_by_need(referrals):
    needs = by_first(board().tables["connection_needs"])
    housing = needs["Housing"]
    assert housing["Needs named"] == 3
    assert housing["Not referred: person unreachable"] == housing["Not referred: other"] == 0
    assert housing["Referrals"] == 4
    assert (housing["Waitlisted"], housing["Unavailable"], housing["Person unreachable"]) == (
        1,
        2,
        1,
    )
    assert housing["Referred, no answer yet"] == 0 and housing["Connected share"] == 0.0
    assert needs["Food"]["Not referred: other"] == 1 and needs["Food"]["Referrals"] == 0
    assert needs["Medical"]["Not referred: person unreachable"] == 1
    assert needs["Mental health"]["Connected"] == 1
    assert needs["All"]["Referrals"] == 7 and needs["All"]["Needs named"] == 7


def test_it_ranks_the_services_that_say_unavailable(referrals):
    top = by_first(board().tables["connection_unavailable"])
    assert list(top) == ["Housing for New Hope", "Urban Ministries shelter"]
    assert top["Urban Ministries shelter"]["Unavailable"] == 1
    assert top["Urban Ministries shelter"]["Referrals"] == 3
    services = by_first(board().tables["connection_services"])
    assert list(services)[0] == "Urban Ministries shelter (not in the directory)"


def test_it_lists_todays_waitlists_with_their_waits(referrals):
    waits = by_first(board().tables["connection_waitlists"])
    assert waits["Urban Ministries shelter"]["People waitlisted"] == 1
    assert waits["Urban Ministries shelter"]["Longest wait (days)"] == 6.0
    assert waits["Freedom House detox"]["Median days waiting"] == 2.0
    assert "Food pantry" not in waits


def test_it_bands_first_contact_and_counts_people_never_reached(referrals):
    dash = board()
    contact = by_first(dash.tables["connection_contact"])
    assert contact["Within 24 h"]["Cases"] == 1
    assert contact["24 to 48 h"]["Cases"] == 1
    assert contact["After 72 h"]["Cases"] == 1
    assert contact["No contact yet"]["Cases"] == 1
    assert contact["Flagged unable to reach"]["Share of cases opened"] == 25.0
    assert contact["Median hours to first contact"]["Cases"] == 30.0


def test_it_downloads_a_connection_table_as_csv(client_for, supervisor, referrals):
    response = client_for(supervisor).get("/dashboards/export/connection_needs.csv")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.splitlines()[0].startswith("Need,Needs named,Not referred: person unreachable,")
    assert "Person unreachable" in text.splitlines()[0]


def test_its_empty_tables_say_what_is_missing_not_calls(client_for, supervisor, clock):
    page = client_for(supervisor).get("/dashboards/").content.decode()
    assert "No service answered &quot;unavailable&quot; to a referral of this period." in page
    assert "Nobody on an open case is waitlisted today." in page
    assert "No referral on the cases opened in this period." in page
