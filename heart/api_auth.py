"""API token authentication: the token, its user and the user's permissions in one query.

DRF's TokenAuthentication reads the token and user through the ORM, and the first permission
check reads the permissions in a second query. Every API request does both, so here they are
one statement (prepared once per connection with server-side binding), and the permissions
land in the cache that ``heart.auth_backends.RoleModelBackend`` reads.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from heart.rows import values_from_db


@cache
def _token_user_sql() -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    user_meta = get_user_model()._meta
    fields = (*user_meta.concrete_fields, Token._meta.get_field("created"))
    quote = connection.ops.quote_name
    columns = ", ".join(f"u.{quote(str(f.column))}" for f in user_meta.concrete_fields)
    # One row per permission of the user (their own and their roles'), or one row with NULLs.
    # Each branch finds the user by the token's key itself, so only their rows are read.
    # Identifiers come from the model's meta; the key is a parameter.
    sql = f"""
    SELECT {columns}, t.created, ct.app_label, p.codename
    FROM authtoken_token t
    JOIN {quote(user_meta.db_table)} u ON u.id = t.user_id
    LEFT JOIN (
        SELECT uup.permission_id
        FROM authtoken_token t1
        JOIN auth_user_user_permissions uup ON uup.user_id = t1.user_id
        WHERE t1.key = %(key)s
        UNION
        SELECT gp.permission_id
        FROM authtoken_token t2
        JOIN auth_user_groups ug ON ug.user_id = t2.user_id
        JOIN auth_group_permissions gp ON gp.group_id = ug.group_id
        WHERE t2.key = %(key)s
    ) up ON TRUE
    LEFT JOIN auth_permission p ON p.id = up.permission_id
    LEFT JOIN django_content_type ct ON ct.id = p.content_type_id
    WHERE t.key = %(key)s
    """  # noqa: S608
    return sql, fields


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, as DRF's, in one query."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        sql, fields = _token_user_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, {"key": key})
            rows = cursor.fetchall()
        if not rows:
            raise exceptions.AuthenticationFailed("Invalid token.")
        *user_values, created = values_from_db(fields, rows[0][: len(fields)])
        user: Any = get_user_model().from_db(
            connection.alias, [f.attname for f in fields[:-1]], user_values
        )
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if not user.is_superuser:
            # A superuser holds every permission; RoleModelBackend fills that cache itself.
            user._perm_cache = {f"{row[-2]}.{row[-1]}" for row in rows if row[-1] is not None}
        token = Token.from_db(
            connection.alias, ["key", "user_id", "created"], [key, user.pk, created]
        )
        return user, token
