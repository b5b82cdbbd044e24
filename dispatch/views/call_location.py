"""A dispatcher places a call on the map from the call page: a click on the map fills the
form's latitude and longitude (static/js/call_map.js); without JavaScript they are typed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from dispatch.forms import CallLocationForm
from dispatch.models import Call
from dispatch.services import call_locate
from dispatch.views.call import call_page_render
from web.errors import errors_to_form


@require_POST
@permission_required("dispatch.dispatch_call", raise_exception=True)
def call_locate_view(request: HttpRequest, call_id: int) -> HttpResponse:
    get_object_or_404(Call, pk=call_id)
    back = redirect(reverse("dispatch:call", args=[call_id]))
    form = CallLocationForm(request.POST)
    if not form.is_valid():
        # The page again, with the point as typed and its errors by field.
        return call_page_render(request, call_id, bound={"locate_form": form}, status=400)
    try:
        call = call_locate(
            call_id=call_id,
            lat=form.cleaned_data["lat"],
            lon=form.cleaned_data["lon"],
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        errors_to_form(form, exc)
        return call_page_render(request, call_id, bound={"locate_form": form}, status=400)
    zone = f", zone {call.zone}" if call.zone else ""
    messages.success(request, f"Call {call.pk} placed at {call.lat:.5f}, {call.lon:.5f}{zone}.")
    return back
