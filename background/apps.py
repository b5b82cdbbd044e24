from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    """Background work: the transactional outbox, the worker heartbeat and their beat tasks."""

    name = "background"
    verbose_name = "Background work"
