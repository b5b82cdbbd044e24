"""API token authentication: the token, its user and the user's permissions in one query.

DRF's TokenAuthentication reads the token and user through the ORM, and the first permission
check reads the permissions in a second query. Every API request does both, so here they are
one statement, and the permissions land in the cache that
``access.auth_backends.RoleModelBackend`` reads.

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
from django.db import connection
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from access.auth_backends import permissions_sql


@cache
def _token_user_sql() -> str:
    """The token's user, once per permission they hold (their own and their roles'), or once
    with NULLs; the permissions are RoleModelBackend's query, for the token's user."""
    user_table = connection.ops.quote_name(get_user_model()._meta.db_table)
    key_owner = "(SELECT user_id FROM authtoken_token WHERE key = %(key)s)"
    # Identifiers come from the model's meta; the key is a parameter.
    return f"""
    SELECT u.*, perm.app_label AS perm_app_label, perm.codename AS perm_codename
    FROM {user_table} u LEFT JOIN ({permissions_sql(key_owner)}) perm ON TRUE
    WHERE u.id = {key_owner}
    """  # noqa: S608


@dataclass(frozen=True, slots=True)
class _Read:
    """What one query read for a token: the user's column values and permissions."""

    user_values: tuple[Any, ...]
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
    rows: list[Any] = list(get_user_model().objects.raw(_token_user_sql(), {"key": key}))
    if not rows:
        _recent.pop(key, None)
        return None
    read = _Read(
        user_values=tuple(getattr(rows[0], name) for name in _user_attnames()),
        permissions=frozenset(
            f"{row.perm_app_label}.{row.perm_codename}" for row in rows if row.perm_codename
        ),
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
        user: Any = get_user_model().from_db(
            connection.alias, list(_user_attnames()), list(read.user_values)
        )
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if not user.is_superuser:
            # A superuser holds every permission; RoleModelBackend fills that cache itself.
            user._perm_cache = set(read.permissions)
        # The token's other columns are left to load on access: nothing here reads them.
        return user, Token.from_db(connection.alias, ["key", "user_id"], [key, user.pk])


@cache
def _user_attnames() -> tuple[str, ...]:
    return tuple(f.attname for f in get_user_model()._meta.concrete_fields)
