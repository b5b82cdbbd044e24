"""Signed-in sessions follow the authentication backend's new path.

Django keeps the path of the backend that signed a user in inside the session, and signs the
session out when that path is no longer in AUTHENTICATION_BACKENDS. ModelBackend became
access.permission_cache.PermissionCacheBackend: without this, upgrading would sign every
call-taker and dispatcher out in the middle of a shift.
"""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import migrations
from django.utils import timezone

OLD = "django.contrib.auth.backends.ModelBackend"
NEW = "access.permission_cache.PermissionCacheBackend"


def _rename(apps, schema_editor, *, old, new):
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    session_model = apps.get_model("sessions", "Session")
    for session in session_model.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = store.decode(session.session_data)
        if data.get(BACKEND_SESSION_KEY) == old:
            data[BACKEND_SESSION_KEY] = new
            session.session_data = store.encode(data)
            session.save(update_fields=["session_data"])


def forwards(apps, schema_editor):
    _rename(apps, schema_editor, old=OLD, new=NEW)


def backwards(apps, schema_editor):
    _rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
