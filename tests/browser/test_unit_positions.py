"""Units on the map, as their users see it: the responder's phone shares its position, the
board draws the unit there with its age, and a unit whose position is old is drawn faded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.demo import demo_users_seed
from dispatch.models import Unit
from dispatch.services import CallInput, call_create
from tests.browser.pages import sign_in
from tests.factories import UnitFactory

pytestmark = pytest.mark.browser

FIX = {"latitude": 35.9961, "longitude": -78.9012, "accuracy": 15}


def test_it_shares_the_responders_position_and_the_board_draws_it(
    afternoon, seeded, live_server, browser, shot
):
    users = demo_users_seed()
    mine = UnitFactory(name="HEART-1", kind="HEART", lat=None, lon=None, position_at=None)
    mine.members.add(users["responder"])
    UnitFactory(
        name="HEART-2",
        kind="HEART",
        lat=36.01,
        lon=-78.92,
        position_at=timezone.now() - timedelta(minutes=20),
    )
    base = live_server.url

    # The responder's phone, with the browser's permission to share where it is.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        geolocation=FIX,
        permissions=["geolocation"],
    )
    mobile = phone.new_page()
    sign_in(mobile, base, "responder", "/dispatch/my-unit/")
    sharing = mobile.locator("#location-sharing")
    sharing.locator(".indicator", has_text="Sharing location · last sent").wait_for()
    shot(mobile, "10-responder-sharing-location")
    unit = Unit.objects.get(pk=mine.pk)
    assert (unit.lat, unit.lon, unit.position_accuracy_m) == (35.9961, -78.9012, 15)
    assert unit.position_source == "responder"

    # The dispatcher's board draws HEART-1 where the phone is, with the age of its position,
    # and HEART-2, twenty minutes old, faded.
    desk = browser.new_context(viewport={"width": 1366, "height": 768})
    page = desk.new_page()
    sign_in(page, base, "dispatcher", "/dispatch/board/")
    marker = page.locator(".unit-marker", has_text="HEART-1")
    marker.wait_for()
    assert "stale" not in (marker.get_attribute("class") or "")
    assert marker.inner_text().split()[-1] == "s"  # "HEART-1 4 s": seconds old
    old = page.locator(".unit-marker", has_text="HEART-2")
    assert "stale" in (old.get_attribute("class") or "")
    page.locator(".position-age", has_text="(stale)").wait_for()
    shot(page, "11-board-unit-positions")

    # The call page draws the call and the units, and recommends HEART-1 from its fresh
    # position; HEART-2's is twenty minutes old: no recent position.
    call, _ = call_create(
        by=users["calltaker"],
        data=CallInput(
            call_type="WELFARE_CHECK",
            address="200 N Mangum St",
            lat=35.9968,
            lon=-78.9009,
            answers={"weapon": "no", "violence": "no"},
        ),
    )
    page.goto(f"{base}/dispatch/calls/{call.pk}/")
    page.locator("#call-map .unit-marker", has_text="HEART-1").wait_for()
    notes = page.locator(".rec-note").all_inner_texts()
    assert notes[0].endswith(" s old") and " m · position " in notes[0]
    assert notes[1] == "no recent position (last 20 min ago)"
    # The map frames the call with the two nearest HEART units: both are in view.
    box = page.locator("#call-map").bounding_box()
    for name in ("HEART-1", "HEART-2"):
        at = page.locator("#call-map .unit-marker", has_text=name).bounding_box()
        assert box["x"] <= at["x"] <= box["x"] + box["width"], name
        assert box["y"] <= at["y"] <= box["y"] + box["height"], name
    shot(page, "12-call-page-unit-positions")

    # The responder stops sharing: the phone says so and sends nothing more.
    sharing.get_by_role("button", name="Stop sharing location").click()
    sharing.locator(".indicator", has_text="Location not shared").wait_for()
    assert sharing.get_attribute("data-state") == "off"
    phone.close()
    desk.close()
