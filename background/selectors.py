"""Reads about background work."""

from __future__ import annotations

from background.models import WorkerHeartbeat


def worker_last_seen() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.filter(name="celery").first()
