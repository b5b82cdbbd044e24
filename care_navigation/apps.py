from django.apps import AppConfig


class CareNavigationConfig(AppConfig):
    name = "care_navigation"
    verbose_name = "Care navigation"
