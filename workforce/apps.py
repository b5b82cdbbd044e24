from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """Responders' disciplines and languages, and the team each service sends."""

    name = "workforce"
    verbose_name = "Workforce"
