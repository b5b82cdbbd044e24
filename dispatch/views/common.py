"""Helpers shared by the dispatch views: turning service errors into messages and statuses."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def error_text(exc: ValidationError) -> str:
    """'field: problem; field: problem' from a service's ValidationError."""
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(str(m) for m in problems)}"
            for field, problems in exc.message_dict.items()
        )
    return " ".join(str(m) for m in exc.messages)


def flash_error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, error_text(exc))
