"""Migrations name the migrations they follow, never another app's "__latest__".

"__latest__" is read when the migrations load, not when the migration was written: a new
migration in that app becomes a dependency of one a database applied long ago, and migrate
refuses the database (InconsistentMigrationHistory). triage's 0003 did that to access's 0002.
"""

from __future__ import annotations

from django.db.migrations.loader import MigrationLoader

from tests.test_architecture import FLOORS


def test_no_migration_of_ours_follows_another_apps_latest():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = set(FLOORS) | {"heart"}
    moving = [
        f"{app}.{name} depends on {dependency}"
        for (app, name), migration in loader.disk_migrations.items()
        if app in ours
        for dependency in migration.dependencies
        if dependency[1] in ("__latest__", "__first__") and dependency[0] in ours
    ]
    assert moving == []
    # The scan read our apps' migrations, not nothing.
    assert {"access", "triage", "dispatch"} <= {app for app, _ in loader.disk_migrations}
