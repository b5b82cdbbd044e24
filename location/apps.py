from django.apps import AppConfig


class LocationConfig(AppConfig):
    """Places on the ground: distances and bounding boxes."""

    name = "location"
    verbose_name = "Location"
