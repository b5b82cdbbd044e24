"""The intake form survives a refresh: a draft in the tab until the call is saved, dropped at
sign-out; and a narrative past its limit is refused by field, never cut."""

import pytest

from access.demo import demo_users_seed
from dispatch.models import Call
from tests.browser.pages import sign_in
from web.models import IdempotencyRecord

pytestmark = pytest.mark.browser

INTAKE = "/dispatch/intake/"
DRAFTS = "Object.keys(sessionStorage).filter(k => k.startsWith('fifth-branch:intake-draft:'))"


def fill_a_welfare_check(page, narrative: str = "Neighbour confused, sitting in the cold.") -> None:
    page.fill("#id_call_type", "WELFARE_CHECK")
    page.select_option("#id_weapon", "no")
    page.select_option("#id_violence", "no")
    page.fill("#id_address", "101 City Hall Plaza")
    page.fill("#id_caller_name", "Jordan Lee")
    page.fill("#id_narrative", narrative)


def test_it_keeps_a_draft_across_a_refresh_until_the_call_is_saved(
    afternoon, seeded, live_server, browser, shot
):
    demo_users_seed()
    base = live_server.url
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(page, base, "calltaker", INTAKE)
    assert page.is_hidden("#draft-note")
    fill_a_welfare_check(page)
    key = page.input_value("#id_idempotency_key")
    received = page.input_value("#id_received_at")

    page.reload()
    page.wait_for_selector("#draft-note", state="visible")
    assert "Draft restored" in page.inner_text("#draft-note")
    assert page.input_value("#id_call_type") == "WELFARE_CHECK"
    assert page.input_value("#id_weapon") == "no"
    assert page.input_value("#id_address") == "101 City Hall Plaza"
    assert page.input_value("#id_narrative") == "Neighbour confused, sitting in the cold."
    # The same call: the phone was answered at the same time, and a save carries the same key.
    assert page.input_value("#id_idempotency_key") == key
    assert page.input_value("#id_received_at") == received
    assert page.inner_text("#narrative-count") == "40 / 5,000 characters"
    page.locator("#recommendation", has_text="R8-community").wait_for()
    shot(page, "intake-draft-restored")

    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".messages li")
    assert "saved" in page.inner_text(".messages")
    assert Call.objects.get().narrative == "Neighbour confused, sitting in the cold."
    assert IdempotencyRecord.objects.get().key == key

    page.reload()
    assert page.is_hidden("#draft-note")
    assert page.input_value("#id_call_type") == ""
    assert page.input_value("#id_narrative") == ""
    assert page.input_value("#id_idempotency_key") != key
    assert Call.objects.count() == 1

    # A draft can be thrown away.
    fill_a_welfare_check(page)
    page.reload()
    page.wait_for_selector("#draft-note", state="visible")
    page.click("#draft-discard")
    assert page.is_hidden("#draft-note")
    assert page.input_value("#id_address") == ""
    page.reload()
    assert page.is_hidden("#draft-note")
    assert page.input_value("#id_address") == ""


def test_it_drops_the_draft_at_sign_out(afternoon, seeded, live_server, browser):
    demo_users_seed()
    base = live_server.url
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(page, base, "calltaker", INTAKE)
    fill_a_welfare_check(page)
    assert len(page.evaluate(DRAFTS)) == 1
    page.click("text=Sign out")
    page.wait_for_url(f"{base}/accounts/login/")
    assert page.evaluate(DRAFTS) == []
    sign_in(page, base, "calltaker", INTAKE)
    assert page.is_hidden("#draft-note")
    assert page.input_value("#id_address") == ""


def test_it_refuses_a_long_narrative_by_field_and_keeps_all_of_it(
    afternoon, seeded, live_server, browser, shot
):
    demo_users_seed()
    base = live_server.url
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(page, base, "calltaker", INTAKE)
    long_text = "The caller describes the whole week. " * 150  # 5,550 characters
    fill_a_welfare_check(page, narrative=long_text)
    assert page.input_value("#id_narrative") == long_text  # the browser cut nothing
    counter = page.inner_text("#narrative-count")
    assert counter.startswith("5,550 / 5,000 characters: 550 over the limit")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#narrative-error")
    assert "at most 5,000 characters; this one has 5549" in page.inner_text("#narrative-error")
    assert page.input_value("#id_narrative") == long_text
    shot(page, "intake-narrative-too-long")
    assert not Call.objects.exists()
