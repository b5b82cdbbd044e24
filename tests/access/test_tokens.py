"""API tokens expire after API_TOKEN_HOURS (one shift), are revoked from the user's account
page, the admin's user page or on signing out when asked (access/token_auth.py,
access/services.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from access.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 3, 10, 19, 5, tzinfo=timezone.get_fixed_timezone(-240))


def obtain(username: str = "casey", client: Client | None = None):
    return (client or Client()).post(
        "/api/v1/auth/token/",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )


def me(key: str):
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")


def test_it_issues_a_token_valid_for_one_shift_and_says_until_when(call_taker):
    with time_machine.travel(START, tick=False):
        response = obtain()
        assert response.status_code == 200
        body = response.json()
        token = Token.objects.get(user=call_taker)
        assert body["token"] == token.key
        assert body["expires_at"] == "2026-03-11T07:05:00-04:00"  # 12 h later, New York time
        assert me(body["token"]).status_code == 200
        # Asking again during the shift answers the same token (one per user, as DRF's).
        assert obtain().json()["token"] == body["token"]
    entries = AuditEntry.objects.filter(action="login", user=call_taker).order_by("id")
    assert [e.detail["token"] for e in entries] == ["new", "existing"]


def test_it_refuses_an_expired_token_and_issues_a_new_one(call_taker):
    with time_machine.travel(START, tick=False):
        old = obtain().json()["token"]
    with time_machine.travel(START + timedelta(hours=11, minutes=59), tick=False):
        assert me(old).status_code == 200
    with time_machine.travel(START + timedelta(hours=12), tick=False):
        refused = me(old)
        assert refused.status_code == 403
        assert "Token expired" in refused.json()["detail"]
        new = obtain().json()["token"]
        assert new != old and me(new).status_code == 200
        assert not Token.objects.filter(key=old).exists()


def test_it_follows_the_lifetime_setting(settings, call_taker):
    settings.API_TOKEN_HOURS = 1
    with time_machine.travel(START, tick=False):
        key = obtain().json()["token"]
    with time_machine.travel(START + timedelta(minutes=61), tick=False):
        assert me(key).status_code == 403


def test_it_revokes_the_token_from_the_account_page(call_taker, client_for):
    key = obtain().json()["token"]
    page = client_for(call_taker)
    shown = page.get(reverse("account")).content.decode()
    assert "You hold an API token" in shown and "Revoke my API token" in shown
    response = page.post(reverse("account_token_revoke"))
    assert response.status_code == 302 and response["Location"] == reverse("account")
    assert me(key).status_code == 403
    assert "You hold no API token" in page.get(reverse("account")).content.decode()
    entry = AuditEntry.objects.get(action="token.revoke")
    assert (entry.username, entry.object_id, entry.detail) == (
        "casey",
        str(call_taker.pk),
        {"reason": "account page", "revoked": 1},
    )


def test_it_revokes_the_token_on_sign_out_only_when_asked(call_taker):
    key = obtain().json()["token"]
    browser = Client()
    browser.post(reverse("login"), {"username": "casey", "password": PASSWORD})
    browser.post(reverse("logout"))
    assert me(key).status_code == 200  # a plain sign-out leaves API clients signed in

    browser.post(reverse("login"), {"username": "casey", "password": PASSWORD})
    response = browser.post(reverse("logout"), {"revoke_tokens": "1"})
    assert response.status_code == 302
    assert me(key).status_code == 403
    assert browser.get("/").status_code == 302  # and the browser is signed out
    assert AuditEntry.objects.get(action="token.revoke").detail["reason"] == "sign-out"


def test_it_lets_the_admin_see_and_revoke_a_users_token(call_taker, admin_user_role, client_for):
    key = obtain().json()["token"]
    admin = client_for(admin_user_role)
    page = admin.get(reverse("admin:auth_user_change", args=[call_taker.pk])).content.decode()
    assert "API token" in page and "valid until" in page
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "revoke_api_tokens", "_selected_action": [call_taker.pk]},
    )
    assert response.status_code == 302
    assert me(key).status_code == 403
    entry = AuditEntry.objects.get(action="token.revoke")
    assert (entry.username, entry.detail["reason"]) == ("alex", "admin")


def test_it_shows_everyone_their_account_page(call_taker, client_for):
    page = client_for(call_taker).get(reverse("account")).content.decode()
    assert "Your account" in page and "call_taker" in page
    assert f'href="{reverse("account")}"' in page  # the header's name leads there
