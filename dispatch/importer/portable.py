"""The portable path (SQLite, or any database): the staged lines decoded into calls and
written with ``bulk_create`` in batches.

The lines are the very ones the PostgreSQL path copies, so both paths store the same calls.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime
from itertools import batched
from typing import Any, Final

from dispatch.importer.postgres import LoadResult
from dispatch.importer.rows import STAGING_COLUMNS, copy_text_decode
from dispatch.models import Call

__all__ = ["BATCH_SIZE", "call_from_staged", "portable_load"]

# SQLite allows 32,766 parameters per statement; a call has 37 columns.
BATCH_SIZE: Final = 500

_NAMES: Final = tuple(name for name, _ in STAGING_COLUMNS)
_TIMES: Final = frozenset({"received_at", "closed_at", "first_dispatched_at", "first_on_scene_at"})
_FLOATS: Final = frozenset({"lat", "lon"})
_INTEGERS: Final = frozenset({"ruleset_version"})


def call_from_staged(line: str, *, source: str) -> Call:
    """The unsaved call of one staged line, as the PostgreSQL path's INSERT builds it."""
    fields: dict[str, Any] = {}
    for name, text in zip(_NAMES, line.rstrip("\n").split("\t"), strict=True):
        value: Any = copy_text_decode(text)
        if value is not None:
            if name in _TIMES:
                value = datetime.fromisoformat(value)
            elif name in _FLOATS:
                value = float(value)
            elif name in _INTEGERS:
                value = int(value)
        fields[name] = value
    del fields["line"]
    return Call(
        **fields,
        source=source,
        status=Call.Status.CLOSED,
        created_at=fields["received_at"],
        triaged_at=fields["received_at"],
    )


def portable_load(lines: Iterable[str], *, source: str, now: datetime) -> LoadResult:
    """``copy_load`` for any database: same calls, same duplicate rule, same counts.

    ``now`` is not used: ``updated_at`` is an auto_now field, which ``bulk_create`` fills.
    """
    staged = inserted = 0
    storing = 0.0
    started = time.perf_counter()
    for batch in batched(lines, BATCH_SIZE):
        staged += len(batch)
        calls: dict[str, Call] = {}
        for line in batch:
            call = call_from_staged(line, source=source)
            # The first of two rows with the same id wins, as on the PostgreSQL path.
            calls.setdefault(call.external_id or "", call)
        store_started = time.perf_counter()
        stored = set(
            Call.objects.filter(source=source, external_id__in=list(calls)).values_list(
                "external_id", flat=True
            )
        )
        new = [call for external_id, call in calls.items() if external_id not in stored]
        # ignore_conflicts: a call another import stored meanwhile is skipped, not an error.
        Call.objects.bulk_create(new, ignore_conflicts=True)
        inserted += len(new)
        storing += time.perf_counter() - store_started
    return LoadResult(
        staged=staged,
        inserted=inserted,
        seconds_reading=time.perf_counter() - started - storing,
        seconds_storing=storing,
    )
