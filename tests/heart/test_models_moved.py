"""A database made before the house's move migrates forward with its rows.

heart's models moved to people, access, web, background and dashboards (each app's
0001_initial renames the heart_ tables; heart/migrations/0006_models_moved.py drops them from
heart's state). This migrates the test database back to the last migrations before the move,
writes rows with the models as they were, migrates forward and reads them with today's models.

It runs on whichever database the suite runs on (SQLite, and PostgreSQL in CI). It is
transactional (a migration cannot run inside the test's transaction) and marked `migrations`;
whatever happens it leaves the database at the latest migrations, and pytest-django flushes it
after it as after every transactional test, so the tests that follow see the usual schema.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from access.models import AuditEntry
from background.models import OutboxMessage
from dashboards.models import CallRollup
from dispatch.models import Call
from people.models import Person
from web.models import IdempotencyRecord

pytestmark = [pytest.mark.migrations, pytest.mark.django_db(transaction=True)]

# The last migration of each app before the move.
BEFORE = [
    ("heart", "0005_auditentry_user_protect"),
    ("triage", "0002_seed_defaults"),
    ("dispatch", "0006_call_lean_indexes"),
    ("care_navigation", "0003_notification_without_constraint"),
]
# The apps the move made, unapplied entirely to get back there.
NEW_APPS = ["web", "people", "access", "background", "dashboards"]
AT = datetime(2026, 3, 10, 19, 5, tzinfo=UTC)


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def rows_before_the_move(executor: MigrationExecutor) -> dict[str, int]:
    """Rows written with the models of the last migrations before the move."""
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="before")
    person = old.get_model("heart", "Person").objects.create(
        name="Before Move", date_of_birth=date(1970, 1, 2), phone="919-555-0199"
    )
    call_type, _ = old.get_model("triage", "CallType").objects.get_or_create(
        code="WELFARE_CHECK",
        defaults={"label": "Welfare check", "family": "behavioral", "default_priority": "P2"},
    )
    call = old.get_model("dispatch", "Call").objects.create(
        received_at=AT, created_at=AT, call_type=call_type, person=person
    )
    old.get_model("heart", "AuditEntry").objects.create(
        at=AT,
        user=user,
        username="before",
        action="call.create",
        object_type="dispatch.call",
        object_id=str(call.pk),
        detail={"route": "HEART"},
    )
    old.get_model("heart", "IdempotencyRecord").objects.create(
        key="key-1",
        user=user,
        scope="call_create",
        request_hash="ab" * 32,
        object_id=call.pk,
        created_at=AT,
    )
    counts = dict.fromkeys(
        (
            "processing_n",
            "processing_within_60",
            "response_n",
            "scene_n",
            "department_responses",
            "safety_n",
            "safety_yes",
            "backups",
            "handoffs",
            "police_took_over",
        ),
        1,
    )
    old.get_model("heart", "CallRollup").objects.create(
        day=date(2026, 3, 10),
        source="console",
        call_type="WELFARE_CHECK",
        route="HEART",
        eligible_route="HEART",
        unserved_reason="",
        calls=7,
        processing_sum_s=42.0,
        response_sum_s=300.0,
        scene_sum_s=900.0,
        **counts,
    )
    outbox = old.get_model("heart", "OutboxMessage")
    outbox.objects.create(task="heart.dashboards.tasks.rollup_refresh", created_at=AT)
    outbox.objects.create(task="heart.tasks.worker_heartbeat", created_at=AT, sent_at=AT)
    # A role holding a permission on a moved model, as the role groups do.
    view_person = old.get_model("auth", "Permission").objects.get(
        content_type__app_label="heart", codename="view_person"
    )
    old.get_model("auth", "Group").objects.create(name="before-move").permissions.add(view_person)
    return {"person": person.pk, "call": call.pk}


def test_it_moves_every_row_made_before_the_move_into_the_new_apps():
    try:
        executor = migrate([*BEFORE, *((app, None) for app in NEW_APPS)])
        applied = executor.loader.applied_migrations
        assert ("heart", "0006_models_moved") not in applied
        assert not any(app in NEW_APPS for app, _ in applied)
        tables = connection.introspection.table_names()
        assert "heart_person" in tables and "people_person" not in tables
        ids = rows_before_the_move(executor)

        migrate_to_latest()

        tables = connection.introspection.table_names()
        assert not [table for table in tables if table.startswith("heart_")]
        person = Person.objects.get(pk=ids["person"])
        assert (person.name, person.phone) == ("Before Move", "919-555-0199")
        assert Call.objects.get(pk=ids["call"]).person == person
        entry = AuditEntry.objects.get(username="before")
        assert (entry.action, entry.object_id, entry.detail) == (
            "call.create",
            str(ids["call"]),
            {"route": "HEART"},
        )
        record = IdempotencyRecord.objects.get(key="key-1")
        assert (record.user.username, record.object_id) == ("before", ids["call"])
        rollup = CallRollup.objects.get(day=date(2026, 3, 10))
        assert (rollup.calls, rollup.processing_sum_s, rollup.grain) == (7, 42.0, "d")
        # Unsent work names the task by its new name; sent rows keep the name they went under.
        assert sorted(OutboxMessage.objects.values_list("task", "sent_at")) == [
            ("dashboards.tasks.rollup_refresh", None),
            ("heart.tasks.worker_heartbeat", AT),
        ]
        # The permission moved with its model, and the role still holds it.
        assert [
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name="before-move").permissions.all()
        ] == ["people.view_person"]
        # New rows carry on after the old ids.
        assert Person.objects.create(name="After").pk > ids["person"]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT tgname FROM pg_trigger"
                    " WHERE tgrelid = 'access_auditentry'::regclass AND NOT tgisinternal"
                )
                assert cursor.fetchall() == [("access_auditentry_append_only",)]
    finally:
        migrate_to_latest()
