from django.apps import AppConfig


class HeartConfig(AppConfig):
    name = "heart"
    verbose_name = "Fifth Branch"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from heart import audit_signals, roles

        post_migrate.connect(roles.sync_role_groups_after_migrate)
        audit_signals.connect()
