"""The pages, with and without htmx: each works as plain HTML and swaps a part under htmx."""

from datetime import timedelta

import pytest
from django.urls import reverse

from access import roles
from care_navigation import services
from care_navigation.hsds import hsds_import
from care_navigation.models import Case, Notification, NotificationRead, Referral, Service
from tests.care_navigation.conftest import EXCERPT, T0

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def case_url(case, name="case"):
    return reverse(f"care_navigation:{name}", args=[case.pk])


def test_it_renders_the_caseload_page_and_its_htmx_partial(client_for, case, navigator):
    client = client_for(navigator)
    full = client.get(reverse("care_navigation:caseload"))
    assert full.status_code == 200
    page = full.content.decode()
    assert "<html" in page and 'id="caseload"' in page
    assert "Jordan Reyes" in page and "My open cases" in page
    assert 'href="/care/"' in page  # the Caseload entry of the main navigation
    partial = client.get(reverse("care_navigation:caseload"), **HX).content.decode()
    assert "<html" not in partial and partial.lstrip().startswith('<div id="caseload">')


def test_it_renders_the_case_page_and_its_htmx_partial(client_for, case, navigator):
    client = client_for(navigator)
    full = client.get(case_url(case)).content.decode()
    assert "<html" in full and f"Case {case.pk}: Jordan Reyes" in full
    partial = client.get(case_url(case), **HX).content.decode()
    assert "<html" not in partial and partial.lstrip().startswith('<div id="case-body"')


def test_it_logs_a_contact_with_a_plain_post(client_for, case, navigator):
    client = client_for(navigator)
    response = client.post(case_url(case, "contact_add"), {"channel": "phone", "reached": "yes"})
    assert response.status_code == 302 and response["Location"] == case_url(case)
    assert Case.objects.get(pk=case.pk).first_contact_at == T0
    assert "Contact attempt logged." in client.get(case_url(case)).content.decode()


