"""The API's answers shared by the dispatch endpoints: a call that does not exist (404) and a
call closed meanwhile (409, `detail` "call no longer open", the message under `call`)."""

from __future__ import annotations

from rest_framework import status as http
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from dispatch.models import Call
from dispatch.services import CallNotOpen
from web.errors import error_fields


def call_required(call_id: int) -> None:
    """404 before anything else when the call does not exist."""
    if not Call.objects.filter(pk=call_id).exists():
        raise NotFound(f"call {call_id} does not exist")


def call_not_open(exc: CallNotOpen) -> Response:
    return Response(
        {**error_fields(exc), "detail": "call no longer open"}, status=http.HTTP_409_CONFLICT
    )
