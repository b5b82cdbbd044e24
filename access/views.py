"""Sign-in (each role lands on its work page) and out, the user's account page with their API
token, and the audit log search page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from rest_framework.authtoken.models import Token

from access import services
from access.forms import LoginForm
from access.navigation import landing_url
from access.roles import user_roles
from access.selectors import audit_search
from access.token_auth import token_expired, token_expires_at


class LoginView(auth_views.LoginView):
    """Sign-in. Each role lands on its work page (access.navigation.LANDING); a ?next= naming
    another page still wins, except the overview's "/": that is what the login redirect adds
    for anyone who opens the console's address, not a page they chose."""

    form_class = LoginForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        # A field that cannot be read is a 400; a wrong password is a page asking again.
        if any(name != NON_FIELD_ERRORS for name in form.errors):
            response.status_code = 400
        return response

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


class LogoutView(auth_views.LogoutView):
    """Sign-out. With ``revoke_tokens=1`` (the account page's button) the user's API tokens are
    revoked too: a client signed in with them is signed out with the browser."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("revoke_tokens") == "1" and request.user.is_authenticated:
            services.tokens_revoke(
                user=request.user, by=request.user, reason="sign-out", request=request
            )
        return super().post(request, *args, **kwargs)


@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's page: their roles, and their API token with when it expires."""
    user: Any = request.user  # signed in: LoginRequiredMiddleware
    token = Token.objects.filter(user=user).first()
    return render(
        request,
        "access/account.html",
        {
            "roles": user_roles(request.user),
            "token": token,
            "token_expires_at": token_expires_at(token) if token else None,
            "token_expired": token_expired(token) if token else False,
        },
    )


@require_POST
def account_token_revoke(request: HttpRequest) -> HttpResponse:
    revoked = services.tokens_revoke(
        user=request.user, by=request.user, reason="account page", request=request
    )
    if revoked:
        messages.success(request, "Your API token is revoked: clients using it are refused.")
    else:
        messages.info(request, "You hold no API token.")
    return redirect("account")
