"""The application connects as a role that owns nothing: `migrate` runs as the owner and
grants it the tables, and on the audit log SELECT and INSERT only, so the application cannot
disable the append-only trigger, nor update, delete or truncate the log (access/db_roles.py).

A private PostgreSQL cluster (tests/reliability/servers.py), so that this runs whatever
database the rest of the suite uses: an owner that migrates, and the application's role."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from tests.reliability.servers import base_env, manage, private_postgres

pytestmark = pytest.mark.integration

# As the application: a call logged through the service (calls, triage, outbox, idempotency,
# audit entry), then the audit log read back.
AS_THE_APP = """
from django.contrib.auth.models import Group, User
from access.models import AuditEntry
from dispatch.services import CallInput, call_create
user = User.objects.create_user("db-role-taker")
user.groups.set(Group.objects.filter(name="call_taker"))
answers = {"weapon": "no", "violence": "no"}
call, _ = call_create(by=user, data=CallInput(call_type="WELFARE_CHECK", answers=answers))
print(call.pk, AuditEntry.objects.filter(action="call.create").count())
"""

REFUSED_TO_THE_APP = [
    "UPDATE access_auditentry SET action = 'rewritten'",
    "DELETE FROM access_auditentry",
    "TRUNCATE access_auditentry",
    "ALTER TABLE access_auditentry DISABLE TRIGGER access_auditentry_append_only",
    "ALTER TABLE access_auditentry DISABLE TRIGGER ALL",
    "DROP TRIGGER access_auditentry_append_only ON access_auditentry",
    "DROP TABLE access_auditentry",
    "DELETE FROM django_migrations",
]


def test_it_keeps_the_audit_log_out_of_the_applications_reach(tmp_path):
    with private_postgres() as pg:
        server = f"host=127.0.0.1 port={pg.port} dbname=fifth"
        with psycopg.connect(f"{server} user=postgres", autocommit=True) as db:
            db.execute("CREATE ROLE fifth_owner LOGIN")
            db.execute("CREATE ROLE fifth_app LOGIN")
            db.execute("ALTER DATABASE fifth OWNER TO fifth_owner")
        url = f"postgres://{{}}@127.0.0.1:{pg.port}/fifth"
        owner_env = base_env(
            DATABASE_URL=url.format("fifth_owner"),
            DATABASE_APP_ROLE="fifth_app",
            VAR_DIR=str(tmp_path / "var"),
        )
        manage("migrate", "--noinput", env=owner_env)
        app_env = base_env(DATABASE_URL=url.format("fifth_app"), VAR_DIR=str(tmp_path / "var"))

        call_id, entries = manage("shell", "-c", AS_THE_APP, env=app_env).split()[-2:]
        assert int(call_id) > 0 and int(entries) == 1

        with psycopg.connect(f"{server} user=fifth_app", autocommit=True) as app:
            owners = app.execute(
                "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
            assert owners == [("fifth_owner",)]
            assert app.execute("SELECT count(*) FROM access_auditentry").fetchone()[0] >= 1
            for statement in REFUSED_TO_THE_APP:
                with pytest.raises(errors.InsufficientPrivilege):
                    app.execute(statement)
            # The rest of the console's tables are the application's to write.
            app.execute("UPDATE dispatch_call SET narrative = 'updated' WHERE id = %s", [call_id])

        with psycopg.connect(f"{server} user=fifth_owner", autocommit=True) as owner:
            # The trigger is still in place: even the owner cannot rewrite an entry.
            with pytest.raises(errors.RaiseException):
                owner.execute("UPDATE access_auditentry SET action = 'rewritten'")
            assert owner.execute("SELECT count(*) FROM access_auditentry").fetchone()[0] >= 1

        # A role that does not exist stops migrate, naming it (post_migrate runs every time).
        missing = {**owner_env, "DATABASE_APP_ROLE": "no_such_role"}
        with pytest.raises(RuntimeError, match="DATABASE_APP_ROLE='no_such_role': no such role"):
            manage("migrate", "--noinput", env=missing)
