"""The Celery application. Broker: Redis when REDIS_URL is set, else the filesystem under var/."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heart.settings")

app = Celery("heart")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
