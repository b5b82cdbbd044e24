"""Alerts that are noticed and notes from the field (docs/calls.md): a dispatcher's board
raises a backup request and an overdue call, sounds once, asks for the notification
permission once, and the acknowledgement lands on the call's timeline; a responder adds a note
from the phone view and the dispatcher reads it on the call page."""

from datetime import timedelta

import pytest

from access.demo import demo_users_seed
from dispatch.models import AlertAcknowledgement, CallNote
from dispatch.services import CallInput, backup_request, call_create, unit_assign
from tests.browser.pages import sign_in
from tests.dispatch.conftest import AFTERNOON
from tests.factories import UnitFactory

pytestmark = pytest.mark.browser

NO_RISK = {"weapon": "no", "violence": "no"}


def _call(users, address: str, minutes_ago: int):
    call, _ = call_create(
        by=users["calltaker"],
        data=CallInput(
            call_type="WELFARE_CHECK",
            received_at=AFTERNOON - timedelta(minutes=minutes_ago),
            address=address,
            answers=NO_RISK,
        ),
    )
    return call


def test_it_sounds_an_alert_that_a_dispatcher_acknowledges_and_takes_a_field_note(
    afternoon, seeded, live_server, browser, shot
):
    users = demo_users_seed()
    heart = UnitFactory(name="HEART-1", kind="HEART")
    heart.members.add(users["responder"])
    overdue = _call(users, "1 Waiting Way", minutes_ago=15)  # P2: past its 10 minutes
    on_call = _call(users, "200 N Mangum St", minutes_ago=5)
    unit_assign(call_id=on_call.pk, unit_id=heart.pk, by=users["dispatcher"])
    backup_request(
        call_id=on_call.pk, unit_id=heart.pk, reason="crowd gathering", by=users["responder"]
    )
    base = live_server.url

    # The responder writes a note from the phone view.
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, base, "responder", "/dispatch/my-unit/")
    phone.fill("#note_text", "Subject calmer, staying 30 min")
    phone.click("button:has-text('Add note')")
    phone.wait_for_selector(".messages li")
    assert f"Note added to call {on_call.pk}" in phone.inner_text(".messages")
    assert "Subject calmer, staying 30 min" in phone.inner_text("ul.notes")
    shot(phone, "alerts-01-responder-note")
    note = CallNote.objects.get(call=on_call)
    assert (note.by, note.unit) == (users["responder"], heart)

    # The dispatcher's board: two alerts, the chime once for each, the permission button.
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in(page, base, "dispatcher", "/dispatch/board/")
    alerts = page.locator("#board-alerts .alert-item")
    assert alerts.count() == 2
    text = page.inner_text("#board-alerts")
    assert "Backup requested" in text and "crowd gathering" in text
    assert "Overdue" in text
    page.wait_for_function("document.body.dataset.alertsAnnounced === '2'")
    button = page.locator("#notify-permission")
    button.wait_for(state="visible")
    shot(page, "alerts-02-board")
    button.click()
    assert button.is_hidden()
    page.reload()
    page.wait_for_function("document.body.dataset.alertsAnnounced === '2'")
    assert page.locator("#notify-permission").is_hidden()  # asked once, remembered

    # Acknowledge the backup request by keyboard: it leaves the board.
    backup = page.locator(f"#board-alerts [data-alert='backup-{on_call.pk}'] button")
    backup.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages li")
    assert f"Alert on call {on_call.pk} acknowledged" in page.inner_text(".messages")
    assert page.locator("#board-alerts .alert-item").count() == 1
    ack = AlertAcknowledgement.objects.get(call=on_call)
    assert (ack.kind, ack.by) == ("backup", users["dispatcher"])
    shot(page, "alerts-03-acknowledged")

    # The call page: the note and the acknowledgement, with who, on the timeline.
    page.goto(f"{base}/dispatch/calls/{on_call.pk}/")
    timeline = page.inner_text("#timeline")
    assert "Subject calmer, staying 30 min" in timeline
    assert "Backup request alert acknowledged" in timeline
    assert users["dispatcher"].get_full_name() in timeline
    # A note from the call page goes in without a reload (htmx), the timeline refreshed.
    page.fill("#note_text", "Shelter holds a bed until 18:00")
    page.click("#timeline button:has-text('Add note')")
    page.locator("#timeline", has_text="Shelter holds a bed until 18:00").wait_for()
    shot(page, "alerts-04-timeline")
    assert CallNote.objects.filter(call=on_call).count() == 2
    assert overdue.pk != on_call.pk
