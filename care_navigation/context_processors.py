"""The header's count of unread care-navigation notifications, on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from care_navigation.selectors import notification_unread_count


def care_unread(request: HttpRequest) -> dict[str, int | None]:
    """Unread notifications for the header; None when the user works no caseload."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"care_unread": None}
    if not user.has_perm("care_navigation.work_caseload"):
        return {"care_unread": None}
    return {"care_unread": notification_unread_count(user=user)}
