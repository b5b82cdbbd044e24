"""The call page and the call after intake (docs/calls.md): the timeline, field notes,
supplements, cancelling, merging a duplicate, acknowledging alerts, confirming a fallback, and
a call-taker's "My calls". A refused form comes back filled in, its errors on its fields."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dispatch import selectors
from dispatch.after_intake_forms import (
    AlertAckForm,
    CancelForm,
    MergeForm,
    NoteForm,
    SupplementForm,
)
from dispatch.models import AlertAcknowledgement, Call, FieldEvent, Unit
from dispatch.services import (
    UnitsAvailable,
    alert_acknowledge,
    call_cancel,
    call_fall_back,
    call_merge,
    call_note_add,
    call_supplement_add,
)
from dispatch.services.alerts import call_overdue
from dispatch.services.assignments import OPEN_STATUSES
from dispatch.timeline import call_timeline
from dispatch.views.maps import MAP_UNIT_FIELDS, map_frame, unit_markers
from dispatch.views.people import people_context
from dispatch.views.police import police_context
from triage.selectors import engine_get
from web.errors import error_flash, errors_to_form
from web.http import HtmxHttpRequest

READ_CALLS = ("dispatch.view_call", "dispatch.dispatch_call", "dispatch.log_call")
WRITE_NOTES = ("dispatch.dispatch_call", "dispatch.log_call")
MY_CALLS_SHOWN = 50


def any_permission_required(*perms: str) -> Callable[[Any], Any]:
    """A view for users holding any one of ``perms`` (403 otherwise; login first)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return permission_required(perms[0])(view)(request, *args, **kwargs)
            if not any(request.user.has_perm(p) for p in perms):
                raise PermissionDenied(f"needs one of: {', '.join(perms)}")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _alerts(call: Call) -> dict[str, Any]:
    """The call's board alerts that nobody has acknowledged yet."""
    acks = list(AlertAcknowledgement.objects.filter(call=call).values_list("kind", "event_id"))
    overdue = call_overdue(call, timezone.now()) and not any(k == "overdue" for k, _ in acks)
    acked_events = {e for _, e in acks if e}
    backups = [
        e
        for e in call.events.all()
        if e.kind == FieldEvent.Kind.BACKUP_REQUESTED and e.pk not in acked_events
    ]
    return {"overdue": overdue, "backups": backups}


def call_page_render(
    request: HttpRequest,
    call_id: int,
    *,
    bound: dict[str, forms.Form] | None = None,
    confirm_fall_back: UnitsAvailable | None = None,
    status: int = 200,
) -> HttpResponse:
    call = selectors.call_detail(call_id)
    if call is None:
        raise Http404("no such call")
    is_open = call.status in OPEN_STATUSES
    can_dispatch = request.user.has_perm("dispatch.dispatch_call")
    plans = people_context(request.user, [call.person_id] if call.person_id else [])["safety_plans"]
    now = timezone.now()
    call_map = {
        **map_frame(now),
        "call": (
            {"lat": call.lat, "lon": call.lon, "route": call.route, "label": f"#{call.pk}"}
            if call.lat is not None and call.lon is not None
            else None
        ),
        "units": unit_markers(Unit.objects.only(*MAP_UNIT_FIELDS)),
        # The department's zones and streets, drawn when there is no tile server.
        "basemap": reverse("api-basemap"),
    }
    context: dict[str, Any] = {
        "call": call,
        "is_open": is_open,
        "open_assignments": [a for a in call.assignments.all() if a.cleared_at is None],
        "cleared_assignments": [a for a in call.assignments.all() if a.cleared_at is not None],
        "statuses": Unit.Status.choices,
        "now": now,
        "call_map": call_map,
        "locate_form": None,
        "stale_minutes": settings.UNIT_POSITION_STALE_MINUTES,
        "outcome": _outcome_of(call),
        **police_context(call),
        "safety_plan": plans.get(call.person_id),
        "timeline": call_timeline(call),
        "note_form": NoteForm(auto_id="note_%s"),
        "supplement_form": SupplementForm(auto_id="supplement_%s"),
        "cancel_form": CancelForm(auto_id="cancel_%s"),
        "merge_form": MergeForm(auto_id="merge_%s"),
        "confirm_fall_back": confirm_fall_back,
        # A waiting call whose route has somewhere to fall back to (POLICE has nowhere).
        "offer_fall_back": call.status in (Call.Status.QUEUED, Call.Status.HELD)
        and bool(engine_get().coverage.chain(call.route)),
        "alerts": _alerts(call) if can_dispatch else {},
    }
    context.update(bound or {})
    if can_dispatch and is_open:
        available = Unit.objects.filter(status=Unit.Status.AVAILABLE).exclude(kind="CCD")
        context["recommended"] = selectors.recommended_units(call)
        context["other_units"] = available.exclude(kind=call.route).order_by("kind", "name")
        context["same_kind_units"] = available.filter(kind=call.route).order_by("name")
        context["possible_duplicates"] = selectors.possible_duplicates(
            address=call.address, lat=call.lat, lon=call.lon, exclude_id=call.pk
        )
    return render(request, "dispatch/call.html", context, status=status)


