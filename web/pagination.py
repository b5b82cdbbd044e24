"""The API's page shape: `limit` and `offset`, with a ceiling, documented for the schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """`limit` and `offset`, with a ceiling: an unbounded limit reaches the database as a
    number it cannot hold (a 500 on SQLite and PostgreSQL)."""

    max_limit = 1000


def paginated(name: str, item: serializers.Serializer[Any]) -> serializers.Serializer[Any]:
    """The documented shape of a Pagination page of `item`s (function-based views paginate
    by hand, so drf-spectacular cannot see it)."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )


PAGE_PARAMETERS = [
    OpenApiParameter("limit", int, description=f"At most {Pagination.max_limit} (default 100)"),
    OpenApiParameter("offset", int),
]
