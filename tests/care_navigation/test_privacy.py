"""Who reads what: the assigned navigator and supervisors; every read is audited."""

import pytest
from django.urls import reverse

from access.models import AuditEntry
from care_navigation import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def sensitive_case(case, navigator):
    services.need_add(
        case=case, by=navigator, need="substance_use", detail="Opioid use, wants methadone"
    )
    services.note_add(case=case, by=navigator, text="Sleeps at the bus station most nights")
    return case


def page(case):
    return reverse("care_navigation:case", args=[case.pk])


def api(case):
    return f"/api/v1/cases/{case.pk}/"


def test_it_shows_the_case_to_its_navigator_and_audits_each_read(
    client_for, sensitive_case, navigator
):
    client = client_for(navigator)
    response = client.get(page(sensitive_case))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Opioid use, wants methadone" in text
    assert "Sleeps at the bus station" in text
    client.get(api(sensitive_case))
    reads = AuditEntry.objects.filter(object_id=str(sensitive_case.pk), username="nia")
    assert reads.filter(action="case.read").count() == 2
    assert reads.filter(action="case.substance_use.read").count() == 2


def test_it_audits_no_substance_use_read_when_there_is_none(client_for, case, navigator):
    client_for(navigator).get(page(case))
    assert AuditEntry.objects.filter(action="case.read").count() == 1
    assert not AuditEntry.objects.filter(action="case.substance_use.read").exists()


def test_it_hides_a_case_from_another_navigator(client_for, sensitive_case, other_navigator):
    client = client_for(other_navigator)
    response = client.get(page(sensitive_case))
    assert response.status_code == 404
    assert b"methadone" not in response.content
    assert client.get(api(sensitive_case)).status_code == 404
    assert (
        client.post(
            f"/api/v1/cases/{sensitive_case.pk}/contacts/",
            {"channel": "phone", "reached": True},
            content_type="application/json",
        ).status_code
        == 404
    )
    denied = AuditEntry.objects.filter(username="noor", outcome="denied")
    assert denied.filter(action="case.read").count() == 2
    assert denied.filter(action="case.write").count() == 1
    ids = {c["id"] for c in client.get("/api/v1/cases/").json()["results"]}
    assert sensitive_case.pk not in ids


def test_it_refuses_call_takers_but_tells_them_who_the_navigator_is(
    client_for, sensitive_case, call_taker
):
    client = client_for(call_taker)
    assert client.get(page(sensitive_case)).status_code == 403
    assert client.get(api(sensitive_case)).status_code == 403
    assert client.get(reverse("care_navigation:caseload")).status_code == 403
    assert client.get("/api/v1/cases/").status_code == 403
    assert client.get("/api/v1/notifications/").status_code == 403
    # What the intake screen may know: an open case, and whose.
    assert selectors.open_case_for_people([sensitive_case.person_id]) == {
        sensitive_case.person_id: "nia"
    }
    assert AuditEntry.objects.filter(
        username="casey", action="case.read", outcome="denied"
    ).exists()


def test_it_lets_a_supervisor_read_every_case(client_for, sensitive_case, supervisor):
    client = client_for(supervisor)
    response = client.get(page(sensitive_case))
    assert response.status_code == 200 and b"methadone" in response.content
    body = client.get(api(sensitive_case)).json()
    assert {"need": "substance_use", "detail": "Opioid use, wants methadone"} in body["needs"]
    assert body["notes"][0]["text"] == "Sleeps at the bus station most nights"
    assert AuditEntry.objects.filter(username="sam", action="case.substance_use.read").count() == 2


def test_it_keeps_substance_use_off_lists(client_for, sensitive_case, navigator):
    client = client_for(navigator)
    listed = client.get("/api/v1/cases/").json()["results"][0]
    assert listed["needs"] == ["housing"]
    caseload = client.get(reverse("care_navigation:caseload")).content.decode()
    assert "substance" not in caseload and "methadone" not in caseload
    assert not AuditEntry.objects.filter(action="case.substance_use.read").exists()


def test_it_lets_only_supervisors_extend_and_assign(
    client_for, case, navigator, supervisor, other_navigator
):
    extend = reverse("care_navigation:case_extend", args=[case.pk])
    data = {"days": 10, "reason": "Intensive support"}
    assert client_for(navigator).post(extend, data).status_code == 403
    assert client_for(supervisor).post(extend, data).status_code == 302
    assign = reverse("care_navigation:case_assign", args=[case.pk])
    assert client_for(navigator).post(assign, {"navigator": other_navigator.pk}).status_code == 403
    assert client_for(supervisor).post(assign, {"navigator": other_navigator.pk}).status_code == 302
    case.refresh_from_db()
    assert case.navigator == other_navigator
    # Reassigned: Nia no longer sees it.
    assert client_for(navigator).get(page(case)).status_code == 404


def test_it_shows_notifications_only_to_those_concerned(
    client_for, case, navigator, other_navigator, supervisor
):
    services.care_sweep(now=case.first_contact_due)
    assert selectors.notification_unread_count(user=navigator) == 2
    assert selectors.notification_unread_count(user=other_navigator) == 0
    assert selectors.notification_unread_count(user=supervisor) == 1
    kinds = [n["kind"] for n in client_for(supervisor).get("/api/v1/notifications/").json()]
    assert kinds == ["first_contact_overdue"]
