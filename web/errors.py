"""A service's ValidationError, shown where it belongs: on the form field it names, in an API
400 keyed by field, or as a message that names the field. Every view and API view maps service
errors through these, so a field is named the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from rest_framework import status as http
from rest_framework.response import Response

# The key of errors that name no field, as DRF names its own.
NO_FIELD = "detail"


def error_fields(exc: ValidationError) -> dict[str, list[str]]:
    """``{field: [messages]}``; an error raised without fields comes under ``detail``."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {NO_FIELD: exc.messages}


def error_text(exc: ValidationError) -> str:
    """``field: problem; field: problem``, for a message or a partial without a form."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return "; ".join(
        f"{field}: {' '.join(problems)}" for field, problems in exc.message_dict.items()
    )


def error_flash(request: HttpRequest, exc: ValidationError) -> None:
    """The error as a message on the next page (a POST that redirects back)."""
    messages.error(request, error_text(exc))


def error_response(exc: ValidationError, *, status: int = http.HTTP_400_BAD_REQUEST) -> Response:
    """The API's answer to a service's refusal: 400 with the errors by field."""
    return Response(error_fields(exc), status=status)


def errors_to_form(
    form: forms.Form, exc: ValidationError, *, fields: Mapping[str, str] | None = None
) -> None:
    """Each message on the form field it is about (``fields`` renames a service's key to the
    form's field); one about a field the form does not show goes above the form, naming it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    renamed = fields or {}
    for key, problems in exc.message_dict.items():
        name = renamed.get(key, key)
        if name in form.fields and not form.fields[name].widget.is_hidden:
            form.add_error(name, problems)
        elif key == NON_FIELD_ERRORS:
            form.add_error(None, problems)
        else:
            form.add_error(None, [f"{key}: {problem}" for problem in problems])
