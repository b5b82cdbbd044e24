"""The roles of docs/domain.md section 2 as auth groups with permissions.

A user's roles are their groups; holding several gives the union of their permissions.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CALL_TAKER = "call_taker"
DISPATCHER = "dispatcher"
RESPONDER = "responder"
CCD_CLINICIAN = "ccd_clinician"
NAVIGATOR = "navigator"
SUPERVISOR = "supervisor"
ADMIN = "admin"
PARTNER = "partner"
POLICE = "police"

ROLES: dict[str, str] = {
    CALL_TAKER: "Logs calls, asks the screening questions, may override the route with a reason",
    DISPATCHER: "Assigns units, watches the queue and the unit board, handles backup and handoffs",
    RESPONDER: "Field member: updates unit status, clears calls, refers to care navigation",
    CCD_CLINICIAN: "Works the phone queue of diverted calls",
    NAVIGATOR: "Works a caseload of care-navigation cases",
    SUPERVISOR: "Dashboards and reports, rule sets, case extensions; reads everything",
    ADMIN: "Users, units, schedules, call types and mappings",
    PARTNER: "A partner agency's system (a PSAP's CAD): transfers calls as NENA EIDOs",
    POLICE: "A police officer or police dispatcher: asks the department to take a call",
}

_ADMIN_MODELS = [
    ("auth", "user"),
    ("auth", "group"),
    ("dispatch", "unit"),
    ("dispatch", "rostershift"),
    ("workforce", "responder"),
    ("workforce", "teamtemplate"),
    ("triage", "calltype"),
    ("triage", "calltypemapping"),
    ("triage", "serviceschedule"),
    ("people", "person"),
    ("interop", "agency"),
    ("interop", "partnerendpoint"),
]

# Permissions by "app_label.codename". Later features add theirs here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    CALL_TAKER: ["dispatch.log_call", "dispatch.override_route", "dispatch.view_call"],
    DISPATCHER: [
        "dispatch.dispatch_call",
        "dispatch.view_call",
        "dispatch.view_unit",
        "dispatch.view_rostershift",
    ],
    RESPONDER: ["dispatch.respond_call"],
    CCD_CLINICIAN: ["dispatch.work_ccd_queue", "dispatch.view_call"],
    NAVIGATOR: ["people.view_person", "care_navigation.work_caseload"],
    SUPERVISOR: [
        "dispatch.view_call",
        "dispatch.view_unit",
        "dispatch.dispatch_call",
        "dispatch.work_ccd_queue",
        "dispatch.view_rostershift",
        "dispatch.edit_roster",
        "triage.view_ruleset",
        "triage.edit_ruleset",
        "triage.publish_ruleset",
        "people.view_person",
        "access.search_audit",
        "access.view_auditentry",
        "dashboards.view_dashboards",
        "care_navigation.work_caseload",
        "care_navigation.view_all_cases",
        "care_navigation.assign_case",
        "care_navigation.extend_case",
        "interop.view_partnerdelivery",
    ],
    POLICE: ["dispatch.request_handoff"],
    ADMIN: [
        f"{app}.{action}_{model}"
        for app, model in _ADMIN_MODELS
        for action in ("view", "add", "change", "delete")
    ]
    + ["interop.view_partnerdelivery"],
    # Only the EIDO intake (docs/interop.md): a partner reads nothing else.
    PARTNER: ["interop.submit_eido"],
}


def sync_role_groups() -> None:
    """Create the role groups and set their permissions to exactly ROLE_PERMISSIONS."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        query = Q(pk__in=[])
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            query |= Q(content_type__app_label=app_label, codename=codename)
        found = list(Permission.objects.filter(query))
        missing = set(perms) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        if missing:
            raise RuntimeError(f"role {role} names unknown permissions: {sorted(missing)}")
        group.permissions.set(found)


def sync_role_groups_after_migrate(**kwargs: Any) -> None:
    # post_migrate is sent once per app with models, in INSTALLED_APPS order, each app's
    # permissions made just before: after the last one, every permission a role names exists.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if with_models and kwargs.get("app_config") is with_models[-1]:
        sync_role_groups()


def user_roles(user: Any) -> list[str]:
    """The role names a user holds, read once per request object."""
    if user is None or not user.is_authenticated:
        return []
    cached: list[str] | None = getattr(user, "_role_names", None)
    if cached is None:
        cached = sorted(
            name for name in user.groups.values_list("name", flat=True) if name in ROLES
        )
        user._role_names = cached
    return cached
