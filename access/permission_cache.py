"""A fast path, fenced: each process keeps a user's permissions for PERMISSION_CACHE_SECONDS.

Why it exists (bench/README.md, "Issue 12: the one fast path"): with Django's
``ModelBackend`` alone, every request reads the user's permissions in two queries (their own,
their groups'), and a call create through the API costs eleven queries. On a quiet 2-core
machine (2026-12-07, 09:50 UTC, ``bench/run.py --only dispatch``) the create's p95 at 16 clients
was 100.0 ms against issue 12's target of 100 ms: the two cores are the limit, and the p95 is
the queue in front of them. With this backend the two queries run once per user per process
every few seconds instead of on every request. Back to back, the same run's code with
``PERMISSION_CACHE_SECONDS=0`` and then 5: p95 at 16 clients 83.4 ms (220 calls/s) and 65.9 ms
(279 calls/s); at 1 client 10.8 ms and 8.5 ms; the board page 47.7 ms and 45.2 ms.

What it changes, and what it does not:
- ``PermissionCacheBackend`` is Django's ``ModelBackend`` with one difference:
  ``get_all_permissions`` answers with the set ModelBackend built, kept in the project's one
  cache (``web.cache``, name "permissions") by the user's id for ``PERMISSION_CACHE_SECONDS``
  (0 turns it off). Signing in, ``is_active``, superusers and object permissions are
  ModelBackend's own.
- A change of roles (a user's groups, a group's or a user's permissions, a user or group saved
  or deleted) empties the cache of the process that made it at once; other processes pick
  it up within ``PERMISSION_CACHE_SECONDS`` (5 by default). A deactivated user or a revoked
  token is refused at once everywhere: the user and the token are read on every request.

It is the one exception to "the hot paths are Django's idiom" (docs/architecture.md);
tests/test_fast_paths.py lists every such module, and fails on a new one that is not listed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from web.cache import cache_clear, cached

FAST_PATH = "API permissions: call create p95 at 16 clients (issue 12)"

# The name in web.cache; its seconds are CACHE_SECONDS["permissions"], from the environment's
# PERMISSION_CACHE_SECONDS.
CACHE_NAME = "permissions"


def permission_cache_clear(**_: Any) -> None:
    """Forget every user's permissions in this process (a receiver of the role signals)."""
    cache_clear(CACHE_NAME)


class PermissionCacheBackend(ModelBackend):
    """ModelBackend whose permission sets outlive the request for PERMISSION_CACHE_SECONDS."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return super().get_all_permissions(user_obj, obj=obj)
        return cached(
            CACHE_NAME,
            (user_obj.pk, user_obj.is_superuser),
            lambda: super(PermissionCacheBackend, self).get_all_permissions(user_obj),
        )


def connect() -> None:
    """Empty the cache on every change of roles (AccessConfig.ready)."""
    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(permission_cache_clear, sender=through, dispatch_uid=f"perm-{through}")
    for model in (user_model, Group, Permission):
        post_save.connect(permission_cache_clear, sender=model, dispatch_uid=f"perm-save-{model}")
        post_delete.connect(
            permission_cache_clear, sender=model, dispatch_uid=f"perm-delete-{model}"
        )
