"""The admin role keeps users, units and call types; it cannot step outside the role model."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from access import roles
from access.models import AuditEntry

pytestmark = pytest.mark.django_db


def _change(user: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "_save": "Save",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v not in ("", None)}


def test_it_does_not_let_an_admin_make_anyone_a_superuser(client_for, admin_user_role):
    """A superuser holds every permission: the case notes and substance-use details of
    every case included. Only a superuser may make another."""
    client = client_for(admin_user_role)
    url = reverse("admin:auth_user_change", args=[admin_user_role.pk])
    response = client.post(url, _change(admin_user_role, is_superuser="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    admin_user_role.refresh_from_db()
    assert not admin_user_role.is_superuser
    assert not admin_user_role.has_perm("care_navigation.view_all_cases")


def test_it_does_not_let_an_admin_grant_permissions_outside_the_roles(
    client_for, admin_user_role, call_taker
):
    """Permissions come with roles (groups), which every migrate resets to access/roles.py."""
    from django.contrib.auth.models import Permission

    view_all = Permission.objects.get(codename="view_all_cases")
    client = client_for(admin_user_role)
    url = reverse("admin:auth_user_change", args=[call_taker.pk])
    response = client.post(url, _change(call_taker, user_permissions=[view_all.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not call_taker.user_permissions.exists()


def test_it_lets_an_admin_give_roles_and_records_it(client_for, admin_user_role, call_taker):
    dispatcher = Group.objects.get(name=roles.DISPATCHER)
    client = client_for(admin_user_role)
    url = reverse("admin:auth_user_change", args=[call_taker.pk])
    groups = [g.pk for g in call_taker.groups.all()] + [dispatcher.pk]
    response = client.post(url, _change(call_taker, groups=groups))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(call_taker.groups.values_list("name", flat=True)) == {
        roles.CALL_TAKER,
        roles.DISPATCHER,
    }
    entry = AuditEntry.objects.filter(action="user.groups").latest("id")
    assert (entry.username, entry.object_id, entry.detail) == (
        "alex",
        str(call_taker.pk),
        {"added": [roles.DISPATCHER]},
    )


def test_it_lets_a_superuser_still_do_both(client_for, make_user, call_taker):
    root = make_user("root", is_staff=True, is_superuser=True)
    client = client_for(root)
    url = reverse("admin:auth_user_change", args=[call_taker.pk])
    response = client.post(url, _change(call_taker, is_superuser="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    call_taker.refresh_from_db()
    assert call_taker.is_superuser
