"""CSV downloads: every table of the dashboards, the drill-down lists and the staffing model.

Text cells that a spreadsheet would run as a formula (starting with = + - @ or a tab) get a
leading apostrophe: call-type labels and sources come from admins and imported files.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from dashboards.metrics import Table

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else value


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(v) for v in row])


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A streamed CSV download: the rows are read as they are written, never all at once."""
    response = StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def table_response(table: Table, *, stem: str) -> HttpResponse:
    response = HttpResponse(
        "".join(_lines(table.columns, ([c.csv for c in row] for row in table.rows))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}-{table.key}.csv"'
    response["Cache-Control"] = "no-store"
    return response


CALL_HEADER = [
    "call_id",
    "received_at",
    "source",
    "call_type",
    "priority",
    "eligible_route",
    "route",
    "unserved_reason",
    "disposition",
    "processing_seconds",
    "response_seconds",
    "person_id",
    "count",
]


def call_rows(calls: Any) -> Iterator[list[Any]]:
    for call in calls.iterator(chunk_size=2000):
        yield [
            call.pk,
            timezone.localtime(call.received_at).isoformat(),
            call.source,
            call.call_type_id,
            call.priority,
            call.eligible_route,
            call.route,
            call.unserved_reason,
            call.disposition,
            _round(call.processing_s),
            _round(call.response_s),
            call.person_id or "",
            getattr(call, "counted", ""),
        ]


CASE_HEADER = [
    "case_id",
    "call_id",
    "opened_at",
    "navigator",
    "first_contact_due",
    "first_contact_at",
    "connected_at",
    "status",
    "outcome",
    "closed_at",
]


def case_rows(cases: Any) -> Iterator[list[Any]]:
    for case in cases.iterator(chunk_size=2000):
        yield [
            case.pk,
            case.call_id or "",
            _local(case.opened_at),
            case.navigator.get_username() if case.navigator else "",
            _local(case.first_contact_due),
            _local(case.first_contact_at),
            _local(case.connected_at),
            case.status,
            case.outcome,
            _local(case.closed_at),
        ]


def _local(value: Any) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def _round(value: Any) -> Any:
    return "" if value is None else round(float(value), 1)
