"""API tokens that expire: DRF's Token, valid for API_TOKEN_HOURS from its `created` time.

A token is a password that travels with every request; one that never expires outlives the
shift, the device and the person's role. Revoking is deleting the row (access/services.py:
from the user's account page, the admin's user page, or on signing out when asked).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

EXPIRED = "Token expired: ask POST /api/v1/auth/token/ for a new one."


def token_expires_at(token: Token) -> datetime:
    created: datetime = token.created
    return created + timedelta(hours=settings.API_TOKEN_HOURS)


def token_expired(token: Token, *, now: datetime | None = None) -> bool:
    return token_expires_at(token) <= (now or timezone.now())


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, as DRF's, refused once the token has expired."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(EXPIRED)
        return user, token
