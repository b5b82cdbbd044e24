"""Notifications: written for a navigator, marked read by each user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from care_navigation.models import Notification, NotificationRead


def _notify(case_id: int, kind: str, now: datetime) -> None:
    # The unique constraint makes this a no-op when the notification exists already.
    Notification.objects.bulk_create(
        [Notification(case_id=case_id, kind=kind, created_at=now)], ignore_conflicts=True
    )


def notification_mark_read(*, user: Any, notification_ids: list[int]) -> int:
    """Mark notifications read for one user; returns how many were newly marked."""
    from care_navigation.selectors import notifications_for

    visible = list(
        notifications_for(user=user).filter(pk__in=notification_ids).values_list("pk", flat=True)
    )
    now = timezone.now()
    with transaction.atomic():
        before = NotificationRead.objects.filter(user=user, notification_id__in=visible).count()
        NotificationRead.objects.bulk_create(
            [NotificationRead(notification_id=pk, user=user, at=now) for pk in visible],
            ignore_conflicts=True,
        )
    return len(visible) - before
