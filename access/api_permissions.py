"""DRF permission classes built from the roles' Django permissions: the one form every API view
uses (``@permission_classes([...])``), so that a refusal is a 403 naming what was missing."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission


def _holds_any(request: Any, perms: tuple[str, ...]) -> bool:
    user = request.user
    return bool(user and user.is_authenticated and any(user.has_perm(p) for p in perms))


def perms_any(*perms: str) -> type[BasePermission]:
    """A permission class that passes when the user holds any one of ``perms``."""

    class HasAnyPerm(BasePermission):
        message = f"your roles do not allow this (needs one of: {', '.join(perms)})"

        def has_permission(self, request: Any, view: Any) -> bool:
            return _holds_any(request, perms)

    HasAnyPerm.__name__ = "HasAnyPerm_" + "_".join(p.replace(".", "_") for p in perms)
    return HasAnyPerm


def perms_by_method(**by_method: tuple[str, ...]) -> type[BasePermission]:
    """A permission class for a view whose methods need different permissions:
    ``perms_by_method(GET=("dispatch.view_call",), POST=("dispatch.log_call",))`` passes when
    the user holds any one of the permissions named for the request's method. A method not
    named (HEAD, OPTIONS) needs any one of all the permissions named."""
    every = tuple(dict.fromkeys(p for perms in by_method.values() for p in perms))

    class HasAnyPermForMethod(BasePermission):
        message = "your roles do not allow this"

        def has_permission(self, request: Any, view: Any) -> bool:
            perms = by_method.get(request.method or "", every)
            self.message = f"your roles do not allow this (needs one of: {', '.join(perms)})"
            return _holds_any(request, perms)

    return HasAnyPermForMethod
