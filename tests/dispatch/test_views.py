"""The console pages with and without htmx, and what each role may reach."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dispatch.models import Call
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

INTAKE = {
    "call_type": "WELFARE_CHECK — Welfare check",
    "weapon": "no",
    "violence": "no",
    "address": "101 City Hall Plaza",
    "received_at": "2026-03-10T14:05:00-04:00",
    "idempotency_key": "form-key-1",
}


def test_it_saves_a_call_from_the_form_once_however_often_it_is_posted(client_for, call_taker):
    client = client_for(call_taker)
    page = client.get("/dispatch/intake/").content.decode()
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', page)
    first = client.post("/dispatch/intake/", INTAKE)
    again = client.post("/dispatch/intake/", INTAKE)  # a double click, a retried request
    assert first.status_code == again.status_code == 302
    assert Call.objects.count() == 1
    assert "already saved" in client.get("/dispatch/intake/").content.decode()


def test_it_requires_weapon_and_violence_for_behavioral_calls(client_for, call_taker):
    response = client_for(call_taker).post("/dispatch/intake/", {**INTAKE, "weapon": ""})
    assert response.status_code == 400
    assert "required for a behavioral call: ask the caller" in response.content.decode()
    assert not Call.objects.exists()


def test_it_refuses_a_call_time_before_1970_from_the_form(client_for, call_taker):
    posted = {**INTAKE, "received_at": "1900-03-10T14:05:00-04:00"}
    response = client_for(call_taker).post("/dispatch/intake/", posted)
    assert response.status_code == 400
    assert "is before 1970-01-01" in response.content.decode()
    assert not Call.objects.exists()


def test_it_names_an_unknown_call_type(client_for, call_taker):
    response = client_for(call_taker).post("/dispatch/intake/", {**INTAKE, "call_type": "UFO"})
    assert response.status_code == 400
    assert "&#x27;UFO&#x27; is not a known call type or mapped label" in response.content.decode()


def test_it_updates_the_recommendation_as_answers_change(client_for, call_taker):
    client = client_for(call_taker)
    partial = client.post("/dispatch/intake/recommend/", INTAKE, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in text
    assert "Welfare check, no weapon, no violence: HEART (R8-community)" in text
    armed = client.post(
        "/dispatch/intake/recommend/", {**INTAKE, "weapon": "yes"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "CO_RESPONSE" in armed and "P1" in armed
    missing = client.post(
        "/dispatch/intake/recommend/", {**INTAKE, "violence": ""}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Still to ask: violence" in missing


def test_it_shows_duplicates_and_prior_calls_beside_the_form(client_for, call_taker, make_call):
    earlier = make_call(received_at=timezone.now() - timedelta(minutes=5))
    panel = (
        client_for(call_taker)
        .post(
            "/dispatch/intake/context/",
            {"address": "101 city hall plaza", "lat": "35.9941", "lon": "-78.8981"},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert f"Link to #{earlier.pk}" in panel  # same address (any case), and within 150 m
    assert "Welfare check" in panel


def test_it_polls_the_board_cheaply_when_nothing_changed(client_for, dispatcher, make_call):
    make_call()
    client = client_for(dispatcher)
    full = client.get("/dispatch/board/")
    assert full.status_code == 200 and "<html" in full.content.decode()
    etag = re.search(r'data-etag="([0-9a-f]+)"', full.content.decode()).group(1)
    unchanged = client.get("/dispatch/board/", HTTP_HX_REQUEST="true", HTTP_X_BOARD_ETAG=etag)
    assert unchanged.status_code == 204
    make_call(address="9 Elm St")
    changed = client.get("/dispatch/board/", HTTP_HX_REQUEST="true", HTTP_X_BOARD_ETAG=etag)
    assert changed.status_code == 200 and "<html" not in changed.content.decode()
    assert "9 Elm St" in changed.content.decode()


def test_it_changes_the_board_etag_when_a_call_leaves_the_board(
    client_for, dispatcher, responder, make_call, heart_unit
):
    from dispatch.selectors import board_etag
    from dispatch.services import FeltSafe, call_clear, unit_assign

    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    before = board_etag()
    call_clear(
        call_id=call.pk,
        unit_id=heart_unit.pk,
        disposition="resolved_on_scene",
        felt_safe=[FeltSafe(responder.pk, True)],
        by=responder,
    )
    assert board_etag() != before
    page = client_for(dispatcher).get("/dispatch/board/").content.decode()
    assert f"#{call.pk} " not in page and "No units on calls." in page


def test_it_marks_a_call_waiting_past_its_warning_without_javascript(
    client_for, dispatcher, make_call
):
    late = make_call(received_at=timezone.now() - timedelta(minutes=45), address="1 Late St")
    make_call(received_at=timezone.now(), address="2 New St")
    page = client_for(dispatcher).get("/dispatch/board/").content.decode()
    rows = re.finditer(r'<tr class="waiting-row( overdue)?"[^>]*>(?:(?!</tr>).)*', page, re.S)
    marks = {("1 Late St" in row.group(0)): bool(row.group(1)) for row in rows}
    assert marks == {True: True, False: False}
    assert f"#{late.pk} " in page


def test_it_keeps_the_board_query_count_flat(
    client_for, dispatcher, make_call, django_assert_max_num_queries
):
    client = client_for(dispatcher)
    for i in range(3):
        make_call(address=f"{i} Oak St")
        UnitFactory(kind="HEART")
    client.get("/dispatch/board/")
    # 12, and 4 for the crews (docs/roster.md): the shifts on now in the ETag, the shifts and
    # the standing members on the units, the team templates; 1 counts the CCD phone line.
    with django_assert_max_num_queries(17) as few:
        client.get("/dispatch/board/")
    for i in range(30):
        make_call(address=f"{i} Pine St")
        UnitFactory(kind="POLICE")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/dispatch/board/")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/dispatch/intake/", {"call_taker", "dispatcher"}),
        ("/dispatch/board/", {"dispatcher", "supervisor"}),
        ("/dispatch/ccd/", {"ccd_clinician", "supervisor"}),
        ("/dispatch/my-unit/", {"responder"}),
    ],
)
def test_it_opens_each_page_to_its_roles_only(
    url,
    allowed,
    client_for,
    call_taker,
    dispatcher,
    responder,
    ccd_clinician,
    navigator,
    supervisor,
    outsider,
):
    actors = {
        "call_taker": call_taker,
        "dispatcher": dispatcher,
        "responder": responder,
        "ccd_clinician": ccd_clinician,
        "navigator": navigator,
        "supervisor": supervisor,
        "outsider": outsider,
    }
    for role, user in actors.items():
        status = client_for(user).get(url).status_code
        assert status == (200 if role in allowed else 403), (role, status)
    assert Client().get(url).status_code == 302


def test_it_lets_the_responder_clear_with_felt_safe(
    client_for, dispatcher, responder, heart_unit, make_call
):
    call = make_call()
    client_for(dispatcher).post(f"/dispatch/calls/{call.pk}/assign/", {"unit": heart_unit.pk})
    client = client_for(responder)
    page = client.get("/dispatch/my-unit/").content.decode()
    assert f"Call #{call.pk}" in page
    bad = client.post("/dispatch/my-unit/clear/", {"disposition": "resolved_on_scene"})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    ok = client.post(
        "/dispatch/my-unit/clear/",
        {"disposition": "resolved_on_scene", f"safe_{responder.pk}": "yes"},
    )
    assert ok.status_code == 302
    assert Call.objects.get(pk=call.pk).status == "closed"


def test_it_refuses_an_overlong_conversion_note_by_field(client_for, ccd_clinician, make_call):
    call = make_call(
        call_type="MENTAL_HEALTH",
        answers={
            "weapon": "no",
            "violence": "no",
            "caller_is_subject": "yes",
            "wants_in_person": "no",
        },
    )
    client = client_for(ccd_clinician)
    response = client.post(f"/dispatch/ccd/{call.pk}/convert/", {"reason": "x" * 501}, follow=True)
    assert "reason: at most 500 characters" in response.content.decode()
    assert Call.objects.get(pk=call.pk).status == "phone"


def test_it_refuses_a_long_narrative_on_the_form_by_field_and_shows_all_of_it(
    client_for, call_taker
):
    client = client_for(call_taker)
    blank = client.get("/dispatch/intake/").content.decode()
    textarea = re.search(r"<textarea[^>]*>", blank).group(0)
    assert 'name="narrative"' in textarea
    assert "maxlength" not in textarea  # a browser would cut a longer paste without a word
    assert 'data-max-chars="5000"' in textarea
    assert "At most 5,000 characters." in blank
    long = "word " * 1200  # 6,000 characters
    response = client.post("/dispatch/intake/", {**INTAKE, "narrative": long})
    assert response.status_code == 400
    page = response.content.decode()
    assert response.context["form"].errors["narrative"] == [
        "at most 5,000 characters; this one has 5999. Nothing was cut: shorten it and try again."
    ]
    assert 'id="narrative-error"' in page
    assert long.strip() in page
    assert not Call.objects.exists()


def test_it_names_the_saved_calls_key_once_so_the_browser_drops_its_draft(client_for, call_taker):
    client = client_for(call_taker)
    fresh = client.get("/dispatch/intake/").content.decode()
    assert 'data-saved-key=""' in fresh
    assert f'data-draft-key="fifth-branch:intake-draft:{call_taker.pk}"' in fresh
    refused = client.post("/dispatch/intake/", {**INTAKE, "weapon": ""}).content.decode()
    assert 'data-bound="1"' in refused and 'data-saved-key=""' in refused
    assert client.post("/dispatch/intake/", INTAKE).status_code == 302
    after = client.get("/dispatch/intake/").content.decode()
    assert f'data-saved-key="{INTAKE["idempotency_key"]}"' in after
    assert 'data-saved-key=""' in client.get("/dispatch/intake/").content.decode()
