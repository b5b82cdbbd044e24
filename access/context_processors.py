from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from access.navigation import navigation_for
from access.roles import user_roles
from access.selectors import lockout_alert_current


def console(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "department_name": settings.DEPARTMENT_NAME,
        "department_tz": settings.TIME_ZONE,
        "user_roles": user_roles(user) if user is not None else [],
        "nav_items": navigation_for(request),
        "security_alert": _security_alert(request, user),
    }


def _security_alert(request: HttpRequest, user: Any) -> Any:
    """For supervisors (who read the audit log), on every full page: many accounts locked at
    once. An htmx partial has no header to show it in."""
    if user is None or not user.is_authenticated or getattr(request, "htmx", False):
        return None
    if not user.has_perm("access.search_audit"):
        return None
    return lockout_alert_current()
