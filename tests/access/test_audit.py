import pytest
from django.db import DatabaseError, connection, transaction

from access.audit import audit_record
from access.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_it_refuses_to_change_or_delete_an_entry_through_the_orm(supervisor):
    entry = audit_record(action="ruleset.publish", user=supervisor, object_type="x", object_id=1)
    entry.action = "something else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "ruleset.publish"


def test_it_refuses_bulk_changes_in_the_database_on_postgresql(supervisor):
    entry = audit_record(action="case.read", user=supervisor, object_type="x", object_id=2)
    if connection.vendor != "postgresql":
        # SQLite has no triggers here; the ORM guard above is the protection there.
        assert connection.vendor == "sqlite"
        return
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "case.read"
