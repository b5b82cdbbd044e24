"""Changes made in the Django admin, in the audit log with their values before and after.

A schedule edited in the admin changes where calls go, a call type's default priority changes
how fast they are answered, a unit's members change who is dispatched: each add, change and
delete is an entry (``admin.create``, ``admin.change``, ``admin.delete``) against the object,
naming the admin, with the fields that changed as ``[before, after]``. Users and groups are
recorded by their model signals (access/audit_signals.py) wherever they change.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from access.audit import audit_record


def snapshot(obj: models.Model, *, redacted: tuple[str, ...] = ()) -> dict[str, Any]:
    """The object's fields as text, as the admin shows them; many-to-many as sorted names.
    A ``redacted`` field (a shared secret) shows only a fingerprint, so that the log says it
    changed without holding it."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now", False):
            continue  # the primary key is the entry's object; a modified-at stamp is noise
        if field.name in redacted:
            raw = field.value_to_string(obj).encode()
            values[field.name] = f"(hidden, sha256 {hashlib.sha256(raw).hexdigest()[:8]})"
        elif field.is_relation:
            related = getattr(obj, field.name)
            values[field.name] = None if related is None else str(related)
        else:
            values[field.name] = field.value_to_string(obj)
    if obj.pk is not None:
        for m2m in obj._meta.many_to_many:
            values[m2m.name] = sorted(str(o) for o in getattr(obj, m2m.name).all())
    return values


class AuditedModelAdmin(admin.ModelAdmin[Any]):
    """A ModelAdmin whose adds, changes and deletes go to the audit log. The admin saves the
    object, then its many-to-many fields: the entry is written after both, inside the admin's
    transaction. Fields named in ``audit_redacted`` are logged as a fingerprint only."""

    audit_redacted: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = snapshot(stored, redacted=self.audit_redacted) if stored else None
        obj._audit_before = before
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = obj.__dict__.pop("_audit_before", None)
        after = snapshot(obj, redacted=self.audit_redacted)
        if before is None:
            audit_record(
                action="admin.create",
                user=request.user,
                obj=obj,
                request=request,
                detail={"fields": after},
            )
            return
        changed = {
            name: [before.get(name), value]
            for name, value in after.items()
            if before.get(name) != value
        }
        if changed:
            audit_record(
                action="admin.change",
                user=request.user,
                obj=obj,
                request=request,
                detail={"changed": changed},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _record_delete(request, obj, redacted=self.audit_redacted)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            _record_delete(request, obj, redacted=self.audit_redacted)
        super().delete_queryset(request, queryset)


def _record_delete(request: HttpRequest, obj: Any, *, redacted: tuple[str, ...] = ()) -> None:
    audit_record(
        action="admin.delete",
        user=request.user,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        request=request,
        detail={"fields": snapshot(obj, redacted=redacted)},
    )
