"""Historical CAD import: a city's export of past calls, read through a mapping file, stored
as closed calls triaged by the published rule set (docs/import.md).

- ``mapping``: mapping files and the shipped profiles (``dispatch/import_profiles/``)
- ``rows``: reading, checking and triaging rows into staged lines; the rejects file
- ``postgres``: the fast path, COPY into a staging table then one INSERT ... SELECT
- ``portable``: the same calls through ``bulk_create``, for SQLite
- ``services``: ``calls_import``, the one entry point
"""

from dispatch.importer.mapping import (
    ImportMapping,
    MappingError,
    mapping_load,
    profile_load,
    profile_names,
)
from dispatch.importer.services import (
    ImportFailed,
    ImportSummary,
    calls_import,
    rejects_path_default,
)

__all__ = [
    "ImportFailed",
    "ImportMapping",
    "ImportSummary",
    "MappingError",
    "calls_import",
    "mapping_load",
    "profile_load",
    "profile_names",
    "rejects_path_default",
]
