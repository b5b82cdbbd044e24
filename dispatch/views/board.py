"""The dispatcher's board and call page: queue, units, map, assignment and field events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dispatch import selectors
from dispatch.forms import AssignForm, ReasonForm, StatusForm
from dispatch.models import Call, Unit
from dispatch.services import (
    UnitUnavailable,
    backup_request,
    call_fall_back,
    call_hold,
    handoff_record,
    unit_assign,
    unit_status_set,
)
from dispatch.views.people import people_context
from web.errors import error_flash
from web.http import HtmxHttpRequest, id_or_none

ETAG_HEADER = "X-Board-Etag"


def board_context() -> dict[str, Any]:
    now = timezone.now()
    waiting = list(selectors.waiting_calls())
    active = list(selectors.active_calls())
    units = list(selectors.units_with_calls())
    # Reversed once, not once per row: the board lists every open call.
    call_base = reverse("dispatch:call", args=[0]).removesuffix("0/")
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for unit in units:
        by_kind.setdefault(unit.kind, []).append(_unit_row(unit, call_base))
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
        "units": [
            {
                "id": u.pk,
                "lat": u.lat,
                "lon": u.lon,
                "name": u.name,
                "kind": u.kind,
                "status": u.status,
            }
            for u in units
            if u.lat is not None and u.lon is not None
        ],
        "tiles": settings.MAP_TILE_URL,
        "center": list(settings.MAP_CENTER),
        "basemap": reverse("api-basemap"),
    }
    return {
        "waiting": [_waiting_row(call, call_base, now) for call in waiting],
        "active": [_active_row(call, call_base) for call in active],
        "units_by_kind": sorted(by_kind.items()),
        "warn_after": selectors.WAIT_WARNING_MINUTES,
        "map_data": map_data,
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
        "held_until": f"{timezone.localtime(call.held_until):%H:%M}" if held else "",
        "unserved": (
            f"eligible {call.eligible_route} · {call.get_unserved_reason_display()}"
            if call.unserved_reason
            else ""
        ),
    }


def _active_row(call: Call, call_base: str) -> dict[str, Any]:
    return {
        **_call_cells(call, call_base),
        "since": f"{timezone.localtime(call.received_at):%H:%M}",
        "backup": bool(call.backup_events),  # type: ignore[attr-defined]
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
        "url": f"{call_base}{call.pk}/",
        "title": f"#{call.pk} {call.call_type.label}",
        "priority": call.priority,
        "route": call.route,
        "address": call.address or call.landmark or "—",
        "unverified": call.lat is None,
    }


def _unit_row(unit: Unit, call_base: str) -> dict[str, Any]:
    return {
        "name": unit.name,
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


@require_GET
@permission_required("dispatch.dispatch_call", raise_exception=True)
def call_page(request: HttpRequest, call_id: int) -> HttpResponse:
    return call_page_render(request, call_id)


def call_page_render(
    request: HttpRequest, call_id: int, *, locate_form: Any = None, status: int = 200
) -> HttpResponse:
    """The call page; with the map's point form as sent when it was refused by field."""
    call = selectors.call_detail(call_id)
    if call is None:
        raise Http404("no such call")
    available = Unit.objects.filter(status=Unit.Status.AVAILABLE).exclude(kind="CCD")
    plans = people_context(request.user, [call.person_id] if call.person_id else [])["safety_plans"]
    return render(
        request,
        "dispatch/call.html",
        {
            "call": call,
            "recommended": selectors.recommended_units(call),
            "other_units": available.exclude(kind=call.route).order_by("kind", "name"),
            "open_assignments": [a for a in call.assignments.all() if a.cleared_at is None],
            "statuses": Unit.Status.choices,
            "now": timezone.now(),
            "safety_plan": plans.get(call.person_id),
            "locate_form": locate_form,
            "call_map": {
                "point": [call.lat, call.lon] if call.lat is not None else None,
                "center": list(settings.MAP_CENTER),
                "tiles": settings.MAP_TILE_URL,
                "basemap": reverse("api-basemap"),
            },
        },
        status=status,
    )


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
def fall_back(request: HttpRequest, call_id: int) -> HttpResponse:
    try:
        call = call_fall_back(call_id=call_id, by=request.user, request=request)
        messages.success(request, f"Call {call_id} fell back to {call.route} (no unit).")
    except ValidationError as exc:
        error_flash(request, exc)
    return _back(call_id)


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def handoff(request: HttpRequest, call_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "reason: say why police are handing the call over")
        return _back(call_id)
    try:
        handoff_record(
            call_id=call_id, reason=form.cleaned_data["reason"], by=request.user, request=request
        )
        messages.success(request, f"Handoff recorded: call {call_id} now routed to HEART.")
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