def test_it_logs_a_contact_with_htmx_and_answers_the_case(client_for, case, navigator):
    response = client_for(navigator).post(
        case_url(case, "contact_add"), {"channel": "text", "reached": "no"}, **HX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="case-body"') and "not reached" in body
    assert case.contacts.count() == 1


def test_it_shows_form_errors_as_400_or_as_an_htmx_swap(client_for, case, navigator):
    client = client_for(navigator)
    plain = client.post(case_url(case, "contact_add"), {"channel": "fax", "reached": "no"})
    assert plain.status_code == 400 and "<html" in plain.content.decode()
    assert "Select a valid choice" in plain.content.decode()
    swapped = client.post(case_url(case, "contact_add"), {"channel": "fax", "reached": "no"}, **HX)
    assert swapped.status_code == 200 and "Select a valid choice" in swapped.content.decode()
    assert case.contacts.count() == 0


def test_it_refuses_get_on_a_form_endpoint(client_for, case, navigator):
    assert client_for(navigator).get(case_url(case, "contact_add")).status_code == 405


def test_it_refers_to_a_directory_service_and_moves_the_referral(client_for, case, navigator):
    hsds_import(path=EXCERPT)
    service = Service.objects.get(hsds_id="618")
    client = client_for(navigator)
    search = client.get(case_url(case) + "?need=housing&q=wow").content.decode()
    assert "THE WOW CENTER" in search and f'name="service" value="{service.pk}"' in search
    client.post(case_url(case, "referral_add"), {"need": "housing", "service": service.pk})
    referral = Referral.objects.get()
    assert (referral.service, referral.service_name) == (service, "THE WOW CENTER")
    change = reverse("care_navigation:referral_change", args=[referral.pk])
    assert client.post(change, {"status": "scheduled"}).status_code == 302
    bad = client.post(change, {"status": "referred"}, **HX).content.decode()
    assert "cannot go from scheduled to referred" in bad
    assert Referral.objects.get().status == "scheduled"


def test_it_searches_the_directory_with_and_without_htmx(client_for, case, navigator):
    hsds_import(path=EXCERPT)
    client = client_for(navigator)
    url = reverse("care_navigation:directory") + "?need=substance_use&lat=25.78&lon=-80.2"
    page = client.get(url).content.decode()
    assert "<html" in page and "DADE FAMILY COUNSELING" in page and " km</span>" in page
    partial = client.get(url + f"&case={case.pk}", **HX).content.decode()
    assert partial.lstrip().startswith('<div id="service-results"')
    assert "Refer for" in partial and "Substance use" in partial


def test_it_filters_the_directory_by_the_language_offered(client_for, navigator):
    hsds_import(path=EXCERPT)
    client = client_for(navigator)
    url = reverse("care_navigation:directory")
    every = client.get(url + "?q=").content.decode()
    creole = client.get(url + "?language=ht").content.decode()
    assert 'value="ht" selected' in creole
    assert creole.count('<li class="service">') < every.count('<li class="service">')
    listed = creole.split('<li class="service">')[1:]
    assert listed and all('title="languages offered">' in item for item in listed)
    assert all("HT" in item.split('title="languages offered">')[1][:20] for item in listed)
    bad = client.get(url + "?language=klingon").content.decode()
    assert "language: " in bad


def test_it_records_needs_notes_extensions_and_assignments(
    client_for, case, navigator, supervisor, other_navigator
):
    client = client_for(navigator)
    client.post(case_url(case, "need_add"), {"need": "food", "detail": "No fridge"})
    client.post(case_url(case, "note_add"), {"text": "Prefers texts"})
    assert case.needs.filter(need="food", detail="No fridge").exists()
    assert case.notes.get().text == "Prefers texts"
    boss = client_for(supervisor)
    boss.post(case_url(case, "case_extend"), {"days": "14", "reason": "Waiting for a bed"})
    assert Case.objects.get(pk=case.pk).closes_at == T0 + timedelta(days=44)
    boss.post(case_url(case, "case_assign"), {"navigator": other_navigator.pk})
    assert Case.objects.get(pk=case.pk).navigator == other_navigator


def test_it_confirms_or_merges_a_suggested_person(client_for, navigator, person, make_case):
    case = make_case(person_name="Jordan Reyes", phone="919.555.0100")
    client = client_for(navigator)
    page = client.get(case_url(case)).content.decode()
    assert "Is this someone we know?" in page and "same phone" in page
    response = client.post(
        case_url(case, "person_confirm"), {"action": "merge", "person": person.pk}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).person == person


def test_it_lets_a_navigator_take_an_unassigned_case(
    client_for, clock, person, make_case, make_user
):
    case = make_case(person=person)
    assert case.navigator is None
    nia = make_user("nia", roles.NAVIGATOR)
    client = client_for(nia)
    assert "Take this case" in client.get(reverse("care_navigation:caseload")).content.decode()
    assert client.post(case_url(case, "case_claim")).status_code == 302
    assert Case.objects.get(pk=case.pk).navigator == nia
    assert client.post(case_url(case, "case_claim")).status_code == 302  # already taken
    assert "was taken by someone else" in client.get("/care/").content.decode()


def test_it_opens_a_case_from_a_call(client_for, clock, navigator, make_call):
    call = make_call()
    client = client_for(navigator)
    form = client.get(reverse("care_navigation:case_new") + f"?call={call.pk}").content.decode()
    assert f"Call {call.pk}" in form
    missing = client.post(reverse("care_navigation:case_new"), {"call": call.pk, "needs": ["food"]})
    assert missing.status_code == 400 and Case.objects.count() == 0
    response = client.post(
        reverse("care_navigation:case_new"),
        {"call": call.pk, "needs": ["food", "medical"], "consent": "on", "person_name": "Ana Lima"},
    )
    case = Case.objects.get()
    assert response["Location"] == case_url(case)
    assert (case.navigator, case.source, case.person.name) == (navigator, "navigator", "Ana Lima")


def test_it_lists_notifications_and_marks_them_read(client_for, case, navigator):
    services.care_sweep(now=T0 + timedelta(days=26))
    client = client_for(navigator)
    home = client.get("/").content.decode()
    assert 'class="care-notifications"' in home and 'aria-label="3 unread"' in home
    page = client.get(reverse("care_navigation:notifications")).content.decode()
    assert "First contact overdue" in page and "Closing soon" in page
    first = Notification.objects.filter(kind="closing_soon").get()
    partial = client.post(
        reverse("care_navigation:notifications_read"), {"id": first.pk}, **HX
    ).content.decode()
    assert partial.lstrip().startswith('<div id="notification-list"')
    assert NotificationRead.objects.filter(user=navigator).count() == 1
    client.post(reverse("care_navigation:notifications_read"), {"all": "1"})
    badge = client.get(reverse("care_navigation:notification_badge"))
    assert badge.content.decode().strip() == "Notifications"
    again = client.get(
        reverse("care_navigation:notification_badge"), HTTP_IF_NONE_MATCH=badge["ETag"]
    )
    assert again.status_code == 304


def test_it_shows_no_notification_link_to_other_roles(client_for, call_taker):
    assert 'class="care-notifications"' not in client_for(call_taker).get("/").content.decode()
