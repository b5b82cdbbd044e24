from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from access.navigation import navigation_for
from access.roles import user_roles


def console(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "department_name": settings.DEPARTMENT_NAME,
        "department_tz": settings.TIME_ZONE,
        "user_roles": user_roles(user) if user is not None else [],
        "nav_items": navigation_for(request),
    }
