"""The API's answers shared by the dispatch endpoints: a call that does not exist (404), the
Idempotency-Key header (400 by its name), and a service's refusal: a call closed meanwhile or a
unit taken off it (409, `detail` the kind of conflict, a client branches on it; the message
under `call`), a key used before for another request (409 under `Idempotency-Key`), else the
errors by field (400)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import status as http
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.request import Request
from rest_framework.response import Response

from dispatch.models import Call
from dispatch.services import CallNotOpen, NoLongerOnCall
from web.errors import error_fields, error_response
from web.idempotency import MAX_KEY_CHARS, IdempotencyKeyReused

IDEMPOTENCY_HEADER = "Idempotency-Key"


def call_required(call_id: int) -> None:
    """404 before anything else when the call does not exist."""
    if not Call.objects.filter(pk=call_id).exists():
        raise NotFound(f"call {call_id} does not exist")


def call_not_open(exc: CallNotOpen) -> Response:
    detail = (
        "unit no longer on the call" if isinstance(exc, NoLongerOnCall) else "call no longer open"
    )
    return Response({**error_fields(exc), "detail": detail}, status=http.HTTP_409_CONFLICT)


def idempotency_key(request: Request, *, required: bool = False) -> str | None:
    """The Idempotency-Key header, stripped; None when it is not sent (or blank) and not
    required. A missing required key or one over MAX_KEY_CHARS is a 400 under its name."""
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if required and not key:
        raise BadRequest(
            {IDEMPOTENCY_HEADER: [f"this header is required (1 to {MAX_KEY_CHARS} characters)"]}
        )
    if len(key) > MAX_KEY_CHARS:
        raise BadRequest({IDEMPOTENCY_HEADER: [f"at most {MAX_KEY_CHARS} characters"]})
    return key or None


def refused(exc: ValidationError | IdempotencyKeyReused) -> Response:
    """A service's refusal as the API answers it: 409 for a conflict with what happened
    meanwhile or for a key used before with another request, 400 by field for the rest."""
    if isinstance(exc, IdempotencyKeyReused):
        return Response({IDEMPOTENCY_HEADER: [str(exc)]}, status=http.HTTP_409_CONFLICT)
    return call_not_open(exc) if isinstance(exc, CallNotOpen) else error_response(exc)
