"""Importing a city's CAD history as closed, triaged calls (docs/import.md)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from django.db import connection, transaction
from django.utils import timezone

from access.audit import audit_record
from dispatch.importer.mapping import ImportMapping, MappingError
from dispatch.importer.portable import portable_load
from dispatch.importer.postgres import LoadResult, copy_load
from dispatch.importer.rows import LabelResolver, RejectsWriter, RowPreparer
from triage.models import CallTypeMapping
from triage.selectors import Engine, NoPublishedRuleSet, engine_get

__all__ = ["METHODS", "ImportFailed", "ImportSummary", "calls_import", "rejects_path_default"]

METHODS: Final = ("copy", "portable")


class ImportFailed(Exception):
    """The file as a whole cannot be imported (missing, empty, not text...); nothing was."""


@dataclass(frozen=True)
class ImportSummary:
    file: str
    mapping: str
    source: str
    method: str  # "copy" (PostgreSQL COPY) or "portable" (bulk_create)
    ruleset_version: int
    read: int  # data rows in the file (blank lines are not rows)
    imported: int
    duplicates: int  # rows whose call was already stored, or appeared earlier in the file
    rejected: int
    rejects_file: str  # "" when no row was rejected
    seconds: float  # the whole import, commit included
    # Of which: waiting for the file to be read, checked and triaged (beyond what the
    # database work hid), and storing the calls.
    seconds_reading: float
    seconds_storing: float

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0


def rejects_path_default(path: str | Path) -> Path:
    """``FILE.rejects.csv`` beside ``FILE.csv``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.rejects.csv")


def calls_import(
    *,
    path: str | Path,
    mapping: ImportMapping,
    rejects_path: str | Path | None = None,
    method: str | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> ImportSummary:
    """Import every readable row of a CAD export as a closed call, triaged as of its time.

    Promises: calls keep the mapping's source and their external id, and a call already
    stored (same source and id) is not stored again, so importing a file twice adds nothing;
    each call is triaged by the published rule set with its call type at face value (no
    screening answers), its outputs on the call (no TriageRecord rows); a row that cannot be
    read goes to the rejects file with its physical line number and every reason, and the
    others go in; one ``calls.import`` audit entry records the run. All of it in one
    transaction. ``progress(rows read, fraction of the file read)`` is called now and then.

    ``method`` is "copy" (PostgreSQL only) or "portable"; by default the fastest available.
    Raises ``ImportFailed`` or ``MappingError`` (a column or label the file does not have).
    """
    started = time.perf_counter()
    path = Path(path)
    if method is None:
        method = "copy" if connection.vendor == "postgresql" else "portable"
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHODS)}")
    if method == "copy" and connection.vendor != "postgresql":
        raise ImportFailed(f"the copy method needs PostgreSQL, not {connection.vendor}")
    if not path.is_file():
        raise ImportFailed(f"{path} does not exist or is not a file")
    try:
        engine = engine_get()
    except NoPublishedRuleSet as error:
        raise ImportFailed(f"{error}: publish one before importing history") from None
    labels = _labels(mapping, engine)
    rejects = Path(rejects_path) if rejects_path is not None else rejects_path_default(path)
    if rejects.resolve() == path.resolve():
        raise ImportFailed(f"the rejects file {rejects} would overwrite the input")
    size = path.stat().st_size or 1

    try:
        with (
            path.open("rb") as raw,
            io.TextIOWrapper(raw, encoding=mapping.encoding, newline="") as handle,
        ):
            reader = csv.reader(handle, delimiter=mapping.delimiter)
            header = next(reader, None)
            if header is None:
                raise ImportFailed(f"{path} is empty: expected a header row")
            writer = RejectsWriter(rejects, header, mapping.delimiter)
            try:
                preparer = RowPreparer(
                    mapping=mapping,
                    header=header,
                    compiled=engine.ruleset,
                    coverage=engine.coverage,
                    labels=labels,
                    rejects=writer,
                )
            except MappingError as error:
                raise MappingError(f"{mapping.name}: {error}") from None
            tick = None
            if progress is not None:
                report = progress

                def tick(rows: int) -> None:
                    report(rows, min(raw.tell() / size, 1.0))

            try:
                with transaction.atomic(durable=True):
                    lines = preparer.lines(reader, tick)
                    load = copy_load if method == "copy" else portable_load
                    result: LoadResult = load(lines, source=mapping.source, now=timezone.now())
                    summary = ImportSummary(
                        file=str(path),
                        mapping=mapping.name,
                        source=mapping.source,
                        method=method,
                        ruleset_version=engine.ruleset.version,
                        read=preparer.read,
                        imported=result.inserted,
                        duplicates=result.staged - result.inserted,
                        rejected=writer.count,
                        rejects_file=str(rejects) if writer.count else "",
                        seconds=time.perf_counter() - started,
                        seconds_reading=result.seconds_reading,
                        seconds_storing=result.seconds_storing,
                    )
                    audit_record(
                        action="calls.import",
                        object_type="dispatch.call",
                        detail=_audit_detail(summary),
                    )
            except BaseException:
                writer.close()
                # Nothing was imported: a rejects file would describe an import that did
                # not happen.
                if writer.count:
                    rejects.unlink(missing_ok=True)
                raise
            finally:
                writer.close()
    except UnicodeDecodeError as error:
        raise ImportFailed(
            f"{path} is not {mapping.encoding.removesuffix('-sig')} text "
            f"(near line {reader.line_num + 1}: "
            f"{error.reason}); set encoding in the mapping file"
        ) from None
    except csv.Error as error:
        raise ImportFailed(f"{path}, line {reader.line_num}: {error}") from None
    # The commit is part of the import's time.
    return replace(summary, seconds=time.perf_counter() - started)


def _audit_detail(summary: ImportSummary) -> dict[str, Any]:
    return {
        "file": Path(summary.file).name,
        "path": summary.file,
        "mapping": summary.mapping,
        "source": summary.source,
        "method": summary.method,
        "ruleset_version": summary.ruleset_version,
        "read": summary.read,
        "imported": summary.imported,
        "duplicates": summary.duplicates,
        "rejected": summary.rejected,
        "rejects_file": summary.rejects_file,
        "seconds": round(summary.seconds, 3),
    }


def _labels(mapping: ImportMapping, engine: Engine) -> LabelResolver:
    """The mapping's labels: the mapping table's rows of ``labels_from``, then inline ones."""
    labels: dict[str, str] = {}
    where = []
    if mapping.labels_from:
        rows = list(
            CallTypeMapping.objects.filter(source=mapping.labels_from).values_list(
                "external_label", "call_type_id"
            )
        )
        if not rows:
            sources = sorted(set(CallTypeMapping.objects.values_list("source", flat=True)))
            raise MappingError(
                f"{mapping.name}: labels_from: no call-type mapping has source "
                f"{mapping.labels_from!r} (sources: {', '.join(sources) or 'none'})"
            )
        labels.update(rows)
        where.append(f"mapping source {mapping.labels_from}")
    for label, code in mapping.labels.items():
        if code not in engine.call_types:
            raise MappingError(
                f'{mapping.name}: labels."{label}": {code!r} is not a call type code'
            )
        labels[label] = code
    if mapping.labels:
        where.append(f"the [labels] of {mapping.name}")
    where.append("the call type codes")
    return LabelResolver(labels, engine.call_types, where=", ".join(where))
