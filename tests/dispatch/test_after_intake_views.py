"""The call after intake in the console's pages: My calls, the call page's forms (with and
without htmx), the fallback's confirm step, the handoff check, the board's alerts."""

from datetime import timedelta

import pytest
import time_machine

from dispatch.models import AlertAcknowledgement, Call, CallNote
from dispatch.services import backup_request, call_create, unit_assign
from tests.dispatch.conftest import AFTERNOON, welfare_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(AFTERNOON + timedelta(minutes=5), tick=False) as traveller:
        yield traveller


def test_it_lists_a_call_takers_own_calls_and_opens_them(
    clock, client_for, call_taker, dispatcher, make_call
):
    mine = make_call(address="1 Mine St")
    theirs, _ = call_create(by=dispatcher, data=welfare_check(address="2 Theirs St"))
    client = client_for(call_taker)
    page = client.get("/dispatch/my-calls/").content.decode()
    assert "1 Mine St" in page and "2 Theirs St" not in page
    call_page = client.get(f"/dispatch/calls/{mine.pk}/")
    assert call_page.status_code == 200
    body = call_page.content.decode()
    assert "Add supplement" in body and "Add note" in body
    assert "Cancel call" not in body and "Close as duplicate" not in body
    assert theirs.pk != mine.pk


def test_it_adds_a_note_with_htmx_and_without(clock, client_for, dispatcher, make_call):
    call = make_call()
    client = client_for(dispatcher)
    url = f"/dispatch/calls/{call.pk}/notes/"
    plain = client.post(url, {"text": "door locked, no answer"})
    assert plain.status_code == 302
    partial = client.post(url, {"text": "neighbour has a key"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200 and 'id="timeline"' in body and "<html" not in body
    assert "neighbour has a key" in body and "door locked, no answer" in body
    empty = client.post(url, {"text": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "text: This field is required." in empty
    refused = client.post(url, {"text": ""})
    assert (
        refused.status_code == 400 and "text: This field is required." in refused.content.decode()
    )
    assert CallNote.objects.count() == 2


def test_it_keeps_a_refused_supplement_on_the_page(clock, client_for, call_taker, make_call):
    call = make_call()
    response = client_for(call_taker).post(
        f"/dispatch/calls/{call.pk}/supplements/",
        {"text": "he moved on", "callback_number": "9" * 41},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "callback_number:" in body and "he moved on" in body
    assert not CallNote.objects.exists()


def test_it_asks_to_confirm_a_fallback_while_units_are_available(
    clock, client_for, dispatcher, make_call, heart_unit
):
    call = make_call()
    client = client_for(dispatcher)
    asked = client.post(f"/dispatch/calls/{call.pk}/fall-back/")
    assert asked.status_code == 200
    assert "1 HEART unit available:" in asked.content.decode()
    assert "HEART-1. Fall back anyway?" in asked.content.decode()
    assert Call.objects.get(pk=call.pk).route == "HEART"
    done = client.post(f"/dispatch/calls/{call.pk}/fall-back/", {"confirm": "yes"})
    assert done.status_code == 302
    assert Call.objects.get(pk=call.pk).route == "CO_RESPONSE"


def test_it_offers_a_fallback_only_where_the_route_has_one(
    clock, client_for, dispatcher, make_call
):
    client = client_for(dispatcher)
    heart = make_call()
    assert "No unit: fall back now" in client.get(f"/dispatch/calls/{heart.pk}/").content.decode()
    police = make_call(override_route="POLICE", override_reason="officer nearby")
    page = client.get(f"/dispatch/calls/{police.pk}/").content.decode()
    assert "No unit: fall back now" not in page and "Hold for a POLICE unit" in page


def test_it_offers_and_records_a_handoff_only_where_police_held_the_call(
    clock, client_for, dispatcher, make_call
):
    call = make_call(answers={"weapon": "yes", "violence": "no"})  # co-response, never police
    client = client_for(dispatcher)
    assert "Record handoff" not in client.get(f"/dispatch/calls/{call.pk}/").content.decode()
    response = client.post(
        f"/dispatch/calls/{call.pk}/handoff/", {"reason": "x", "target": "HEART"}, follow=True
    )
    assert "only a call police held can be handed off" in response.content.decode()
    police = make_call(override_route="POLICE", override_reason="officer nearby")
    assert "Record handoff" in client.get(f"/dispatch/calls/{police.pk}/").content.decode()


def test_it_shows_and_clears_the_board_alerts(
    clock, client_for, dispatcher, responder, make_call, heart_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    backup_request(call_id=call.pk, unit_id=heart_unit.pk, reason="crowd gathering", by=responder)
    client = client_for(dispatcher)
    board = client.get("/dispatch/board/").content.decode()
    assert f'data-alert="backup-{call.pk}"' in board and "crowd gathering" in board
    with time_machine.travel(AFTERNOON + timedelta(minutes=6), tick=False):
        acked = client.post(
            f"/dispatch/calls/{call.pk}/acknowledge/", {"kind": "backup", "next": "board"}
        )
        assert acked.status_code == 302 and acked["Location"] == "/dispatch/board/"
        board = client.get("/dispatch/board/").content.decode()
    assert f'data-alert="backup-{call.pk}"' not in board
    assert "backup requested · acknowledged" in board
    assert AlertAcknowledgement.objects.get().by == dispatcher


def test_the_alert_panel_names_backups_and_the_first_overdue_calls_and_counts_the_rest(
    clock, client_for, dispatcher, responder, make_call, heart_unit
):
    from dispatch.views.board import ALERT_PANEL_OVERDUE

    on_call = make_call(address="9 Backup Rd")
    unit_assign(call_id=on_call.pk, unit_id=heart_unit.pk, by=dispatcher)
    backup_request(call_id=on_call.pk, unit_id=heart_unit.pk, reason="crowd", by=responder)
    # Eight P2 welfare checks waiting past their ten minutes, the oldest first in the queue.
    overdue = [
        make_call(address=f"{n} Surge St", received_at=AFTERNOON - timedelta(minutes=30 - n))
        for n in range(8)
    ]
    with time_machine.travel(AFTERNOON + timedelta(minutes=10), tick=False):
        board = client_for(dispatcher).get("/dispatch/board/").content.decode()
    panel = board[board.index('id="board-alerts"') : board.index('class="card queue"')]
    assert 'class="count">9<' in panel  # every alert counted
    assert f'data-alert="backup-{on_call.pk}"' in panel
    named = [c for c in overdue if f'data-alert="overdue-{c.pk}"' in panel]
    assert named == overdue[:ALERT_PANEL_OVERDUE]
    assert "3 more overdue calls" in panel
    # Each overdue call, named in the panel or not, is acknowledged on its row in the queue.
    queue = board[board.index('class="card queue"') :]
    for call in overdue:
        assert f'data-alert="overdue-{call.pk}"' in queue
    assert queue.count('class="inline ack-overdue"') == len(overdue)


def test_it_refuses_an_empty_note_from_the_phone_view(
    clock, client_for, dispatcher, responder, make_call, heart_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    response = client_for(responder).post("/dispatch/my-unit/note/", {"text": ""})
    assert response.status_code == 400
    assert "text: This field is required." in response.content.decode()
    client_for(responder).post("/dispatch/my-unit/note/", {"text": "staying 30 min"})
    assert CallNote.objects.get().unit == heart_unit
