"""The console's navigation: each entry shows only to users whose permissions allow the page;
and where each role lands after signing in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from access import roles


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permissions: tuple[str, ...]  # any one of them is enough
    staff_only: bool = False


# Order is the order of the header.
NAVIGATION: list[NavEntry] = [
    NavEntry("Overview", "home", ()),
    NavEntry("Call intake", "dispatch:intake", ("dispatch.log_call",)),
    NavEntry("My calls", "dispatch:my_calls", ("dispatch.log_call",)),
    NavEntry("Board", "dispatch:board", ("dispatch.dispatch_call",)),
    NavEntry("Roster", "dispatch:roster", ("dispatch.view_rostershift",)),
    NavEntry("CCD queue", "dispatch:ccd_queue", ("dispatch.work_ccd_queue",)),
    NavEntry("My unit", "dispatch:responder", ("dispatch.respond_call",)),
    NavEntry("Handoffs", "dispatch:police_handoff", ("dispatch.request_handoff",)),
    NavEntry("Caseload", "care_navigation:caseload", ("care_navigation.work_caseload",)),
    NavEntry("Dashboards", "dashboards", ("dashboards.view_dashboards",)),
    NavEntry("Rule sets", "triage:rulesets", ("triage.edit_ruleset",)),
    NavEntry("Audit log", "audit_log", ("access.search_audit",)),
    NavEntry("Partners", "interop:deliveries", ("interop.view_partnerdelivery",)),
    NavEntry("Admin", "admin:index", (), staff_only=True),
]


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items: list[dict[str, object]] = []
    for entry in NAVIGATION:
        if entry.staff_only and not user.is_staff:
            continue
        if entry.permissions and not any(user.has_perm(p) for p in entry.permissions):
            continue
        url = reverse(entry.url_name)
        items.append(
            {
                "label": entry.label,
                "url": url,
                "active": request.path.startswith(url) if url != "/" else request.path == "/",
            }
        )
    return items


# Where each role lands after signing in: its work page. The order is the precedence for a
# person holding several roles. Live floor work comes first, because a small center's
# dispatcher who also takes calls watches the board (new calls appear on it) and opens intake
# from the header; the desk roles follow; an admin's page is Django's admin.
LANDING: list[tuple[str, str]] = [
    (roles.DISPATCHER, "dispatch:board"),
    (roles.CALL_TAKER, "dispatch:intake"),
    (roles.CCD_CLINICIAN, "dispatch:ccd_queue"),
    (roles.RESPONDER, "dispatch:responder"),
    (roles.NAVIGATOR, "care_navigation:caseload"),
    (roles.SUPERVISOR, "dashboards"),
    (roles.POLICE, "dispatch:police_handoff"),
    (roles.ADMIN, "admin:index"),
]


def landing_url(user: Any) -> str:
    """The work page of the user's first role in LANDING; the overview for a user without one.
    The admin pages need `is_staff` as well as the role."""
    held = set(roles.user_roles(user))
    for role, url_name in LANDING:
        if role in held and (role != roles.ADMIN or user.is_staff):
            return reverse(url_name)
    if user.is_staff and user.is_superuser:
        return reverse("admin:index")
    return reverse("home")
