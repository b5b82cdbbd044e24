"""API tokens: DRF's token authentication, permissions from the user's roles (ModelBackend)."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def _me(token: Token) -> object:
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")


def _calls(token: Token) -> int:
    return Client().get("/api/v1/calls/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code


def test_it_authenticates_a_token_with_its_users_roles(call_taker):
    token = Token.objects.create(user=call_taker)
    response = _me(token)
    assert response.status_code == 200
    assert response.json()["username"] == call_taker.username
    assert _calls(token) == 200


def test_it_includes_permissions_granted_to_the_user_directly(make_user):
    token = Token.objects.create(user=make_user("nobody"))
    assert _calls(token) == 403
    token.user.user_permissions.add(Permission.objects.get(codename="dispatch_call"))
    assert _calls(token) == 200


def test_it_gives_a_superuser_every_permission(make_user):
    token = Token.objects.create(user=make_user("root", is_superuser=True))
    assert _calls(token) == 200


def test_it_sees_a_role_taken_away_on_the_next_request(call_taker):
    token = Token.objects.create(user=call_taker)
    assert _calls(token) == 200
    call_taker.groups.clear()
    assert _calls(token) == 403


def test_it_refuses_a_deleted_token_on_the_next_request(call_taker):
    token = Token.objects.create(user=call_taker)
    assert _me(token).status_code == 200
    token.delete()
    response = _me(token)
    assert response.status_code == 403
    assert response.json() == {"detail": "Invalid token."}


def test_it_refuses_an_unknown_token_and_an_inactive_user(make_user):
    inactive = Token.objects.create(user=make_user("gone", is_active=False))
    for key, message in (("0" * 40, "Invalid token."), (inactive.key, "User inactive or deleted.")):
        response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
        # 403, not 401: session authentication comes first and sends no WWW-Authenticate.
        assert response.status_code == 403
        assert response.json() == {"detail": message}
