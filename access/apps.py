from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who may do what: roles, sign-in, API tokens and permissions, the audit log, navigation."""

    name = "access"
    verbose_name = "Access and audit"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from access import audit_signals, db_roles, permission_cache, roles

        post_migrate.connect(roles.sync_role_groups_after_migrate)
        post_migrate.connect(db_roles.app_role_grant_after_migrate)
        audit_signals.connect()
        permission_cache.connect()
