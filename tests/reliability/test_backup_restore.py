"""scripts/backup and scripts/restore: a dump restored into a fresh database holds every row,
and the audit log there still refuses to be changed."""

import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.reliability.servers import ROOT, _pg_bin, base_env, manage, private_postgres

pytestmark = pytest.mark.integration

# Calls, cases with contacts and notes, and the audit entries the services write with them.
# Text that a careless dump or encoding would bend: quotes, a backslash, accents, an emoji.
SEED = r"""
from django.contrib.auth.models import Group
from access import roles
from care_navigation import services as care
from dispatch.services import CallInput, call_create
from tests.factories import UserFactory

taker = UserFactory(username="backup-taker")
taker.groups.set(Group.objects.filter(name=roles.CALL_TAKER))
navigator = UserFactory(username="backup-navigator")
navigator.groups.set(Group.objects.filter(name=roles.NAVIGATOR))
for number in range(24):
    call, _ = call_create(
        by=taker,
        data=CallInput(
            call_type="WELFARE_CHECK",
            address=f"{number} Café Street",
            narrative='Caller says "he\'s asleep in the doorway" \\ 🚑',
            answers={"weapon": "no", "violence": "no"},
        ),
        idempotency_key=f"backup-{number}",
    )
    if number % 3 == 0:
        case = care.case_open_from_call(
            call=call, by=navigator, needs=["housing"], person_name=f"Zoë O'Neil {number}"
        )
        care.contact_log(case=case, by=navigator, channel="phone", reached=False)
        care.note_add(case=case, by=navigator, text="Prefers text messages; l'été 🌞")
"""
ONE_MORE_CALL = """
from django.contrib.auth import get_user_model
from dispatch.services import CallInput, call_create
taker = get_user_model().objects.get(username="backup-taker")
call, _ = call_create(by=taker, data=CallInput(call_type="TRESPASS", address="1 New St"))
print(call.pk)
"""
# Every row of every table, as one fingerprint per table.
TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
FINGERPRINT = sql.SQL(
    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
)


def fingerprints(dsn: str) -> dict[str, tuple[int, str]]:
    with psycopg.connect(dsn) as db:
        tables = [row[0] for row in db.execute(TABLES)]
        return {
            table: db.execute(FINGERPRINT.format(sql.Identifier(table))).fetchone()
            for table in tables
        }


def script(name: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / name), *args],
        env={**env, "PYTHON": sys.executable, "PG_BIN": str(Path(_pg_bin("pg_dump")).parent)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_it_restores_every_call_case_and_audit_entry_with_the_audit_log_still_append_only(
    tmp_path,
):
    with private_postgres() as pg:
        env = base_env(DATABASE_URL=pg.url, VAR_DIR=str(tmp_path / "var"))
        manage("migrate", "--noinput", env=env)
        manage("shell", "-c", SEED, env=env)
        source = f"host=127.0.0.1 port={pg.port} user=postgres dbname=fifth"
        before = fingerprints(source)

        dump = tmp_path / "backups" / "fifth.dump"
        started = time.monotonic()
        backed_up = script("backup", str(dump), env=env)
        assert backed_up.returncode == 0, backed_up.stderr
        dumped_in = time.monotonic() - started
        assert dump.is_file() and not dump.with_name("fifth.dump.partial").exists()

        with psycopg.connect(source, autocommit=True) as db:
            db.execute("CREATE DATABASE fifth_restored")
        restored_url = pg.url.replace("/fifth", "/fifth_restored")
        started = time.monotonic()
        restored = script("restore", str(dump), "--database-url", restored_url, env=env)
        assert restored.returncode == 0, restored.stderr
        restored_in = time.monotonic() - started
        target = source.replace("dbname=fifth", "dbname=fifth_restored")
        after = fingerprints(target)

        # A second restore over the restored database is refused, and changes nothing.
        again = script("restore", str(dump), "--database-url", restored_url, env=env)
        assert again.returncode == 1 and "new, empty database" in again.stderr
        assert fingerprints(target) == after

        with psycopg.connect(target, autocommit=True) as db:
            for statement in (
                "UPDATE access_auditentry SET action = 'rewritten'",
                "DELETE FROM access_auditentry",
            ):
                with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                    db.execute(statement)
            audit_entries = db.execute("SELECT count(*) FROM access_auditentry").fetchone()[0]
            last_call = db.execute("SELECT max(id) FROM dispatch_call").fetchone()[0]

        # The console runs on the restored database: nothing to migrate, and its sequences
        # go on after the restored rows instead of colliding with them.
        restored_env = {**env, "DATABASE_URL": restored_url}
        manage("migrate", "--check", env=restored_env)
        new_call = int(manage("shell", "-c", ONE_MORE_CALL, env=restored_env).split()[-1])

    calls = before["dispatch_call"][0]
    print(f"{calls} calls: dumped in {dumped_in:.1f} s, restored in {restored_in:.1f} s")
    assert after == before
    assert before["dispatch_call"][0] == 24
    assert before["care_navigation_case"][0] == 8
    assert audit_entries == before["access_auditentry"][0] > 0
    assert new_call > last_call