def _outcome_of(call: Call) -> list[tuple[str, str]] | None:
    """The outcomes recorded at clearing, or None when no clearing recorded any."""
    outcome = getattr(call, "outcome", None)  # a reverse one-to-one raises when absent
    return None if outcome is None else outcome.recorded()


@require_GET
@any_permission_required(*READ_CALLS)
def call_page(request: HttpRequest, call_id: int) -> HttpResponse:
    return call_page_render(request, call_id)


def _back(call_id: int) -> HttpResponse:
    return redirect(reverse("dispatch:call", args=[call_id]))


def _timeline_partial(request: HttpRequest, call_id: int, form: NoteForm) -> HttpResponse:
    call = selectors.call_detail(call_id)
    if call is None:
        raise Http404("no such call")
    return render(
        request,
        "dispatch/call.html#timeline",
        {"call": call, "timeline": call_timeline(call), "note_form": form},
    )


@require_POST
@any_permission_required(*WRITE_NOTES)
def note(request: HtmxHttpRequest, call_id: int) -> HttpResponse:
    form = NoteForm(request.POST, auto_id="note_%s")
    if form.is_valid():
        try:
            call_note_add(
                call_id=call_id, text=form.cleaned_data["text"], by=request.user, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if request.htmx:
                return _timeline_partial(request, call_id, NoteForm(auto_id="note_%s"))
            messages.success(request, "Note added to the timeline.")
            return _back(call_id)
    if request.htmx:
        # htmx swaps a 200 only: the partial carries the form's errors and its text.
        return _timeline_partial(request, call_id, form)
    return call_page_render(request, call_id, bound={"note_form": form}, status=400)


@require_POST
@any_permission_required(*WRITE_NOTES)
def supplement(request: HttpRequest, call_id: int) -> HttpResponse:
    form = SupplementForm(request.POST, auto_id="supplement_%s")
    if form.is_valid():
        try:
            call_supplement_add(
                call_id=call_id, supplement=form.supplement(), by=request.user, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Supplement added to the call.")
            return _back(call_id)
    return call_page_render(request, call_id, bound={"supplement_form": form}, status=400)


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def cancel(request: HttpRequest, call_id: int) -> HttpResponse:
    form = CancelForm(request.POST, auto_id="cancel_%s")
    if form.is_valid():
        try:
            call = call_cancel(
                call_id=call_id,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, f"Call {call_id} cancelled: {call.get_cancel_reason_display()}."
            )
            return _back(call_id)
    return call_page_render(request, call_id, bound={"cancel_form": form}, status=400)


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def merge(request: HttpRequest, call_id: int) -> HttpResponse:
    form = MergeForm(request.POST, auto_id="merge_%s")
    if form.is_valid():
        try:
            call = call_merge(
                call_id=call_id,
                into=form.cleaned_data["into"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, f"Call {call_id} closed as a duplicate of call {call.duplicate_of_id}."
            )
            return _back(call.duplicate_of_id or call_id)
    return call_page_render(request, call_id, bound={"merge_form": form}, status=400)


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def alert_ack(request: HttpRequest, call_id: int) -> HttpResponse:
    form = AlertAckForm(request.POST)
    if not form.is_valid():
        messages.error(request, "kind: acknowledge an overdue call or a backup request")
    else:
        try:
            alert_acknowledge(
                call_id=call_id, kind=form.cleaned_data["kind"], by=request.user, request=request
            )
            messages.success(request, f"Alert on call {call_id} acknowledged.")
        except ValidationError as exc:
            error_flash(request, exc)
    if request.POST.get("next") == "board":
        return redirect(reverse("dispatch:board"))
    return _back(call_id)


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def fall_back(request: HttpRequest, call_id: int) -> HttpResponse:
    """Fall back now; with units of the route available, a confirm step first (the server
    decides, so a page without JavaScript asks too)."""
    try:
        call = call_fall_back(
            call_id=call_id,
            by=request.user,
            request=request,
            confirmed=request.POST.get("confirm") == "yes",
        )
    except UnitsAvailable as exc:
        return call_page_render(request, call_id, confirm_fall_back=exc)
    except ValidationError as exc:
        error_flash(request, exc)
    else:
        messages.success(request, f"Call {call_id} fell back to {call.route} (no unit).")
    return _back(call_id)


@require_GET
@permission_required("dispatch.log_call", raise_exception=True)
def my_calls(request: HttpRequest) -> HttpResponse:
    calls = (
        Call.objects.filter(created_by_id=request.user.pk)
        .select_related("call_type")
        .order_by("-received_at", "-id")[:MY_CALLS_SHOWN]
    )
    response = render(request, "dispatch/my_calls.html", {"calls": calls, "shown": MY_CALLS_SHOWN})
    return response
