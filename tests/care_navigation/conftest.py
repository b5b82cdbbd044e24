"""Care-navigation fixtures: calls about people, cases, a second navigator, the directory."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from access import roles
from care_navigation.services import case_open_from_referral
from dispatch.models import Call
from people.models import Person

NY = ZoneInfo("America/New_York")
# Cases open on a Tuesday morning; every clock in these tests counts from here.
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=NY)
EXCERPT = Path(__file__).resolve().parents[1] / "fixtures" / "hsds_miami_excerpt"


@pytest.fixture
def clock(time_machine):
    """Time stands still at T0 until a test moves it."""
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def person(db):
    return Person.objects.create(
        name="Jordan Reyes", date_of_birth=date(1980, 5, 1), phone="919-555-0100"
    )


@pytest.fixture
def make_call(db):
    def make(person=None, lat=35.994, lon=-78.898, **fields):
        now = timezone.now()
        return Call.objects.create(
            received_at=fields.pop("received_at", now),
            created_at=now,
            call_type_id=fields.pop("call_type_id", "WELFARE_CHECK"),
            person=person,
            lat=lat,
            lon=lon,
            address="101 City Hall Plaza",
            route=fields.pop("route", "HEART"),
            **fields,
        )

    return make


@pytest.fixture
def other_navigator(make_user):
    return make_user("noor", roles.NAVIGATOR)


@pytest.fixture
def make_case(responder, make_call):
    def make(person=None, needs=("housing",), **details):
        call = make_call(person=person)
        return case_open_from_referral(
            call=call, by=responder, needs=list(needs), consent=True, **details
        )

    return make


@pytest.fixture
def case(clock, navigator, person, make_case):
    """An open case for Jordan, assigned to Nia (the only navigator when it opens)."""
    return make_case(person=person)
