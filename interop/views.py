"""The partner delivery log, for admins and supervisors (docs/interop.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from interop.models import PartnerDelivery
from interop.selectors import deliveries_counts, deliveries_list


@require_GET
@permission_required("interop.view_partnerdelivery", raise_exception=True)
def deliveries(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "").strip()
    if status not in PartnerDelivery.Status.values:
        status = ""
    page = Paginator(deliveries_list(status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "interop/deliveries.html",
        {
            "page": page,
            "status": status,
            "statuses": PartnerDelivery.Status.values,
            "counts": deliveries_counts(),
        },
    )
