"""The console's navigation: each entry shows only to users whose permissions allow the page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


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
    NavEntry("Board", "dispatch:board", ("dispatch.dispatch_call",)),
    NavEntry("CCD queue", "dispatch:ccd_queue", ("dispatch.work_ccd_queue",)),
    NavEntry("My unit", "dispatch:responder", ("dispatch.respond_call",)),
    NavEntry("Caseload", "care_navigation:caseload", ("care_navigation.work_caseload",)),
    NavEntry("Dashboards", "dashboards", ("dashboards.view_dashboards",)),
    NavEntry("Rule sets", "triage:rulesets", ("triage.edit_ruleset",)),
    NavEntry("Audit log", "audit_log", ("access.search_audit",)),
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
