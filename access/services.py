"""Writes of the access app: API tokens issued and revoked, each in the audit log."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from access.audit import audit_record
from access.token_auth import token_expired, token_expires_at


def token_issue(*, user: Any, request: HttpRequest | None = None) -> Token:
    """The user's API token after they gave their password: the one they hold while it has not
    expired (several devices of one person share it, as DRF's one token per user has it), else
    a new one in place of the expired. Recorded as a sign-in through the API."""
    with transaction.atomic():
        held = Token.objects.select_for_update().filter(user=user).first()
        fresh = held is None or token_expired(held)
        token = _token_new(user, replacing=held) if fresh or held is None else held
        audit_record(
            action="login",
            user=user,
            request=request,
            detail={
                "via": "api_token",
                "token": "new" if fresh else "existing",
                "expires_at": token_expires_at(token).isoformat(),
            },
        )
    return token


def _token_new(user: Any, *, replacing: Token | None) -> Token:
    if replacing is not None:
        replacing.delete()
    try:
        with transaction.atomic():
            return Token.objects.create(user=user)
    except IntegrityError:  # the same user signing in twice at once: the other one won
        return Token.objects.get(user=user)


def tokens_revoke(*, user: Any, by: Any, reason: str, request: HttpRequest | None = None) -> int:
    """Delete the user's API tokens: every client using them is refused from the next request.
    Returns how many there were; recorded even when none, since someone asked."""
    with transaction.atomic():
        count, _ = Token.objects.filter(user=user).delete()
        audit_record(
            action="token.revoke",
            user=by,
            obj=user,
            request=request,
            detail={"reason": reason, "revoked": count},
        )
    return count
