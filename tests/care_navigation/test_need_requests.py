"""A navigator opening a case for someone in another navigator's care writes nothing to that
case and learns nothing of it: the needs go to its navigator as a request, accepted or
declined on the case page (finding 5 of issue 17)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from access.models import AuditEntry
from care_navigation.models import CaseNeed, NeedRequest, Notification, NotificationRead
from care_navigation.selectors import notification_list

pytestmark = pytest.mark.django_db


def open_through_api(client, call, needs=("food",)):
    return client.post(
        "/api/v1/cases/",
        {"call": call.pk, "needs": list(needs), "consent": True},
        content_type="application/json",
    )


def test_it_sends_the_needs_as_a_request_without_revealing_the_case(
    client_for, case, other_navigator, make_call, person
):
    before = list(case.needs.values_list("need", flat=True))
    response = open_through_api(client_for(other_navigator), make_call(person=person))
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"detail", "need_request"}
    assert str(case.pk) not in body["detail"] and "nia" not in body["detail"].lower()
    assert list(case.needs.values_list("need", flat=True)) == before  # nothing written to it
    asked = NeedRequest.objects.get(pk=body["need_request"])
    assert (asked.case_id, asked.needs, asked.status, asked.requested_by) == (
        case.pk,
        ["food"],
        "pending",
        other_navigator,
    )
    entry = AuditEntry.objects.get(action="case.need_request")
    assert (entry.username, entry.object_id) == ("noor", str(case.pk))


def test_it_tells_the_cases_navigator_and_lets_them_accept(
    client_for, case, navigator, other_navigator, make_call, person
):
    open_through_api(
        client_for(other_navigator), make_call(person=person), needs=["food", "benefits"]
    )
    assert [n.kind for n in notification_list(user=navigator)][0] == "need_request"
    assert not notification_list(user=other_navigator)

    nia = client_for(navigator)
    page = nia.get(reverse("care_navigation:case", args=[case.pk])).content.decode()
    assert "Needs requested by other navigators" in page and "food, benefits" in page
    asked = NeedRequest.objects.get()
    url = reverse("care_navigation:need_request_decide", args=[case.pk, asked.pk])
    response = nia.post(url, {"decision": "accept"})
    assert response.status_code == 302
    assert set(case.needs.values_list("need", flat=True)) >= {"food", "benefits"}
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == ("accepted", navigator)
    assert AuditEntry.objects.get(action="case.need_request_accept").detail["needs_added"] == [
        "food",
        "benefits",
    ]
    # Decided once: a second answer is an error by field, and the page no longer lists it.
    again = nia.post(url, {"decision": "decline"})
    assert again.status_code == 400 and "accepted already" in again.content.decode()


def test_it_lets_the_navigator_decline(
    client_for, case, navigator, other_navigator, make_call, person
):
    open_through_api(client_for(other_navigator), make_call(person=person))
    asked = NeedRequest.objects.get()
    url = reverse("care_navigation:need_request_decide", args=[case.pk, asked.pk])
    assert client_for(navigator).post(url, {"decision": "decline"}).status_code == 302
    assert not CaseNeed.objects.filter(case=case, need="food").exists()
    asked.refresh_from_db()
    assert asked.status == "declined"


def test_it_keeps_the_request_from_the_navigator_who_sent_it(
    client_for, case, other_navigator, make_call, person
):
    open_through_api(client_for(other_navigator), make_call(person=person))
    asked = NeedRequest.objects.get()
    url = reverse("care_navigation:need_request_decide", args=[case.pk, asked.pk])
    assert client_for(other_navigator).post(url, {"decision": "accept"}).status_code == 404
    assert NeedRequest.objects.get().status == "pending"


def test_it_raises_the_notification_again_with_each_request(
    client_for, case, navigator, other_navigator, make_call, person, clock
):
    noor = client_for(other_navigator)
    open_through_api(noor, make_call(person=person))
    raised = Notification.objects.get(case=case, kind="need_request")
    NotificationRead.objects.create(notification=raised, user=navigator, at=raised.created_at)
    clock.shift(3600)
    open_through_api(noor, make_call(person=person), needs=["medical"])
    assert Notification.objects.filter(case=case, kind="need_request").count() == 1
    assert not NotificationRead.objects.filter(notification=raised).exists()
    assert NeedRequest.objects.filter(case=case, status="pending").count() == 2


def test_it_answers_the_page_form_the_same_way(
    client_for, case, other_navigator, make_call, person
):
    call = make_call(person=person)
    response = client_for(other_navigator).post(
        reverse("care_navigation:case_new"),
        {"call": str(call.pk), "needs": ["food"], "consent": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("care_navigation:caseload")
    page = response.content.decode()
    assert "sent to its navigator as a request" in page
    assert f"Case {case.pk}" not in page
    assert NeedRequest.objects.filter(case=case).count() == 1


def test_it_still_joins_a_case_its_navigator_or_a_supervisor_opens(
    client_for, case, navigator, supervisor, make_call, person
):
    assert open_through_api(client_for(navigator), make_call(person=person)).status_code == 201
    response = open_through_api(client_for(supervisor), make_call(person=person), needs=["medical"])
    assert response.status_code == 201 and response.json()["id"] == case.pk
    assert {"food", "medical"} <= set(case.needs.values_list("need", flat=True))
    assert not NeedRequest.objects.exists()
