from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The people calls are about."""

    name = "people"
    verbose_name = "People"
