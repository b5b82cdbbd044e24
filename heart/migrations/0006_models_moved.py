"""heart's models have moved to the apps named for what they hold; heart keeps no models.

Each app's first migration took its models over (state) and renamed their tables (database):
Person to people, AuditEntry to access, IdempotencyRecord to web, OutboxMessage and
WorkerHeartbeat to background, the rollups to dashboards. Once every foreign key points at the
new models (dispatch 0007, care_navigation 0004), this drops the old ones from heart's
migration state; the database is not touched.

Why heart's migrations stay, and heart with them in INSTALLED_APPS: a database made before the
move has its tables and rows from 0001-0005, and the apps' first migrations start from there
(they rename those tables). A fresh database runs the same path: heart's migrations create the
tables, the apps' migrations rename them. heart can leave INSTALLED_APPS once every deployed
database has applied this migration and the apps' migrations are squashed so that none of
them depends on heart's.
"""

from django.db import migrations

MOVED = [
    "auditentry",
    "callhistogram",
    "callrollup",
    "eligiblehourrollup",
    "idempotencyrecord",
    "outboxmessage",
    "person",
    "persondayrollup",
    "rollupstate",
    "workerheartbeat",
]


class Migration(migrations.Migration):
    dependencies = [
        ("heart", "0005_auditentry_user_protect"),
        ("access", "0001_initial"),
        ("background", "0001_initial"),
        ("dashboards", "0001_initial"),
        ("people", "0001_initial"),
        ("web", "0001_initial"),
        ("dispatch", "0007_person_moved"),
        ("care_navigation", "0004_person_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED]
        ),
    ]
