"""Background work: the outbox of work for Celery, and the worker's heartbeat."""

from __future__ import annotations

from django.db import models


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


class WorkerHeartbeat(models.Model):
    """When beat and a worker last completed a round trip: shows that background work runs."""

    name = models.CharField(max_length=64, unique=True)
    last_seen = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen:%H:%M:%S}"
