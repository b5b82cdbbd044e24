"""DRF throttles for the API's doors that cost the most when hammered: the token endpoint
(passwords tried, by client address) and the creates (calls, cases, contacts, referrals, by
user). Over the rate a request gets 429 with Retry-After (DRF's Throttled). The rates are
settings read at each request, and the counts live in the cache (Redis when configured, so
shared by every web process; else per process)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse
from rest_framework.throttling import SimpleRateThrottle

from web.addresses import client_address

THROTTLED = OpenApiResponse(description="Too many requests: try again after Retry-After seconds")


class _SettingsRate(SimpleRateThrottle):
    setting = ""

    def get_rate(self) -> str | None:
        rate: str | None = getattr(settings, self.setting)
        return rate


class TokenThrottle(_SettingsRate):
    """POST /api/v1/auth/token/, per client address (API_TOKEN_THROTTLE_RATE)."""

    scope = "token"
    setting = "API_TOKEN_THROTTLE_RATE"

    def get_cache_key(self, request: Any, view: Any) -> str:
        ident = client_address(request._request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CreateThrottle(_SettingsRate):
    """The POST of an API create, per signed-in user (API_CREATE_THROTTLE_RATE); reads of the
    same endpoint are not counted."""

    scope = "create"
    setting = "API_CREATE_THROTTLE_RATE"

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not request.user.is_authenticated:
            return None  # refused by authentication anyway
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
