"""The fast path on PostgreSQL: COPY the staged lines into a temporary table, then one
set-based INSERT into the calls table that skips the calls already there.

The lines go in chunks: while PostgreSQL inserts one chunk (most of the work: every call
enters the calls table's indexes), a reader thread prepares the next one, so the Python side of the
import costs almost no wall time. Runs inside the caller's transaction, on its connection;
the reader thread never touches the database. The staging table is TEMP (private to this
session, not written to the WAL) and dropped at commit.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.db import connection

from dispatch.importer.rows import STAGING_COLUMNS
from dispatch.models import Call

__all__ = ["LoadResult", "copy_load"]

STAGING_TABLE: Final = "dispatch_import_staging"
# Calls per chunk: enough that the per-statement costs vanish, few enough that the reader
# thread is never far ahead (memory: a chunk is about 25 MB of text).
CHUNK_LINES: Final = 65536
# Lines per write to the COPY stream.
WRITE_LINES: Final = 4096
# Chunks the reader may prepare ahead of the database.
AHEAD: Final = 2

# Columns of the call filled the same way for every imported call.
_CONSTANTS: Final = {
    "source": "%(source)s",
    "status": "%(status)s",
    "created_at": "s.received_at",
    "triaged_at": "s.received_at",
    "updated_at": "%(now)s",
    "caller_name": "''",
    "callback_number": "''",
    "narrative": "''",
    "answers": "'{}'::jsonb",
    "override_reason": "''",
    "disposition": "''",
}


@dataclass(frozen=True, slots=True)
class LoadResult:
    staged: int
    inserted: int
    # Wall time waiting for the file to be read and prepared (not hidden behind the
    # database), and in the database.
    seconds_reading: float = 0.0
    seconds_storing: float = 0.0


def copy_load(lines: Iterable[str], *, source: str, now: datetime) -> LoadResult:
    """Load staged lines (``rows.STAGING_COLUMNS`` in COPY text form) as closed calls of
    ``source``; a call whose (source, external id) is already stored, or appears earlier in
    the same lines, is skipped and counted as a duplicate."""
    quote = connection.ops.quote_name
    staged_names = [name for name, _ in STAGING_COLUMNS if name != "line"]
    targets = [*staged_names, *_CONSTANTS]
    values = [f"s.{name}" for name in staged_names] + list(_CONSTANTS.values())
    # Identifiers from the model and this module; the values are parameters. A call skips
    # the calls already stored (earlier chunks included) and an earlier line of the chunk with
    # its id: the first of two rows with the same id wins, as on the portable path, and ids
    # follow the file (ORDER BY line). Two anti-joins, not ON CONFLICT DO NOTHING: its
    # speculative insertion cost a fifth of the import, and the advisory lock below keeps a
    # concurrent import of the same source from slipping in between (the unique index stays
    # as the backstop).
    table = quote(Call._meta.db_table)
    insert = (
        f"INSERT INTO {table} "  # noqa: S608
        f"({', '.join(quote(name) for name in targets)}) "
        f"SELECT {', '.join(values)} FROM {STAGING_TABLE} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} c "
        "WHERE c.source = %(same_source)s AND c.external_id = s.external_id) "
        f"AND NOT EXISTS (SELECT 1 FROM {STAGING_TABLE} e "
        "WHERE e.external_id = s.external_id AND e.line < s.line) "
        "ORDER BY s.line"
    )
    params: dict[str, str | datetime] = {
        "source": source,
        # The same value under its own name: as a parameter of both the SELECT list and the
        # WHERE clause it would need one type for a text and a varchar context.
        "same_source": source,
        "status": Call.Status.CLOSED,
        "now": now,
    }
    staged = inserted = 0
    reading = storing = 0.0
    with connection.cursor() as cursor, _ReadAhead(_chunks(lines)) as chunks:
        cursor.execute(
            f"CREATE TEMP TABLE {STAGING_TABLE} ("
            + ", ".join(f"{name} {kind}" for name, kind in STAGING_COLUMNS)
            + ") ON COMMIT DROP"
        )
        # A chunk sorted in memory, not on disk (for this transaction only).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        # One import of a source at a time, until this transaction ends: a second one waits,
        # then finds the first one's calls stored and skips them.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"calls_import:{source}"])
        while True:
            started = time.perf_counter()
            chunk = chunks.next()
            got = time.perf_counter()
            reading += got - started
            if chunk is None:
                break
            texts, count = chunk
            with cursor.copy(f"COPY {STAGING_TABLE} FROM STDIN") as copy:
                for text in texts:
                    copy.write(text)
            cursor.execute(insert, params)
            inserted += cursor.rowcount
            cursor.execute(f"TRUNCATE {STAGING_TABLE}")
            staged += count
            storing += time.perf_counter() - got
        cursor.execute(f"DROP TABLE {STAGING_TABLE}")
    return LoadResult(
        staged=staged, inserted=inserted, seconds_reading=reading, seconds_storing=storing
    )


Chunk = tuple[list[str], int]


def _chunks(lines: Iterable[str]) -> Iterator[Chunk]:
    """(texts, number of lines) of CHUNK_LINES lines at most, each text WRITE_LINES lines."""
    texts: list[str] = []
    pending: list[str] = []
    count = 0
    for line in lines:
        pending.append(line)
        if len(pending) == WRITE_LINES:
            texts.append("".join(pending))
            pending.clear()
            count += WRITE_LINES
            if count == CHUNK_LINES:
                yield texts, count
                texts, count = [], 0
    if pending:
        texts.append("".join(pending))
        count += len(pending)
    if count:
        yield texts, count


class _ReadAhead:
    """Runs an iterator in a thread, up to AHEAD items ahead of the consumer.

    The thread's exceptions are raised in the consumer. When the consumer stops early (an
    error in the database), the thread is told to stop and joined.
    """

    _DONE: Final = object()

    def __init__(self, items: Iterator[Chunk]) -> None:
        self._items = items
        self._queue: queue.Queue[object] = queue.Queue(maxsize=AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="import-reader", daemon=True)

    def __enter__(self) -> _ReadAhead:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.1)  # unblock a put()
        self._thread.join()

    def next(self) -> Chunk | None:
        item = self._queue.get()
        if item is self._DONE:
            return None
        if isinstance(item, BaseException):
            raise item
        return item  # type: ignore[return-value]

    def _run(self) -> None:
        try:
            for item in self._items:
                if not self._put(item):
                    return
            self._put(self._DONE)
        except BaseException as error:  # handed to the consumer, which raises it
            self._put(error)

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False
