"""The dispatcher's board and call page: queue, units, map, assignment and field events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dispatch import selectors
from dispatch.forms import AssignForm, ReasonForm, ReassignForm, StatusForm
from dispatch.models import Call, Unit
from dispatch.roster_selectors import unit_makeups
from dispatch.services import (
    UnitUnavailable,
    backup_request,
    call_hold,
    call_reassign,
    unit_assign,
    unit_status_set,
)
from dispatch.views.maps import map_frame, unit_markers
from web.errors import error_flash
from web.http import HtmxHttpRequest, id_or_none
from workforce.teams import Makeup

ETAG_HEADER = "X-Board-Etag"


def board_context() -> dict[str, Any]:
    now = timezone.now()
    waiting = list(selectors.waiting_calls())
    active = list(selectors.active_calls())
    units = list(selectors.units_with_calls())
    # Reversed once, not once per row: the board lists every open call.
    call_base = reverse("dispatch:call", args=[0]).removesuffix("0/")
    makeups = unit_makeups(units)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for unit in units:
        by_kind.setdefault(unit.kind, []).append(_unit_row(unit, call_base, makeups[unit.pk]))
    map_data = {
        "calls": [
            {
                "id": c.pk,
                "lat": c.lat,
                "lon": c.lon,
                "route": c.route,
                "priority": c.priority,
                "label": f"#{c.pk} {c.call_type.label}",
                "waiting": c.status != "active",
            }
            for c in (*waiting, *active)
            if c.lat is not None and c.lon is not None
        ],
        "units": unit_markers(units),
        **map_frame(now),
        "basemap": reverse("api-basemap"),
    }
    waiting_rows = [_waiting_row(call, call_base, now) for call in waiting]
    active_rows = [_active_row(call, call_base) for call in active]
    return {
        "waiting": waiting_rows,
        "active": active_rows,
        **_alerts(waiting_rows, active_rows),
        "units_by_kind": sorted(by_kind.items()),
        "ccd_line": selectors.ccd_line_count(),
        "warn_after": selectors.WAIT_WARNING_MINUTES,
        "map_data": map_data,
        "stale_minutes": settings.UNIT_POSITION_STALE_MINUTES,
    }


# The alert panel names every backup request and the first few overdue calls in the queue's
# order; the others are counted, and each is acknowledged on its red row in the queue below.
# In a surge of 150 overdue calls a full list would push the queue off the screen.
ALERT_PANEL_OVERDUE = 5


def _alerts(
    waiting_rows: list[dict[str, Any]], active_rows: list[dict[str, Any]]
) -> dict[str, Any]:
    backups = [
        {**row, "kind": "backup", "what": "Backup requested", "detail": row["backup_open"]}
        for row in active_rows
        if row["backup_open"]
    ]
    overdue = [row for row in waiting_rows if row["overdue"] and row["alert"]]
    return {
        "alerts": [
            *backups,
            *(
                {**row, "kind": "overdue", "what": "Overdue", "detail": f"waiting {row['waited']}"}
                for row in overdue[:ALERT_PANEL_OVERDUE]
            ),
        ],
        "alerts_total": len(backups) + len(overdue),
        "overdue_more": max(0, len(overdue) - ALERT_PANEL_OVERDUE),
    }


# The board's rows are dicts of ready strings: the template engine looks a name up in a dict
# first and on an object only after that fails, and formats numbers through the locale, so
# two hundred model rows with a dozen lookups each cost more than all the board's queries.


def _waiting_row(call: Call, call_base: str, now: datetime) -> dict[str, Any]:
    waited = max(0, int((now - call.received_at).total_seconds()))
    warn_after = selectors.WAIT_WARNING_MINUTES.get(call.priority, 30)
    held = call.status == Call.Status.HELD and call.held_until is not None
    return {
        **_call_cells(call, call_base),
        "received_ms": str(int(call.received_at.timestamp() * 1000)),
        "warn_after": str(warn_after),
        "waited": f"{waited // 60}:{waited % 60:02d}",
        "overdue": waited >= warn_after * 60,
        # Its overdue alert is not acknowledged yet: it sounds when the row turns red.
        "alert": not call.overdue_acked,  # type: ignore[attr-defined]
        "held_until": f"{timezone.localtime(call.held_until):%H:%M}" if held else "",
        "unserved": (
            f"eligible {call.eligible_route} · {call.get_unserved_reason_display()}"
            if call.unserved_reason
            else ""
        ),
    }


def _active_row(call: Call, call_base: str) -> dict[str, Any]:
    unacked = [e for e in call.backup_events if not e.acked]  # type: ignore[attr-defined]
    return {
        **_call_cells(call, call_base),
        "since": f"{timezone.localtime(call.received_at):%H:%M}",
        "backup": bool(call.backup_events),  # type: ignore[attr-defined]
        # The backup requests nobody acknowledged yet, the newest last: the board's alert.
        "backup_open": "; ".join(
            f"{timezone.localtime(e.at):%H:%M} {e.reason}".strip() for e in unacked
        ),
        "units": [
            {
                "kind": a.unit.kind,
                "label": f"{a.unit.name} · {a.unit.get_status_display()}",
            }
            for a in call.open_assignments  # type: ignore[attr-defined]
        ],
    }


def _call_cells(call: Call, call_base: str) -> dict[str, Any]:
    return {
        "id": str(call.pk),
        "url": f"{call_base}{call.pk}/",
        "title": f"#{call.pk} {call.call_type.label}",
        "priority": call.priority,
        "route": call.route,
        "address": call.address or call.landmark or "—",
        "unverified": call.lat is None,
        "transferred_from": call.transferred_from,
    }


def _unit_row(unit: Unit, call_base: str, makeup: Makeup) -> dict[str, Any]:
    # An off-duty unit's empty roster is no news; a unit that may be sent is checked.
    checked = unit.status != Unit.Status.OFF_DUTY
    return {
        "name": unit.name,
        # The age beside the name is counted by static/js/unit_markers.js. A CCD position is a
        # desk in the 911 center, never drawn on the map: no position age beside it either.
        "position_ms": str(int(unit.position_at.timestamp() * 1000))
        if unit.position_at and unit.kind != "CCD"
        else "",
        "team_warning": makeup.warning if checked else "",
        "languages": " ".join(sorted(code.upper() for code in makeup.languages)),
        "status": unit.status,
        "status_label": unit.get_status_display(),
        "calls": [
            {"url": f"{call_base}{a.call_id}/", "ref": f"#{a.call_id}"}
            for a in unit.open_assignments  # type: ignore[attr-defined]
        ],
    }


@require_GET
@permission_required("dispatch.dispatch_call", raise_exception=True)
def board(request: HtmxHttpRequest) -> HttpResponse:
    etag = selectors.board_etag()
    # The poll: nothing changed since the client's copy -> 204, htmx keeps the page as is.
    if request.htmx and request.headers.get(ETAG_HEADER) == etag:
        return HttpResponse(status=204)
    template = "dispatch/board.html#live" if request.htmx else "dispatch/board.html"
    response = render(request, template, {**board_context(), "etag": etag})
    response["Cache-Control"] = "no-store"
    return response


def _back(call_id: int) -> HttpResponse:
    return redirect(reverse("dispatch:call", args=[call_id]))


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def assign(request: HtmxHttpRequest, call_id: int) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "unit: choose a unit to assign")
        return _back(call_id)
    try:
        assignment = unit_assign(
            call_id=call_id, unit_id=form.cleaned_data["unit"], by=request.user, request=request
        )
    except UnitUnavailable as exc:
        messages.error(request, f"{exc.unit.name if exc.unit else 'unit'}: {exc}")
        return _back(call_id) if not request.htmx else HttpResponse(str(exc), status=409)
    except ValidationError as exc:
        error_flash(request, exc)
        return _back(call_id)
    messages.success(request, f"{assignment.unit.name} assigned to call {call_id}.")
    return (
        redirect(reverse("dispatch:board"))
        if request.POST.get("next") == "board"
        else _back(call_id)
    )


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def reassign(request: HttpRequest, call_id: int) -> HttpResponse:
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "unit: choose the unit to move the call to")
        return _back(call_id)
    try:
        assignment = call_reassign(
            call_id=call_id,
            from_unit_id=form.cleaned_data["from_unit"],
            to_unit_id=form.cleaned_data["unit"],
            by=request.user,
            request=request,
        )
    except UnitUnavailable as exc:
        messages.error(request, f"{exc.unit.name if exc.unit else 'unit'}: {exc}")
        return _back(call_id)
    except ValidationError as exc:
        error_flash(request, exc)
        return _back(call_id)
    messages.success(request, f"Call {call_id} moved to {assignment.unit.name}.")
    return _back(call_id)


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def unit_status(request: HttpRequest, unit_id: int) -> HttpResponse:
    form = StatusForm(request.POST)
    call_id = request.POST.get("call")
    if not form.is_valid():
        messages.error(request, "status: choose one of the unit statuses")
    else:
        try:
            unit = unit_status_set(
                unit_id=unit_id,
                status=form.cleaned_data["status"],
                by=request.user,
                request=request,
            )
            messages.success(request, f"{unit.name} is now {unit.get_status_display()}.")
        except ValidationError as exc:
            error_flash(request, exc)
    back_to = id_or_none(call_id)
    if back_to is not None:
        return _back(back_to)
    return redirect(reverse("dispatch:board"))


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def hold(request: HttpRequest, call_id: int) -> HttpResponse:
    try:
        call = call_hold(call_id=call_id, by=request.user, request=request)
        messages.success(
            request,
            f"Call {call_id} held for {call.route} until "
            f"{timezone.localtime(call.held_until):%H:%M}.",
        )
    except ValidationError as exc:
        error_flash(request, exc)
    return _back(call_id)


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def backup(request: HttpRequest, call_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    unit_id = id_or_none(request.POST.get("unit"))
    if not form.is_valid() or unit_id is None:
        messages.error(request, "reason: say why backup is needed")
        return _back(call_id)
    try:
        backup_request(
            call_id=call_id,
            unit_id=unit_id,
            reason=form.cleaned_data["reason"],
            by=request.user,
            request=request,
        )
        messages.warning(request, f"Police backup requested on call {call_id}.")
    except ValidationError as exc:
        error_flash(request, exc)
    return _back(call_id)
