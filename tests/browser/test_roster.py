"""The roster page as a supervisor works it: a HEART van missing its peer, a shift added from
the keyboard, the van's makeup complete, the shift removed again."""

import pytest

from access.demo import DEMO_CREWS, demo_users_seed
from dispatch.models import RosterShift
from dispatch.services import roster_shift_create
from tests.browser.pages import sign_in
from tests.dispatch.conftest import AFTERNOON
from tests.factories import UnitFactory
from workforce.demo import demo_responders_seed

pytestmark = pytest.mark.browser


def test_it_rosters_a_peer_onto_a_van_missing_one(afternoon, seeded, live_server, browser, shot):
    users = demo_users_seed()
    demo_responders_seed(users)
    van = UnitFactory(name="HEART-1", kind="HEART")
    for username, _ in DEMO_CREWS["HEART-1"][:2]:  # the clinician and the EMT, not the peer
        roster_shift_create(
            unit_id=van.pk,
            responder_id=users[username].pk,
            starts_at=AFTERNOON.replace(hour=7, minute=0),
            ends_at=AFTERNOON.replace(hour=19, minute=0),
            by=users["supervisor"],
        )
    base = live_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in(page, base, "supervisor", "/dashboards/")
    page.click("text=Roster")
    page.wait_for_url(f"{base}/dispatch/roster/")
    row = page.locator("table.roster-units tr", has_text="HEART-1")
    assert "missing Peer support specialist" in row.inner_text()
    assert "Riley Morgan" in page.inner_text(".roster-week")
    shot(page, "roster-01-missing-peer")

    # Keyboard only: the unit, the peer, today 07:00 to 19:00, then Enter.
    page.focus("#id_unit")
    page.select_option("#id_unit", label="HEART-1")
    page.select_option("#id_responder", value=str(users["heart1-peer"].pk))
    page.fill("#id_day", "2026-03-10")
    page.fill("#id_start", "07:00")
    page.fill("#id_end", "19:00")
    page.focus("#id_end")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages li")
    assert "heart1-peer is on HEART-1" in page.inner_text(".messages")
    row = page.locator("table.roster-units tr", has_text="HEART-1")
    assert "complete" in row.inner_text()
    assert "Terrence Wade" in page.inner_text(".roster-week")
    shot(page, "roster-02-complete")

    page.click("button[aria-label^='Remove heart1-peer']")
    page.wait_for_selector(".messages li")
    assert "Shift removed" in page.inner_text(".messages")
    assert not RosterShift.objects.filter(responder=users["heart1-peer"]).exists()
    context.close()
