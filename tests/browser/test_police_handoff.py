"""A police officer hands a call to the department from the Handoffs page, by keyboard, and
sees where it went; the dispatcher then sees it on the call page as a police handoff."""

import pytest

from access.demo import demo_users_seed
from dispatch.models import Call
from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser


def test_an_officer_hands_a_new_call_to_heart_by_keyboard(
    afternoon, seeded, live_server, browser, shot
):
    demo_users_seed()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()

    sign_in(page, base, "police", "/dispatch/handoffs/")
    page.focus("#id_reason")
    page.keyboard.type("Asleep in a doorway, no crime: needs HEART")
    page.fill("#id_call_type", "TRESPASS")
    page.fill("#id_address", "300 W Main St")
    page.select_option("#id_weapon", "no")
    page.select_option("#id_violence", "no")
    page.focus("#id_address")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field submits the form
    call = Call.objects.get(source="police_handoff")
    assert f"Call {call.pk} handed to HEART: HEART is on duty." in page.inner_text("body")
    assert f"#{call.pk}" in page.inner_text("table")
    shot(page, "police-01-handoff")

    context.close()
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in(page, base, "dispatcher", "/dispatch/board/")
    page.goto(f"{base}/dispatch/calls/{call.pk}/")
    body = page.inner_text("body")
    assert "Asked for by police (handoff)" in body
    assert "Police handed the call to the department" in body
    shot(page, "police-02-call-page")
    context.close()
