"""Demo users, one per role (dispatcher also takes calls, as in small centers)."""

from __future__ import annotations

import os

from django.contrib.auth.models import Group, User

from access import roles

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "heart-demo-2026")

DEMO_USERS: dict[str, tuple[str, list[str]]] = {
    "calltaker": ("Casey Taylor", [roles.CALL_TAKER]),
    "dispatcher": ("Dana Brooks", [roles.CALL_TAKER, roles.DISPATCHER]),
    "responder": ("Riley Morgan", [roles.RESPONDER]),
    "ccd": ("Chris Diaz", [roles.CCD_CLINICIAN]),
    "navigator": ("Nia Walker", [roles.NAVIGATOR]),
    "supervisor": ("Sam Patel", [roles.SUPERVISOR]),
    "admin": ("Alex Kim", [roles.ADMIN]),
}


def demo_users_seed() -> dict[str, User]:
    """Create the demo users if missing; an existing user's password is left alone."""
    roles.sync_role_groups()
    users: dict[str, User] = {}
    for username, (full_name, role_names) in DEMO_USERS.items():
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        # Admins work in the Django admin, which needs is_staff; their rights come from the group.
        user.is_staff = roles.ADMIN in role_names
        user.save()
        user.groups.set(Group.objects.filter(name__in=role_names))
        users[username] = user
    return users
