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


def idempotency_replay(
    *, user: Any, scope: str, key: str, fingerprint: str, what: str = "request"
) -> int | None:
    """The id the first request with this key stored, or None for a new key; the key with
    another request (another fingerprint) raises IdempotencyKeyReused, naming `what` it was."""
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
            f"this Idempotency-Key was already used for a different {what}; use a new key"
        )
    return int(object_id)


def idempotency_record_add(
    *, user: Any, scope: str, key: str, fingerprint: str, object_id: int
) -> None:
    """Remember that this key made `object_id`: inside the transaction that made it."""
    IdempotencyRecord.objects.create(
        key=key,
        user=user,
        scope=scope,
        request_hash=fingerprint,
        object_id=object_id,
        created_at=timezone.now(),
    )


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
    existing = idempotency_replay(user=user, scope=scope, key=key, fingerprint=fingerprint)
    if existing is not None:
        return existing, True
    try:
        with transaction.atomic():
            object_id = run()
            idempotency_record_add(
                user=user, scope=scope, key=key, fingerprint=fingerprint, object_id=object_id
            )
    except Exception:
        # IntegrityError on the key, or a refusal caused by the winner's change.
        existing = idempotency_replay(user=user, scope=scope, key=key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, True
    return object_id, False
