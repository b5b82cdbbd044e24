from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web layer's shared pieces: request helpers, API pagination and parsing, the console's
    template tags, and the idempotency keys of API creates."""

    name = "web"
    verbose_name = "Web layer"
