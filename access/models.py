"""Cross-app records: people, the audit log, the outbox, and idempotency keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Person(models.Model):
    """Someone a call is about. Matching proposes candidates; merging is always a human choice."""

    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["phone"])]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """One append-only line of the audit log. Rows are never updated or deleted."""

    class Outcome(models.TextChoices):
        SUCCESS = "success"
        FAILURE = "failure"
        DENIED = "denied"

    at = models.DateTimeField(db_index=True)
    # PROTECT: deleting a user would rewrite their entries (SET_NULL is an UPDATE, which the
    # append-only trigger refuses). A user with a history is deactivated instead.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    source_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "audit entries"
        permissions = [("search_audit", "Can search the audit log")]

    # heart.rows.instance_insert may write new entries: save() below only refuses updates.
    save_only_guards_updates = True

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only")


class OutboxMessage(models.Model):
    """Work for Celery, written in the transaction that causes it and relayed after commit."""

    task = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(sent_at__isnull=True), name="outbox_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class IdempotencyRecord(models.Model):
    """A create request seen once: the same key replays the result, never a second object."""

    key = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    scope = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class WorkerHeartbeat(models.Model):
    """When beat and a worker last completed a round trip: shows that background work runs."""

    name = models.CharField(max_length=64, unique=True)
    last_seen = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen:%H:%M:%S}"


from heart.dashboards.models import *  # noqa: E402, F403
