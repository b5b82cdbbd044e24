"""The shift roster: a week per unit, each unit's crew against its team template now; a
supervisor adds and removes shifts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dispatch.models import Unit
from dispatch.roster_forms import RosterShiftForm
from dispatch.roster_selectors import roster_week, unit_makeups
from dispatch.services import roster_shift_create, roster_shift_delete
from dispatch.services.assignments import DEPARTMENT_KINDS
from web.errors import error_flash, errors_to_form
from web.http import id_or_none
from workforce.selectors import responders_of
from workforce.vocabulary import DISCIPLINES, language_label


def _week_start(value: str | None) -> date:
    """The Monday of the week holding `value` (YYYY-MM-DD), or of today in the department's
    zone."""
    try:
        day = date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


def _page_url(unit_id: int | None, week: date) -> str:
    url = reverse("dispatch:roster") + f"?week={week.isoformat()}"
    return url + (f"&unit={unit_id}" if unit_id else "")


def _roster_page(
    request: HttpRequest, *, form: RosterShiftForm | None = None, status: int = 200
) -> HttpResponse:
    units = list(Unit.objects.filter(kind__in=DEPARTMENT_KINDS).order_by("kind", "name"))
    wanted = id_or_none(request.GET.get("unit") or request.POST.get("unit"))
    makeups = unit_makeups(units)
    # With no unit asked for, the first one a team is rostered on (a CCD phone position has no
    # team template and usually no shifts: its week would open empty).
    first = next((u for u in units if makeups[u.pk].required), units[0] if units else None)
    unit = next((u for u in units if u.pk == wanted), first)
    start = _week_start(request.GET.get("week") or request.POST.get("day"))
    week = roster_week(unit=unit, start=datetime.combine(start, time())) if unit else None
    people = responders_of(
        s.responder_id for _, shifts in (week.days if week else []) for s in shifts
    )
    days = [
        (
            day,
            [
                {
                    "shift": s,
                    "disciplines": ", ".join(
                        DISCIPLINES.get(d, d) for d in people[s.responder_id].disciplines
                    )
                    if s.responder_id in people
                    else "",
                    "languages": ", ".join(
                        language_label(c) for c in people[s.responder_id].languages
                    )
                    if s.responder_id in people
                    else "",
                }
                for s in shifts
            ],
        )
        for day, shifts in (week.days if week else [])
    ]
    can_edit = request.user.has_perm("dispatch.edit_roster")
    if can_edit and form is None:
        form = RosterShiftForm(
            initial={"unit": unit, "day": timezone.localdate(), "start": time(7), "end": time(19)}
        )
    context: dict[str, Any] = {
        "units": [(u, makeups[u.pk]) for u in units],
        "unit": unit,
        "makeup": makeups[unit.pk] if unit else None,
        "days": days,
        "week_start": start,
        "previous_week": _page_url(unit.pk if unit else None, start - timedelta(days=7)),
        "next_week": _page_url(unit.pk if unit else None, start + timedelta(days=7)),
        "form": form if can_edit else None,
        "can_edit": can_edit,
        "here": _page_url(unit.pk if unit else None, start),
    }
    return render(request, "dispatch/roster.html", context, status=status)


@require_GET
@permission_required("dispatch.view_rostershift", raise_exception=True)
def roster(request: HttpRequest) -> HttpResponse:
    return _roster_page(request)


@require_POST
@permission_required("dispatch.edit_roster", raise_exception=True)
def roster_shift_add(request: HttpRequest) -> HttpResponse:
    form = RosterShiftForm(request.POST)
    if form.is_valid():
        starts_at, ends_at = form.span()
        try:
            shift = roster_shift_create(
                unit_id=form.cleaned_data["unit"].pk,
                responder_id=form.cleaned_data["responder"].pk,
                starts_at=starts_at,
                ends_at=ends_at,
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc, fields=form.SERVICE_FIELDS)
        else:
            messages.success(request, f"{shift.responder.get_username()} is on {shift.unit.name}.")
            local = timezone.localtime(shift.starts_at).date()
            return redirect(_page_url(shift.unit_id, _week_start(local.isoformat())))
    return _roster_page(request, form=form, status=400)


@require_POST
@permission_required("dispatch.edit_roster", raise_exception=True)
def roster_shift_remove(request: HttpRequest, shift_id: int) -> HttpResponse:
    try:
        roster_shift_delete(shift_id=shift_id, by=request.user, request=request)
        messages.success(request, "Shift removed from the roster.")
    except ValidationError as exc:
        error_flash(request, exc)
    back = request.POST.get("next", "")
    return redirect(
        back if back.startswith(reverse("dispatch:roster")) else reverse("dispatch:roster")
    )
