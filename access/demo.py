"""Demo users: one per role (dispatcher also takes calls, as in small centers), and the crews
of the demo's field units."""

from __future__ import annotations

import os

from django.contrib.auth.hashers import make_password
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
    # The Durham Emergency Communications Center's CAD: transfers calls as EIDOs.
    "ecc": ("Durham ECC", [roles.PARTNER]),
    "police": ("Officer Pat Lee", [roles.POLICE]),
}

# Who rides in each field unit: a HEART team is a clinician, an EMT and a peer support
# specialist; a co-response pair a clinician and a crisis-intervention-trained officer. Every
# member answers "did you feel safe?" when the unit clears. `responder` is on HEART-1.
DEMO_CREWS: dict[str, list[tuple[str, str]]] = {
    "HEART-1": [
        ("responder", "clinician"),
        ("heart1-emt", "EMT"),
        ("heart1-peer", "peer support specialist"),
    ],
    "HEART-2": [
        ("heart2-clinician", "clinician"),
        ("heart2-emt", "EMT"),
        ("heart2-peer", "peer support specialist"),
    ],
    "HEART-3": [
        ("heart3-clinician", "clinician"),
        ("heart3-emt", "EMT"),
        ("heart3-peer", "peer support specialist"),
    ],
    "HEART-4": [
        ("heart4-clinician", "clinician"),
        ("heart4-emt", "EMT"),
        ("heart4-peer", "peer support specialist"),
    ],
    "CORE-1": [("core1-clinician", "clinician"), ("core1-officer", "officer")],
    "CORE-2": [("core2-clinician", "clinician"), ("core2-officer", "officer")],
}
CREW_NAMES: dict[str, str] = {
    "heart1-emt": "Jamie Ortiz",
    "heart1-peer": "Terrence Wade",
    "heart2-clinician": "Priya Shah",
    "heart2-emt": "Marcus Lee",
    "heart2-peer": "Dee Hollis",
    "heart3-clinician": "Hannah Cho",
    "heart3-emt": "Luis Romero",
    "heart3-peer": "Andre Battle",
    "heart4-clinician": "Grace Okafor",
    "heart4-emt": "Ben Fischer",
    "heart4-peer": "Tasha Greene",
    "core1-clinician": "Elena Vasquez",
    "core1-officer": "Officer Mike Dunn",
    "core2-clinician": "Omar Haddad",
    "core2-officer": "Officer Kara Little",
}


def demo_logins() -> dict[str, tuple[str, list[str]]]:
    """Every demo user: the one-per-role users, then the crew members (responders)."""
    crew = {
        username: (CREW_NAMES[username], [roles.RESPONDER])
        for members in DEMO_CREWS.values()
        for username, _position in members
        if username not in DEMO_USERS
    }
    return {**DEMO_USERS, **crew}


def demo_users_seed() -> dict[str, User]:
    """Create the demo users if missing; an existing user's password is left alone."""
    roles.sync_role_groups()
    users: dict[str, User] = {}
    # Hashed once: the password is published, and hashing it for each of twenty users would
    # take seconds of the load.
    hashed = ""
    for username, (full_name, role_names) in demo_logins().items():
        first, last = full_name.rsplit(" ", 1)
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
        # Admins work in the Django admin, which needs is_staff; their rights come from the group.
        user.is_staff = roles.ADMIN in role_names
        user.save()
        user.groups.set(Group.objects.filter(name__in=role_names))
        users[username] = user
    return users
