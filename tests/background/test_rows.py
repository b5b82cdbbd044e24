"""instance_insert: a model instance written with one prepared INSERT, as save() would."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group

from access.models import AuditEntry
from background.models import OutboxMessage
from background.rows import instance_insert
from dispatch.models import Call

pytestmark = pytest.mark.django_db


def test_it_stores_what_save_would_store(call_taker):
    at = datetime(2026, 3, 10, 18, 5, tzinfo=UTC)
    fields = {
        "call_type_id": "WELFARE_CHECK",
        "received_at": at,
        "created_at": at,
        "address": "101 City Hall Plaza",
        "lat": 35.994,
        "lon": -78.898,
        "answers": {"weapon": "no"},
        "created_by": call_taker,
    }
    fast, saved = Call(**fields), Call(**fields)
    instance_insert(fast)
    saved.save()
    assert fast.pk is not None and fast.pk != saved.pk and not fast._state.adding
    stored = Call.objects.values().get(pk=fast.pk)
    expected = Call.objects.values().get(pk=saved.pk)
    for volatile in ("id", "updated_at"):
        stored.pop(volatile), expected.pop(volatile)
    assert stored == expected
    # auto_now was applied, and set on the instance as save() does.
    assert fast.updated_at is not None


def test_it_only_inserts():
    message = OutboxMessage(task="t", payload={}, created_at=datetime.now(UTC))
    instance_insert(message)
    with pytest.raises(ValueError, match="already saved"):
        instance_insert(message)


def test_it_writes_audit_entries_whose_save_only_refuses_updates():
    entry = AuditEntry(at=datetime.now(UTC), action="test.action")
    instance_insert(entry)
    assert AuditEntry.objects.filter(pk=entry.pk, action="test.action").exists()


def test_it_refuses_a_model_whose_save_signals_it_would_skip():
    # Group has audit receivers on pre_save and post_save (access/audit_signals.py).
    with pytest.raises(TypeError, match="save signals"):
        instance_insert(Group(name="x"))
    assert not Group.objects.filter(name="x").exists()
