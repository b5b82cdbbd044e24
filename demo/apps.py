from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo department (`seed_demo`): every app's demo data, loaded in order."""

    name = "demo"
    verbose_name = "Demo department"
