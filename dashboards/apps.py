from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """The overview page and the supervisor dashboards, over rollups of dispatch and care
    navigation; the staffing model."""

    name = "dashboards"
    verbose_name = "Dashboards"
