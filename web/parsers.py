"""The API's request parsers (kept apart from the views: DRF imports them while it loads)."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from web.input_guard import json_problem


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with JSON nested deeper than Python's recursion limit refused as a
    parse error (400) instead of a RecursionError (500), and what no field can hold (a NUL, a
    number that overflows to infinity: web/input_guard.py) refused by the field it is in."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        try:
            problem = json_problem(data)
        except RecursionError:  # parsed, but deeper than the walk goes
            raise ParseError("JSON parse error - nested too deeply") from None
        if problem is not None:
            field, message = problem
            raise ValidationError({field: [message]})
        return data
