"""seed_demo at night (22:00 and 02:30 New York): CCD on the phone, field calls fallen back
with their reason, HEART and co-response off duty, and the year's dashboard as full as by day."""

import dataclasses
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine

from care_navigation import demo as care_demo
from dispatch import demo_history, selectors
from dispatch.demo_parameters import demo_process
from dispatch.models import Unit
from tests.demo.test_seed_demo import demo_user, load, year_board

NY = ZoneInfo("America/New_York")
EVENING = datetime(2026, 6, 9, 22, 0, tzinfo=NY)
SMALL_HOURS = datetime(2026, 6, 10, 2, 30, tzinfo=NY)


@pytest.fixture(scope="module", params=[EVENING, SMALL_HOURS], ids=["22:00", "02:30"])
def night(request, django_db_setup, django_db_blocker):
    if request.param == EVENING:
        yield from load(request.param, django_db_blocker)
        return
    # The calls of the moment and the units' duty do not depend on how long the history is:
    # at 02:30 a few weeks of it are enough, and spare the suite a second year.
    short = dataclasses.replace(
        demo_process(), history=dataclasses.replace(demo_process().history, weeks=3)
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_history, "demo_process", lambda: short)
        patch.setattr(care_demo, "demo_process", lambda: short)
        yield from load(request.param, django_db_blocker)


@pytest.fixture
def at_night(night, db):
    with time_machine.travel(night + timedelta(minutes=1), tick=False):
        yield night


def test_it_shows_a_night_board_of_phone_calls_and_calls_fallen_back(at_night, client_for):
    waiting = list(selectors.waiting_calls())
    assert waiting
    assert not [c for c in waiting if c.route in ("HEART", "CO_RESPONSE")]
    for call in waiting:
        assert call.unserved_reason == "outside_hours", call.explanation
        assert call.eligible_route in ("HEART", "CO_RESPONSE")
    assert {c.route for c in selectors.active_calls()} <= {"POLICE"}
    assert selectors.phone_queue().count() >= 2
    for kind in ("HEART", "CO_RESPONSE"):
        assert set(Unit.objects.filter(kind=kind).values_list("status", flat=True)) == {"off_duty"}
    assert set(Unit.objects.filter(kind="CCD").values_list("status", flat=True)) == {"available"}
    page = client_for(demo_user("dispatcher")).get("/dispatch/board/")
    text = unescape(page.content.decode())
    assert "<strong>HEART-1</strong> <span>Off duty</span>" in text
    assert "eligible HEART · outside hours" in text


@pytest.mark.parametrize("night", [EVENING], ids=["22:00"], indirect=True)
def test_it_fills_the_dashboard_at_night_too(at_night):
    board = year_board()
    for f in board.figures:
        assert f.value, f.key
