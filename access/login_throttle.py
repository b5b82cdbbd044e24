"""Sign-in throttling: by source address first, then per account from that address.

A lock per username alone lets anyone lock anyone out: five wrong passwords for `dispatcher`
sent from anywhere kept the dispatcher out for ten minutes, renewable forever, and a 911 floor
that cannot sign in cannot take calls. So django-axes counts failures per (username, address)
(``AXES_LOCKOUT_PARAMETERS``): five wrong passwords for an account lock that account from that
address only, and its owner still signs in from their own workstation. In front of that lock,
an address with ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures across any accounts is refused
altogether, so one address cannot try passwords on the whole floor. Both last
``LOGIN_LOCKOUT_MINUTES``. The address is the peer's, or a trusted proxy's word for it
(web/addresses.py).

Each lock is an audit entry (``login.lockout``, with its scope); when
``LOGIN_LOCKOUT_ALERT_ACCOUNTS`` accounts lock within one lockout window, a
``login.lockout_alert`` entry is written once per window and supervisors see it on every page
(access/context_processors.py): many accounts locking at once is an attack, or a floor that
cannot sign in.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from access.audit import audit_record
from access.models import AuditEntry

log = logging.getLogger(__name__)

# The user model's username column; axes keeps attempts in a varchar(255).
USERNAME_MAX = 150
ACCOUNT = "account"
ADDRESS = "address"


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username as axes stores it (AXES_USERNAME_CALLABLE): cut to the longest username
    there can be, so that a 300-character attempt is one more failed login, not a 500."""
    # The field axes reads (AXES_USERNAME_FORM_FIELD): the user model's, `username`.
    field = get_user_model().USERNAME_FIELD
    raw = credentials.get(field) if credentials else request.POST.get(field)
    return None if raw is None else str(raw)[:USERNAME_MAX]


def login_refused(request: HttpRequest | None, username: str) -> None:
    """A sign-in refused before the password was checked (a username no account can have):
    a failed login like any other, counted against the address and written to the audit log."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def _cool_off() -> timedelta:
    return get_cool_off() or timedelta(minutes=10)


def _address_failures(request: Any) -> int:
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes is untyped
    """axes' database handler, with the address limit in front of the account's."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if _address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            request.login_lockout = ADDRESS
            return True
        if super().is_locked(request, credentials):
            request.login_lockout = ACCOUNT
            return True
        return False

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        already_locked = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already_locked:
            return
        username = attempted_username(request, credentials) or ""
        if request.axes_locked_out:  # this failure locked the account, from this address
            request.login_lockout = ACCOUNT
            _lockout_recorded(request, username, ACCOUNT)
        elif _address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            request.login_lockout = ADDRESS
            _lockout_recorded(request, username, ADDRESS)


def _lockout_recorded(request: HttpRequest, username: str, scope: str) -> None:
    audit_record(
        action="login.lockout",
        outcome=AuditEntry.Outcome.FAILURE,
        username=username,
        request=request,
        detail={"scope": scope, "minutes": int(_cool_off().total_seconds() // 60)},
    )
    if scope != ACCOUNT:
        return
    since = timezone.now() - _cool_off()
    locked = sorted(
        set(
            AuditEntry.objects.filter(
                action="login.lockout", at__gte=since, detail__scope=ACCOUNT
            ).values_list("username", flat=True)
        )
    )
    if len(locked) < settings.LOGIN_LOCKOUT_ALERT_ACCOUNTS:
        return
    if AuditEntry.objects.filter(action="login.lockout_alert", at__gte=since).exists():
        return  # one alert per window; the entries above keep counting
    log.error("%d accounts locked out within %s: %s", len(locked), _cool_off(), locked)
    audit_record(
        action="login.lockout_alert",
        outcome=AuditEntry.Outcome.FAILURE,
        request=request,
        detail={"accounts": locked, "minutes": int(_cool_off().total_seconds() // 60)},
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After, as JSON for the API, a page otherwise."""
    scope = getattr(request, "login_lockout", ACCOUNT)
    minutes = max(1, int(_cool_off().total_seconds() // 60))
    if scope == ADDRESS:
        message = (
            "Sign-in is paused for this address: too many failed sign-ins came from it. "
            f"Try again in {minutes} minutes."
        )
    else:
        message = (
            "Account locked: too many failed sign-ins for this account from this address. "
            f"Try again in {minutes} minutes, or ask a supervisor or an administrator."
        )
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = TemplateResponse(
            request, "registration/locked_out.html", {"message": message}, status=429
        ).render()
    response["Retry-After"] = str(int(_cool_off().total_seconds()))
    return response
