"""Authentication backend: Django's model backend with one cheap query for a user's permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection


def permissions_sql(user_id: str) -> str:
    """SELECT (app_label, codename) of a user's permissions: their own and their roles'.

    Written as SQL: the ORM's version (an OR across two joins, or a UNION) cost several times
    more to build and plan, and every console request checks a permission. ``user_id`` is an
    SQL expression for the user's id: a placeholder, or a subquery (the API's
    token authentication reads the user and these rows in one statement, access/api_auth.py).
    """
    return f"""
    SELECT ct.app_label, p.codename
    FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
    WHERE p.id IN (
        SELECT permission_id FROM auth_user_user_permissions WHERE user_id = {user_id}
        UNION
        SELECT gp.permission_id FROM auth_group_permissions gp
        JOIN auth_user_groups ug ON ug.group_id = gp.group_id WHERE ug.user_id = {user_id}
    )
    """  # noqa: S608


_PERMISSIONS_SQL = permissions_sql("%(user)s")
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
                    cursor.execute(_PERMISSIONS_SQL, {"user": user_obj.pk})
                rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return set(user_obj._perm_cache)
