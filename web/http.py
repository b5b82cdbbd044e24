from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

# The largest id a database column holds (bigint). SQLite raises OverflowError past it.
MAX_ID = 2**63 - 1


def id_or_none(value: str | None) -> int | None:
    """An object id from a query or form value, or None for anything else: "12a", "-3",
    "²" (str.isdigit() accepts superscripts that int() refuses), or an id past MAX_ID."""
    if not value or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class HtmxHttpRequest(HttpRequest):
    """The request type of views behind django-htmx's middleware (for type checking)."""

    htmx: HtmxDetails
