"""The care-navigation API: cases, contacts, referrals, notifications, and its schema."""

from datetime import timedelta

import pytest

from care_navigation import services
from care_navigation.hsds import hsds_import
from care_navigation.models import Case, Referral, Service
from tests.care_navigation.conftest import EXCERPT, T0

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def test_it_lists_a_navigators_own_cases_and_all_for_a_supervisor(
    client_for, clock, navigator, other_navigator, supervisor, make_case
):
    mine = make_case(person_name="First Person")
    theirs = make_case(person_name="Second Person")
    assert (mine.navigator, theirs.navigator) == (navigator, other_navigator)
    listed = client_for(navigator).get("/api/v1/cases/").json()
    assert [c["id"] for c in listed["results"]] == [mine.pk] and listed["count"] == 1
    everything = client_for(supervisor).get("/api/v1/cases/?status=open").json()
    assert {c["id"] for c in everything["results"]} == {mine.pk, theirs.pk}
    assert client_for(supervisor).get("/api/v1/cases/?status=closed").json()["count"] == 0
    bad = client_for(supervisor).get("/api/v1/cases/?status=pending")
    assert bad.status_code == 400 and "status" in bad.json()


def test_it_returns_a_case_with_its_clocks_and_flags(client_for, case, navigator):
    body = client_for(navigator).get(f"/api/v1/cases/{case.pk}/").json()
    assert body["status"] == "open" and body["outcome"] is None
    assert body["first_contact_due"] == "2026-03-12T09:00:00-04:00"
    assert body["closes_at"] == "2026-04-09T09:00:00-04:00"
    assert body["flags"] == {
        "first_contact_overdue": False,
        "unable_to_reach": False,
        "closing_soon": False,
        "extended": False,
        "familiar_neighbor": False,
        "person_needs_review": False,
    }
    assert body["navigator"]["username"] == "nia"
    assert body["needs"] == [{"need": "housing", "detail": ""}]
    assert {e["kind"] for e in body["timeline"]} == {"call", "case"}


def test_it_flags_an_extended_case(client_for, case, supervisor):
    services.case_extend(
        case=case, by=supervisor, closes_at=case.closes_at + timedelta(days=7), reason="Bed"
    )
    client = client_for(supervisor)
    assert client.get("/api/v1/cases/").json()["results"][0]["flags"]["extended"] is True
    body = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert body["flags"]["extended"] is True
    assert body["extensions"][0]["reason"] == "Bed"
    assert body["closes_at"] == "2026-04-16T09:00:00-04:00"


def test_it_shows_the_outcome_of_a_closed_case(client_for, case, supervisor):
    services.care_sweep(now=T0 + timedelta(days=30))
    body = client_for(supervisor).get(f"/api/v1/cases/{case.pk}/").json()
    assert (body["status"], body["outcome"]) == ("closed", "unable_to_reach")
    assert body["flags"]["first_contact_overdue"] is False


