"""The database role the application connects as: it owns nothing, and may only read and append
to the audit log.

The append-only trigger on the audit table (access/migrations/0001_initial.py) refuses UPDATE
and DELETE whatever the client, but a table's owner can disable or drop any trigger on it, and
TRUNCATE it. So the web and worker processes connect as a role that owns no table, and
``migrate`` runs as the owner: when DATABASE_APP_ROLE names that role, every ``migrate``
(post_migrate, after the last app) grants it reads and writes on the project's tables, and on
the audit table SELECT and INSERT only. Without an owner's privileges the role cannot alter,
disable the trigger of, drop or truncate anything. The deployment (docker-compose.yml, README
"Deploying") creates the role; PostgreSQL only (SQLite has no roles).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from access.models import AuditEntry


def app_role_grant(connection: BaseDatabaseWrapper, role: str) -> None:
    """Give `role` what the running console needs on the tables as they are now."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise CommandError(
                f"DATABASE_APP_ROLE={role!r}: no such role in the database; create it first "
                "(CREATE ROLE ... LOGIN PASSWORD ...: README, Deploying)"
            )
        cursor.execute("SELECT current_schema()")
        schema = quote(cursor.fetchone()[0])
        grantee = quote(role)
        audit = quote(AuditEntry._meta.db_table)
        migrations = quote("django_migrations")
        # Identifiers are quoted by the backend; none comes from a request.
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema} TO {grantee}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {grantee}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {grantee}",
            f"REVOKE ALL ON {audit} FROM {grantee}",
            f"GRANT SELECT, INSERT ON {audit} TO {grantee}",
            f"REVOKE ALL ON {migrations} FROM {grantee}",
            f"GRANT SELECT ON {migrations} TO {grantee}",
        ):
            cursor.execute(statement)


def app_role_grant_after_migrate(*, using: str = "default", **kwargs: Any) -> None:
    # Once per migrate, after the last app's post_migrate: every table exists by then.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if not with_models or kwargs.get("app_config") is not with_models[-1]:
        return
    role = settings.DATABASE_APP_ROLE
    connection = connections[using]
    if role and connection.vendor == "postgresql":
        app_role_grant(connection, role)
