"""Input no field of the console can hold, refused at the door with a 400 naming the field.

Two kinds reach deep enough to crash a request when nobody stops them:

- A NUL character. PostgreSQL refuses it in text and JSON, so a NUL in a query parameter, a
  form field or a JSON string fails at the first query or audit entry that carries it (a 500),
  whatever the view. No field takes one, so the middleware below refuses it in every query
  parameter, form field and path, and the API's JSON parser (web/parsers.py) in every JSON
  string and key.
- A number that is not finite: ``1e400`` is infinity to Python, and so are ``inf`` and
  ``nan`` to ``float()``. Numbers are read by Django's and DRF's FloatField, which refuse them
  (a hand-written ``float()`` in a view does not: use a form field); the JSON parser refuses a
  literal that overflows, naming its field, before any serializer sees it.

The refusal names the field the way the API and the forms do: ``{"route": ["..."]}``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.request import RawPostDataException
from django.template.response import SimpleTemplateResponse

NUL = "\x00"
NUL_MESSAGE = "contains a NUL character, which no field accepts"
NOT_FINITE_MESSAGE = "is not a finite number"


def nul_field(params: QueryDict) -> str | None:
    """The first parameter of ``params`` whose name or any value holds a NUL, or None."""
    for name, values in params.lists():
        if NUL in name or any(NUL in value for value in values):
            return name.replace(NUL, "\\x00")
    return None


def json_problem(data: Any, path: str = "") -> tuple[str, str] | None:
    """The first (dotted field path, message) in parsed JSON that no field can hold: a NUL in
    a key or a string, a number that is not finite. None when there is none."""
    if isinstance(data, str):
        return (path or "body", NUL_MESSAGE) if NUL in data else None
    if isinstance(data, float):
        return None if math.isfinite(data) else (path or "body", NOT_FINITE_MESSAGE)
    items: Iterable[tuple[str, Any]]
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = ((str(index), value) for index, value in enumerate(data))
    else:
        return None
    for key, value in items:
        where = f"{path}.{key}" if path else key
        if NUL in key:
            return where.replace(NUL, "\\x00"), NUL_MESSAGE
        found = json_problem(value, where)
        if found is not None:
            return found
    return None


def _form_body(request: HttpRequest) -> QueryDict | None:
    """The request's form fields, when its body is a form (files are not looked at)."""
    if request.method != "POST" or request.content_type not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return None
    try:
        return request.POST
    except (OSError, RawPostDataException):
        # A body that cannot be read is Django's to refuse, as CsrfViewMiddleware leaves it.
        return None


class InputGuardMiddleware:
    """Refuses a request that carries a NUL in its path, a query parameter or a form field:
    400, naming the field (JSON under /api/, a page elsewhere). Placed before the audit
    middleware, so that nothing of such a request reaches the audit log either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = "path" if NUL in request.path else nul_field(request.GET)
        if field is None:
            body = _form_body(request)
            field = nul_field(body) if body is not None else None
        if field is not None:
            return refusal(request, {field: [NUL_MESSAGE]})
        return self.get_response(request)


def refusal(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(errors, status=400)
    return SimpleTemplateResponse(
        "web/bad_input.html", {"input_errors": errors}, status=400
    ).render()
