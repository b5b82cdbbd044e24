"""Authentication backend: Django's model backend with one cheap query for a user's permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection

# The user's own permissions and their roles' (groups'), in one statement. Written as SQL: the
# ORM's version (an OR across two joins, or a UNION) cost several times more to build and plan,
# and every console request checks a permission. With server-side binding the statement is
# prepared once per connection.
_PERMISSIONS_SQL = """
SELECT ct.app_label, p.codename
FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
WHERE p.id IN (
    SELECT permission_id FROM auth_user_user_permissions WHERE user_id = %s
    UNION
    SELECT gp.permission_id FROM auth_group_permissions gp
    JOIN auth_user_groups ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s
)
"""
_ALL_PERMISSIONS_SQL = """
SELECT ct.app_label, p.codename
FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
"""


class RoleModelBackend(ModelBackend):
    """ModelBackend, except that all of a user's permissions are read in one query.

    The result is kept on the user object for the request, as ModelBackend does.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            with connection.cursor() as cursor:
                if user_obj.is_superuser:
                    cursor.execute(_ALL_PERMISSIONS_SQL)
                else:
                    cursor.execute(_PERMISSIONS_SQL, [user_obj.pk, user_obj.pk])
                rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return set(user_obj._perm_cache)
