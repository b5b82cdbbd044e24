"""Login, logout, navigation by role, the audit log page, the API's user and token, and that
nothing is served to anonymous users."""

import pytest
from django.test import Client
from django.urls import reverse

from access.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = ["/", "/audit/", "/admin/"]
API = ["/api/v1/", "/api/v1/me/", "/api/v1/schema/", "/api/v1/docs/"]


@pytest.mark.parametrize("url", PAGES)
def test_it_sends_anonymous_users_to_the_login_page(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert (
        response["Location"].startswith("/accounts/login/")
        or "/admin/login/" in response["Location"]
    )


@pytest.mark.parametrize("url", API)
def test_it_refuses_the_api_to_anonymous_users(url):
    response = Client().get(url)
    assert response.status_code in (401, 403)
    assert b"department" not in response.content


def test_it_signs_in_shows_the_layout_and_signs_out(call_taker):
    client = Client()
    response = client.post(
        reverse("login"), {"username": "casey", "password": PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Community Safety Department" in page
    assert "casey" in page and "call_taker" in page
    assert 'class="clock"' in page and 'data-tz="America/New_York"' in page
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302
    actions = list(AuditEntry.objects.values_list("action", "outcome"))
    assert ("login", "success") in actions and ("logout", "success") in actions


def test_it_records_a_failed_login(call_taker):
    response = Client().post(reverse("login"), {"username": "casey", "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    entry = AuditEntry.objects.get(action="login")
    assert (entry.username, entry.outcome) == ("casey", "failure")


def test_it_shows_navigation_by_role(client_for, call_taker, supervisor, admin_user_role):
    supervisor_page = client_for(supervisor).get("/").content.decode()
    assert 'href="/audit/"' in supervisor_page
    assert 'href="/admin/"' not in supervisor_page
    call_taker_page = client_for(call_taker).get("/").content.decode()
    assert 'href="/audit/"' not in call_taker_page
    assert 'href="/admin/"' in client_for(admin_user_role).get("/").content.decode()


def test_it_forbids_the_audit_log_without_the_permission(client_for, call_taker, supervisor):
    assert client_for(call_taker).get("/audit/").status_code == 403
    assert client_for(supervisor).get("/audit/").status_code == 200


def test_it_reports_a_bad_audit_filter_by_field(client_for, supervisor):
    page = client_for(supervisor).get("/audit/?since=yesterday&outcome=maybe").content.decode()
    assert "since: &#x27;yesterday&#x27; is not a date" in page
    assert "outcome: must be one of success, failure, denied" in page


def test_it_authenticates_the_api_with_a_token(call_taker):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=call_taker)
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json() == {
        "id": call_taker.pk,
        "username": "casey",
        "roles": ["call_taker"],
        "unit": None,
    }
