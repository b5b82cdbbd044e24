"""API tokens: the token, its user and the user's permissions in one query."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from access.api_auth import TokenAuthentication

pytestmark = pytest.mark.django_db


def test_it_reads_the_user_and_their_permissions_in_one_query(
    call_taker, django_assert_num_queries
):
    token = Token.objects.create(user=call_taker)
    with django_assert_num_queries(1):
        user, found = TokenAuthentication().authenticate_credentials(token.key)
        # The roles' permissions and a permission granted to the user alone, no second query.
        assert user.has_perm("dispatch.log_call")
        assert not user.has_perm("dispatch.dispatch_call")
    assert user.pk == call_taker.pk and found.key == token.key
    assert user.date_joined == call_taker.date_joined  # converted as the ORM would
    assert found.created == token.created


def test_it_includes_permissions_granted_to_the_user_directly(call_taker):
    call_taker.user_permissions.add(Permission.objects.get(codename="dispatch_call"))
    token = Token.objects.create(user=call_taker)
    user, _ = TokenAuthentication().authenticate_credentials(token.key)
    assert user.get_all_permissions() >= {"dispatch.dispatch_call", "dispatch.log_call"}


def test_it_gives_a_user_without_roles_no_permissions(make_user):
    token = Token.objects.create(user=make_user("nobody"))
    user, _ = TokenAuthentication().authenticate_credentials(token.key)
    assert user.get_all_permissions() == set()


def test_it_gives_a_superuser_every_permission(make_user):
    token = Token.objects.create(user=make_user("root", is_superuser=True))
    user, _ = TokenAuthentication().authenticate_credentials(token.key)
    assert user.has_perm("care_navigation.view_case") and user.has_perm("dispatch.log_call")


def test_it_refuses_an_unknown_token_and_an_inactive_user(make_user):
    inactive = Token.objects.create(user=make_user("gone", is_active=False))
    for key, message in (("0" * 40, "Invalid token."), (inactive.key, "User inactive or deleted.")):
        response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
        # 403, not 401: session authentication comes first and sends no WWW-Authenticate.
        assert response.status_code == 403
        assert response.json() == {"detail": message}


@pytest.fixture
def token_reuse(settings, monkeypatch):
    from access import api_auth

    settings.API_TOKEN_CACHE_SECONDS = 5.0
    clock = [1000.0]
    monkeypatch.setattr(api_auth.time, "monotonic", lambda: clock[0])
    api_auth._recent.clear()
    yield clock
    api_auth._recent.clear()


def test_it_reuses_what_it_read_for_a_token_until_the_cache_time_passes(
    call_taker, token_reuse, django_assert_num_queries
):
    token = Token.objects.create(user=call_taker)
    auth = TokenAuthentication()
    with django_assert_num_queries(1):
        first, _ = auth.authenticate_credentials(token.key)
    call_taker.groups.clear()  # a role taken away: seen once the cache time has passed
    token_reuse[0] += 4.9
    with django_assert_num_queries(0):
        second, _ = auth.authenticate_credentials(token.key)
    assert second is not first and second.has_perm("dispatch.log_call")
    token_reuse[0] += 0.2
    with django_assert_num_queries(1):
        third, _ = auth.authenticate_credentials(token.key)
    assert not third.has_perm("dispatch.log_call")


def test_it_refuses_a_deleted_token_once_the_cache_time_passes(call_taker, token_reuse):
    token = Token.objects.create(user=call_taker)
    TokenAuthentication().authenticate_credentials(token.key)
    token.delete()
    token_reuse[0] += 5.1
    with pytest.raises(AuthenticationFailed, match="Invalid token"):
        TokenAuthentication().authenticate_credentials(token.key)
