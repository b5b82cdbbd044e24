"""Idempotency keys for any API write: the same key (per user and scope) does the work once.

A phone that lost signal resends its queued actions when it is back; a response lost on the
way makes it send an action the server has already stored. The key makes the second send a
replay: the work is not done again, and the caller gets the object the first send made.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from web.models import IdempotencyRecord

MAX_KEY_CHARS = 200


class IdempotencyKeyReused(Exception):
    """The key was used before, by the same user in the same scope, for another request."""


def idempotency_fingerprint(body: Any) -> str:
    """A stable hash of a request body (dates and decimals as their text)."""
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(*, user: Any, scope: str, key: str, fingerprint: str) -> int | None:
    record = (
        IdempotencyRecord.objects.filter(user=user, scope=scope, key=key)
        .values_list("request_hash", "object_id")
        .first()
    )
    if record is None:
        return None
    request_hash, object_id = record
    if request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was already used for a different request; use a new key"
        )
    return int(object_id)


def idempotent_run(
    *, user: Any, scope: str, key: str, body: Any, run: Callable[[], int]
) -> tuple[int, bool]:
    """Do `run` (which returns the id of what it made or changed) once per user, scope and key.

    Returns (object id, replayed). The record is written in the same transaction as the work,
    so a crash between the two leaves neither. Two sends racing: the loser's insert of the
    record fails on the unique key once the winner commits, its work rolls back, and it answers
    the winner's object; if its work was refused meanwhile because the winner changed the state
    (a call already cleared), the winner's record answers too.
    """
    fingerprint = idempotency_fingerprint(body)
    existing = _replay(user=user, scope=scope, key=key, fingerprint=fingerprint)
    if existing is not None:
        return existing, True
    try:
        with transaction.atomic():
            object_id = run()
            IdempotencyRecord.objects.create(
                key=key,
                user=user,
                scope=scope,
                request_hash=fingerprint,
                object_id=object_id,
                created_at=timezone.now(),
            )
    except Exception:
        # IntegrityError on the key, or a refusal caused by the winner's change.
        existing = _replay(user=user, scope=scope, key=key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, True
    return object_id, False
