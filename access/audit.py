"""Writing to the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from access.models import AuditEntry
from web.addresses import client_address


def audit_record(
    *,
    action: str,
    user: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = AuditEntry.Outcome.SUCCESS,
    request: HttpRequest | None = None,
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call it inside the transaction of the change it records."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk if obj.pk is not None else ""
    return AuditEntry.objects.create(
        at=timezone.now(),
        user=user,
        username=username or (user.get_username() if user is not None else ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        outcome=outcome,
        source_address=client_address(request),
        detail=detail or {},
    )
