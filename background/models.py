"""Background work: the outbox of work for Celery, and the worker's heartbeat."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """Work for Celery, written in the transaction that causes it and relayed after commit.

    ``sent_at`` is when the relay last published it, ``done_at`` when its task finished: a
    message counts as done only then (background/outbox.py)."""

    task = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Messages with one key do one job: only one of them waits or runs at a time (the key is
    # the task's name for work that reads the whole state, such as the rollup refresh).
    coalesce_key = models.CharField(max_length=200, blank=True, default="", db_default="")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(done_at__isnull=True), name="outbox_not_done"
            ),
            models.Index(
                fields=["coalesce_key", "id"],
                condition=models.Q(done_at__isnull=True) & ~models.Q(coalesce_key=""),
                name="outbox_coalesce_pending",
            ),
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
