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


# Groups: the admin role fills and renames them, never chooses their permissions.


def test_it_does_not_let_an_admin_add_permissions_to_its_own_group(client_for, admin_user_role):
    """Finding 1: with auth.change_group the admin role added the audit log, the dashboards
    and the caseload to its own group, and opened them."""
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=roles.ADMIN)
    kept = set(group.permissions.values_list("pk", flat=True))
    wanted = Permission.objects.filter(
        codename__in=["search_audit", "view_dashboards", "work_caseload", "publish_ruleset"]
    )
    client = client_for(admin_user_role)
    url = reverse("admin:auth_group_change", args=[group.pk])
    page = client.get(url).content.decode()
    assert 'name="permissions"' not in page  # shown, not editable
    response = client.post(
        url, {"name": group.name, "permissions": [*kept, *wanted.values_list("pk", flat=True)]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(group.permissions.values_list("pk", flat=True)) == kept
    admin_user_role = type(admin_user_role).objects.get(pk=admin_user_role.pk)  # no perm cache
    assert not admin_user_role.has_perm("access.search_audit")
    for url in ("/audit/", "/dashboards/cases/", "/care/"):
        assert client.get(url).status_code == 403, url


def test_it_does_not_let_an_admin_make_a_group_with_permissions(client_for, admin_user_role):
    from django.contrib.auth.models import Permission

    audit = Permission.objects.get(codename="search_audit")
    client = client_for(admin_user_role)
    response = client.post(
        reverse("admin:auth_group_add"), {"name": "auditors", "permissions": [audit.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Group.objects.get(name="auditors").permissions.exists()


def test_it_lets_a_superuser_set_a_groups_permissions(client_for, make_user):
    from django.contrib.auth.models import Permission

    root = make_user("root", is_staff=True, is_superuser=True)
    group = Group.objects.create(name="auditors")
    audit = Permission.objects.get(codename="search_audit")
    response = client_for(root).post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "auditors", "permissions": [audit.pk]},
    )
    assert response.status_code == 302
    assert list(group.permissions.all()) == [audit]


# Admin changes in the audit log, with their values before and after.


def _form_data(response: Any) -> dict[str, Any]:
    """The admin change form's current values, as the browser would post them back."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data


def _edit(client: Any, url: str, **changes: Any) -> Any:
    data = {**_form_data(client.get(url)), **changes, "_save": "Save"}
    return client.post(url, data)


def test_it_records_a_schedule_edited_in_the_admin_with_before_and_after(
    client_for, admin_user_role
):
    """A schedule edit changes where calls go: it leaves a trace naming the admin."""
    from triage.models import ServiceSchedule

    schedule = ServiceSchedule.objects.filter(service="HEART").order_by("weekday").first()
    client = client_for(admin_user_role)
    url = reverse("admin:triage_serviceschedule_change", args=[schedule.pk])
    response = _edit(client, url, end="17:00")
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin.change")
    assert (entry.username, entry.object_type, entry.object_id) == (
        "alex",
        "triage.serviceschedule",
        str(schedule.pk),
    )
    assert entry.detail == {"changed": {"end": ["19:00", "17:00"]}}


def test_it_records_call_types_mappings_and_units_added_changed_and_deleted(
    client_for, admin_user_role, responder
):
    from dispatch.models import Unit
    from triage.models import CallTypeMapping

    client = client_for(admin_user_role)
    response = _edit(
        client,
        reverse("admin:triage_calltype_change", args=["TRESPASS"]),
        default_priority="P2",
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    response = client.post(
        reverse("admin:triage_calltypemapping_add"),
        {"source": "elsewhere", "external_label": "PERSON SLEEPING", "call_type": "TRESPASS"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mapping = CallTypeMapping.objects.get(external_label="PERSON SLEEPING")

    unit = Unit.objects.create(name="HEART-9", kind="HEART")
    response = _edit(
        client, reverse("admin:dispatch_unit_change", args=[unit.pk]), members=[responder.pk]
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    response = client.post(
        reverse("admin:triage_calltypemapping_delete", args=[mapping.pk]), {"post": "yes"}
    )
    assert response.status_code == 302

    recorded = {
        (e.action, e.object_type): e.detail
        for e in AuditEntry.objects.filter(action__startswith="admin.").order_by("id")
    }
    assert recorded[("admin.change", "triage.calltype")] == {
        "changed": {"default_priority": ["P3", "P2"]}
    }
    created = recorded[("admin.create", "triage.calltypemapping")]["fields"]
    assert created == {
        "source": "elsewhere",
        "external_label": "PERSON SLEEPING",
        "call_type": "TRESPASS (Trespass)",
    }
    assert recorded[("admin.change", "dispatch.unit")] == {"changed": {"members": [[], ["riley"]]}}
    assert recorded[("admin.delete", "triage.calltypemapping")]["fields"] == created
    assert set(
        AuditEntry.objects.filter(action__startswith="admin.").values_list("username", flat=True)
    ) == {"alex"}


def test_it_records_nothing_when_a_form_is_saved_unchanged(client_for, admin_user_role):
    from triage.models import ServiceSchedule

    schedule = ServiceSchedule.objects.first()
    client = client_for(admin_user_role)
    url = reverse("admin:triage_serviceschedule_change", args=[schedule.pk])
    assert _edit(client, url).status_code == 302
    assert not AuditEntry.objects.filter(action__startswith="admin.").exists()
