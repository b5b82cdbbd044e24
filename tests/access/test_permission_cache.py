"""The fenced fast path (access/permission_cache.py): permissions kept per process for a few
seconds, forgotten at once on a change of roles in the same process, never for a deactivated
user, and not at all with PERMISSION_CACHE_SECONDS=0."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from access import permission_cache, roles
from web import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(settings):  # type: ignore[no-untyped-def]
    settings.CACHE_SECONDS = {**settings.CACHE_SECONDS, "permissions": 5.0}
    permission_cache.permission_cache_clear()
    yield
    permission_cache.permission_cache_clear()


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    now = [1000.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: now[0])
    return now


def fresh(user):  # type: ignore[no-untyped-def]
    """The user as the next request loads it: a new object, nothing kept on it."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_second_request_reads_no_permissions(dispatcher, django_assert_num_queries, clock):
    user = fresh(dispatcher)
    with django_assert_num_queries(2):
        assert user.has_perm("dispatch.dispatch_call")
    user = fresh(dispatcher)
    with django_assert_num_queries(0):
        assert user.has_perm("dispatch.dispatch_call")
        assert not user.has_perm("triage.publish_ruleset")


def test_they_are_read_again_after_the_setting_s_seconds(
    dispatcher, django_assert_num_queries, clock
):
    fresh(dispatcher).has_perm("dispatch.dispatch_call")
    clock[0] += 4.9
    user = fresh(dispatcher)
    with django_assert_num_queries(0):
        user.has_perm("dispatch.dispatch_call")
    clock[0] += 0.2
    user = fresh(dispatcher)
    with django_assert_num_queries(2):
        user.has_perm("dispatch.dispatch_call")


def test_a_role_taken_away_applies_at_once_in_this_process(dispatcher, clock):
    assert fresh(dispatcher).has_perm("dispatch.dispatch_call")
    dispatcher.groups.remove(Group.objects.get(name=roles.DISPATCHER))
    assert not fresh(dispatcher).has_perm("dispatch.dispatch_call")
    assert fresh(dispatcher).has_perm("dispatch.log_call")


def test_a_permission_taken_from_a_role_applies_at_once(call_taker, clock):
    assert fresh(call_taker).has_perm("dispatch.log_call")
    group = Group.objects.get(name=roles.CALL_TAKER)
    group.permissions.remove(Permission.objects.get(codename="log_call"))
    assert not fresh(call_taker).has_perm("dispatch.log_call")


def test_another_process_s_change_applies_within_the_setting_s_seconds(dispatcher, clock):
    assert fresh(dispatcher).has_perm("dispatch.dispatch_call")
    # Another process changed the roles: no signal reaches this one.
    through = get_user_model().groups.through
    through.objects.filter(user_id=dispatcher.pk, group__name=roles.DISPATCHER).delete()
    assert fresh(dispatcher).has_perm("dispatch.dispatch_call")
    clock[0] += 5.1
    assert not fresh(dispatcher).has_perm("dispatch.dispatch_call")


def test_a_deactivated_user_has_nothing_at_once(dispatcher, clock):
    assert fresh(dispatcher).has_perm("dispatch.dispatch_call")
    get_user_model().objects.filter(pk=dispatcher.pk).update(is_active=False)
    user = fresh(dispatcher)
    assert not user.has_perm("dispatch.dispatch_call")
    assert user.get_all_permissions() == set()


def test_nothing_is_kept_with_the_setting_at_zero(
    settings, dispatcher, django_assert_num_queries, clock
):
    settings.CACHE_SECONDS = {**settings.CACHE_SECONDS, "permissions": 0.0}
    fresh(dispatcher).has_perm("dispatch.dispatch_call")
    user = fresh(dispatcher)
    with django_assert_num_queries(2):
        user.has_perm("dispatch.dispatch_call")


def test_an_api_request_reads_the_token_and_not_the_permissions_again(
    call_taker, client, django_assert_max_num_queries, clock
):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=call_taker)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/v1/calls/", **headers).status_code == 200
    with django_assert_max_num_queries(20) as first:
        client.get("/api/v1/calls/", **headers)
    permission_queries = [q for q in first.captured_queries if "auth_permission" in q["sql"]]
    assert permission_queries == []
    assert any("authtoken_token" in q["sql"] for q in first.captured_queries)


def test_a_session_signed_in_through_modelbackend_stays_signed_in_after_the_upgrade(
    dispatcher, client
):
    import importlib

    from django.apps import apps
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    upgrade = importlib.import_module(
        "access.migrations.0002_sessions_name_the_permission_cache_backend"
    )
    session = SessionStore()
    session[SESSION_KEY] = str(dispatcher.pk)
    session[BACKEND_SESSION_KEY] = upgrade.OLD
    session[HASH_SESSION_KEY] = dispatcher.get_session_auth_hash()
    session.create()
    client.cookies["sessionid"] = session.session_key
    # Before the upgrade's migration the old path signs the session out.
    assert client.get("/dispatch/board/").status_code == 302
    session = SessionStore(session_key=session.session_key)
    session[BACKEND_SESSION_KEY] = upgrade.OLD
    session.save()
    upgrade.forwards(apps, None)
    assert client.get("/dispatch/board/").status_code == 200
    upgrade.backwards(apps, None)
    assert SessionStore(session_key=session.session_key)[BACKEND_SESSION_KEY] == upgrade.OLD
