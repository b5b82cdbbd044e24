"""The importer's COPY path names only the columns it fills: every other column of a call must
fill itself (a database default, or NULL), or a million-row PostgreSQL import fails on the first
row. A field added to Call without `db_default` fails here, not in a city's import."""

from django.db.models import NOT_PROVIDED

from dispatch.importer.postgres import _CONSTANTS
from dispatch.importer.rows import STAGING_COLUMNS
from dispatch.models import Call


def test_every_column_the_copy_path_leaves_out_fills_itself():
    filled = {name for name, _ in STAGING_COLUMNS} | set(_CONSTANTS)
    unfilled = [
        field.column
        for field in Call._meta.concrete_fields
        if not (field.null or field.primary_key or field.column in filled)
        and field.db_default is NOT_PROVIDED
    ]
    assert unfilled == [], f"give these Call fields a db_default: {unfilled}"