def test_it_opens_a_case_from_a_call(client_for, clock, navigator, make_call):
    call = make_call()
    response = post(
        client_for(navigator),
        "/api/v1/cases/",
        {"call": call.pk, "needs": ["food"], "consent": True, "person_name": "Ana Lima"},
    )
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert (case.navigator, case.person.name) == (navigator, "Ana Lima")
    assert body["source"] == "navigator"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"needs": ["food"], "consent": True}, "call"),
        ({"call": 999, "needs": ["food"], "consent": True}, "call"),
        ({"call": "CALL", "needs": ["food"], "consent": True}, "call"),
        ({"call": 1, "needs": [], "consent": True}, "needs"),
        ({"call": 1, "needs": ["shelter"], "consent": True}, "needs"),
        ({"call": 1, "needs": ["food"], "consent": False}, "consent"),
        ({"call": 1, "needs": ["food"]}, "consent"),
        ({"call": 1, "needs": ["food"], "consent": True, "person": 999}, "person"),
        (
            {"call": 1, "needs": ["food"], "consent": True, "date_of_birth": "May 1"},
            "date_of_birth",
        ),
    ],
)
def test_it_answers_400_with_field_errors(client_for, clock, navigator, make_call, data, field):
    call = make_call()
    if data.get("call") == 1:  # 1 stands for the call just made
        data = {**data, "call": call.pk}
    response = post(client_for(navigator), "/api/v1/cases/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert Case.objects.count() == 0


def test_it_logs_contacts(client_for, case, navigator):
    client = client_for(navigator)
    url = f"/api/v1/cases/{case.pk}/contacts/"
    response = post(client, url, {"channel": "phone", "reached": False, "note": "voicemail"})
    assert response.status_code == 201
    assert response.json()["channel"] == "phone" and response.json()["by"] == "nia"
    for data, field in [
        ({"channel": "pigeon", "reached": True}, "channel"),
        ({"channel": "phone"}, "reached"),
        ({"channel": "phone", "reached": False, "declined": True}, "declined"),
        ({"channel": "phone", "reached": True, "at": "2027-01-01T00:00:00Z"}, "at"),
    ]:
        bad = post(client, url, data)
        assert bad.status_code == 400 and field in bad.json(), data
    assert case.contacts.count() == 1


def test_it_refers_and_moves_referrals(client_for, case, navigator):
    hsds_import(path=EXCERPT)
    service = Service.objects.get(hsds_id="1276")
    client = client_for(navigator)
    url = f"/api/v1/cases/{case.pk}/referrals/"
    created = post(client, url, {"need": "mental_health", "service": service.pk})
    assert created.status_code == 201
    referral = created.json()
    assert (referral["status"], referral["service_name"]) == ("referred", service.name)
    assert post(client, url, {"need": "food"}).status_code == 400
    assert post(client, url, {"need": "food", "service": 99999}).json() == {
        "service": ["service 99999 is not in the directory"]
    }
    free = post(client, url, {"need": "food", "service_name": "Church pantry on 5th"})
    assert free.status_code == 201 and free.json()["service"] is None

    one = f"/api/v1/referrals/{referral['id']}/"
    scheduled = patch(client, one, {"status": "scheduled", "scheduled_for": "2026-03-11T10:00"})
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "scheduled"
    backwards = patch(client, one, {"status": "referred"})
    assert backwards.status_code == 400
    assert "cannot go from scheduled to referred" in backwards.json()["status"][0]
    assert patch(client, one, {"status": "lost"}).status_code == 400
    connected = patch(client, one, {"status": "connected"})
    assert connected.json()["connected_at"] == "2026-03-10T09:00:00-04:00"
    assert Case.objects.get(pk=case.pk).connected_at == T0
    final = patch(client, one, {"status": "declined"})
    assert "connected is final" in final.json()["status"][0]


def test_it_hides_referrals_of_other_navigators_cases(client_for, case, navigator, other_navigator):
    referral = services.referral_create(case=case, by=navigator, need="food", service_name="X")
    url = f"/api/v1/referrals/{referral.pk}/"
    assert patch(client_for(other_navigator), url, {"status": "scheduled"}).status_code == 404
    assert patch(client_for(other_navigator), "/api/v1/referrals/999/", {}).status_code == 404
    assert Referral.objects.get().status == "referred"


def test_it_lists_and_marks_notifications(client_for, case, navigator):
    services.care_sweep(now=T0 + timedelta(hours=48))
    client = client_for(navigator)
    listed = client.get("/api/v1/notifications/").json()
    assert [(n["kind"], n["case"], n["read"]) for n in listed] == [
        ("first_contact_overdue", case.pk, False),
        ("new_case", case.pk, False),
    ]
    assert listed[0]["person"] == "Jordan Reyes" and listed[0]["navigator"] == "nia"
    marked = post(client, "/api/v1/notifications/read/", {"ids": [listed[0]["id"]]})
    assert marked.json() == {"marked": 1}
    unread = client.get("/api/v1/notifications/?unread=1").json()
    assert [n["kind"] for n in unread] == ["new_case"]
    assert post(client, "/api/v1/notifications/read/", {"all": True}).json() == {"marked": 1}


def test_it_accepts_a_token(case, navigator):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=navigator).key}")
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200


def test_it_documents_the_endpoints_in_the_schema(client_for, navigator):
    schema = client_for(navigator).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/cases/"])
    assert "get" in paths["/api/v1/cases/{case_id}/"]
    assert "post" in paths["/api/v1/cases/{case_id}/contacts/"]
    assert "post" in paths["/api/v1/cases/{case_id}/referrals/"]
    assert "patch" in paths["/api/v1/referrals/{referral_id}/"]
    assert "get" in paths["/api/v1/notifications/"]
    detail = schema["components"]["schemas"]["CaseDetail"]["properties"]
    assert {"status", "outcome", "first_contact_due", "closes_at", "flags"} <= set(detail)
