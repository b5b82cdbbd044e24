"""Sign-in (each role lands on its work page) and the audit log search page."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from access.navigation import landing_url
from access.selectors import audit_search


class LoginView(auth_views.LoginView):
    """Sign-in. Each role lands on its work page (access.navigation.LANDING); a ?next= naming
    another page still wins, except the overview's "/": that is what the login redirect adds
    for anyone who opens the console's address, not a page they chose."""

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        url = super().get_redirect_url(request)
        return "" if url == "/" else url

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)


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
