"""Inserting a model instance with one prepared statement, for the hottest write paths.

``Model.save()`` builds a query object, compiles it and renders its SQL on every call: on a
call create (five rows) that was more Python time than the database spent on the rows. Here
the ``INSERT`` text is built once per model and reused, so PostgreSQL's server-side binding
keeps it prepared; each call only converts the field values, as ``save()`` would, and runs it.

Only for plain models: no overridden ``save()`` (unless the model sets
``save_only_guards_updates = True``: its ``save()`` only refuses updates, and this never
updates), no ``pre_save``/``post_save`` receivers (they would be skipped silently), and an
auto-increment primary key. ``instance_insert`` refuses any other model instead of skipping its
behaviour.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django.db.models.signals import post_save, pre_save


@cache
def _insert_plan(model: type[models.Model]) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    meta = model._meta
    pk = meta.pk
    if not isinstance(pk, AutoFieldMixin):
        raise TypeError(f"{meta.label}: instance_insert needs an auto-increment primary key")
    if model.save is not models.Model.save and not getattr(
        model, "save_only_guards_updates", False
    ):
        raise TypeError(f"{meta.label}: instance_insert would skip its own save()")
    fields = tuple(f for f in meta.local_concrete_fields if f is not pk)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Identifiers from the model's meta; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        f" RETURNING {quote(pk.column)}"
    )
    return sql, fields


def instance_insert(obj: models.Model) -> None:
    """INSERT ``obj`` (new, unsaved) as ``obj.save()`` would, and set its primary key.

    Runs in the caller's transaction; raises IntegrityError as ``save()`` does.
    """
    model = type(obj)
    if obj.pk is not None:
        raise ValueError(
            f"{model._meta.label} {obj.pk} is already saved: instance_insert only inserts"
        )
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise TypeError(f"{model._meta.label}: instance_insert would skip its save signals")
    sql, fields = _insert_plan(model)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # INSERT ... RETURNING returns the row, or raises
        raise RuntimeError(f"{model._meta.label}: the INSERT returned no row")
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
