"""Project-wide pages: sign-in, the overview, the audit log search, the health check."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from heart.navigation import landing_url
from heart.selectors import audit_search, overview_counts, worker_last_seen


class LoginView(auth_views.LoginView):
    """Sign-in. Each role lands on its work page (heart.navigation.LANDING); a ?next= naming
    another page still wins, except the overview's "/": that is what the login redirect adds
    for anyone who opens the console's address, not a page they chose."""

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        url = super().get_redirect_url(request)
        return "" if url == "/" else url

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "heart/home.html",
        {"counts": overview_counts(), "heartbeat": worker_last_seen()},
    )


@require_GET
@permission_required("heart.search_audit", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("user", "action", "object_type", "object_id", "outcome", "since", "until")
    }
    entries, errors = audit_search(**filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request, "heart/audit_log.html", {"page": page, "filters": filters, "errors": errors}
    )


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico before they read the page's icon link."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
