"""No response of the console is kept in a cache unless its view says it may be.

Pages and API answers carry calls, people, cases and the audit log; a shared workstation's back
button, or any cache between the browser and the server, must not hand them to the next person
after a sign-out. So every response gets ``Cache-Control: no-store`` unless its view set a
Cache-Control of its own (the notification badge, a count polled every minute, is ``private,
no-cache``: kept by the browser and revalidated, never shown from a shared cache). Static files
are served before this middleware and keep their long cache lifetimes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response
