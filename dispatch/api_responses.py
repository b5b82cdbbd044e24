"""The API's answers shared by the dispatch endpoints: a call that does not exist (404), and a
service's refusal: a call closed meanwhile or a unit taken off it (409, `detail` the kind of
conflict, a client branches on it; the message under `call`), else the errors by field (400)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import status as http
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from dispatch.models import Call
from dispatch.services import CallNotOpen, NoLongerOnCall
from web.errors import error_fields, error_response


def call_required(call_id: int) -> None:
    """404 before anything else when the call does not exist."""
    if not Call.objects.filter(pk=call_id).exists():
        raise NotFound(f"call {call_id} does not exist")


def call_not_open(exc: CallNotOpen) -> Response:
    detail = (
        "unit no longer on the call" if isinstance(exc, NoLongerOnCall) else "call no longer open"
    )
    return Response({**error_fields(exc), "detail": detail}, status=http.HTTP_409_CONFLICT)


def refused(exc: ValidationError) -> Response:
    """A service's refusal as the API answers it: 409 for a conflict with what happened
    meanwhile, 400 by field for the rest."""
    return call_not_open(exc) if isinstance(exc, CallNotOpen) else error_response(exc)
