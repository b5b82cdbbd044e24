"""DRF permission classes built from the roles' Django permissions."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission


def perms_any(*perms: str) -> type[BasePermission]:
    """A permission class that passes when the user holds any one of ``perms``."""

    class HasAnyPerm(BasePermission):
        message = f"your roles do not allow this (needs one of: {', '.join(perms)})"

        def has_permission(self, request: Any, view: Any) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and any(user.has_perm(p) for p in perms))

    HasAnyPerm.__name__ = "HasAnyPerm_" + "_".join(p.replace(".", "_") for p in perms)
    return HasAnyPerm
