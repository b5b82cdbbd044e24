"""API token authentication: the token, its user and the user's permissions in one query.

DRF's TokenAuthentication reads the token and user through the ORM, and the first permission
check reads the permissions in a second query. Every API request does both, so here they are
one statement, and the permissions land in the cache that
``heart.auth_backends.RoleModelBackend`` reads.

A process keeps what it read for a token for ``API_TOKEN_CACHE_SECONDS`` (5 s by default):
an integration posting calls back to back reads its token once per worker every few seconds,
not once per call. Each request still gets its own user object. The price: revoking a token,
deactivating a user or changing their roles takes effect within that time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
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


@dataclass(frozen=True, slots=True)
class _Read:
    """What one query read for a token: the user's column values, the token's creation time,
    the user's permissions."""

    user_values: tuple[Any, ...]
    created: Any
    permissions: frozenset[str]
    expires: float


# token key -> what was read for it; only tokens that exist. Bounded: emptied when full.
_recent: dict[str, _Read] = {}
_RECENT_MAX = 10_000


def _read(key: str) -> _Read | None:
    ttl = settings.API_TOKEN_CACHE_SECONDS
    now = time.monotonic()
    found = _recent.get(key)
    if found is not None and found.expires > now:
        return found
    sql, fields = _token_user_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, {"key": key})
        rows = cursor.fetchall()
    if not rows:
        _recent.pop(key, None)
        return None
    *user_values, created = values_from_db(fields, rows[0][: len(fields)])
    read = _Read(
        user_values=tuple(user_values),
        created=created,
        permissions=frozenset(f"{row[-2]}.{row[-1]}" for row in rows if row[-1] is not None),
        expires=now + ttl,
    )
    if ttl > 0:
        if len(_recent) >= _RECENT_MAX:
            _recent.clear()
        _recent[key] = read
    return read


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, as DRF's, in one query (or none, within the cache time)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        read = _read(key)
        if read is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        _, fields = _token_user_sql()
        user: Any = get_user_model().from_db(
            connection.alias, [f.attname for f in fields[:-1]], list(read.user_values)
        )
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if not user.is_superuser:
            # A superuser holds every permission; RoleModelBackend fills that cache itself.
            user._perm_cache = set(read.permissions)
        created = read.created
        token = Token.from_db(
            connection.alias, ["key", "user_id", "created"], [key, user.pk, created]
        )
        return user, token
