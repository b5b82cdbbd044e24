"""The audit log search page."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from access.selectors import audit_search


@require_GET
@permission_required("access.search_audit", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("user", "action", "object_type", "object_id", "outcome", "since", "until")
    }
    entries, errors = audit_search(**filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request, "access/audit_log.html", {"page": page, "filters": filters, "errors": errors}
    )
