from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from heart.navigation import navigation_for
from heart.roles import user_roles


def console(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "department_name": settings.DEPARTMENT_NAME,
        "department_tz": settings.TIME_ZONE,
        "user_roles": user_roles(user) if user is not None else [],
        "nav_items": navigation_for(request),
        "care_unread": _care_unread(user),
    }


def _care_unread(user: Any) -> int | None:
    """Unread care-navigation notifications for the header; None when the user has none."""
    if user is None or not user.is_authenticated:
        return None
    if not user.has_perm("care_navigation.work_caseload"):
        return None
    from care_navigation.selectors import notification_unread_count

    return notification_unread_count(user=user)
