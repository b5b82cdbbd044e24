"""Turn a database outage into a clear 503 the client can retry, instead of a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import SimpleTemplateResponse

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = "2"


class DatabaseUnavailableMiddleware:
    """While PostgreSQL restarts, requests fail with OperationalError. Nothing was saved (the
    transaction did not commit), and every create carries an idempotency key, so the answer is
    "try again": 503 with Retry-After. The next request reconnects (CONN_HEALTH_CHECKS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        message = "The database is unavailable for a moment; nothing was saved. Try again."
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            response = SimpleTemplateResponse("503.html", {"message": message}, status=503).render()
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
