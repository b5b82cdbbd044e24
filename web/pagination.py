"""The API root: what this deployment offers under /api/v1/."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse


@extend_schema(
    responses=inline_serializer(
        "ApiRoot",
        {"department": serializers.CharField(), "links": serializers.DictField()},
    )
)
@api_view(["GET"])
def api_root(request: Request) -> Response:
    from django.conf import settings

    return Response(
        {
            "department": settings.DEPARTMENT_NAME,
            "links": {
                "schema": reverse("api-schema", request=request),
                "docs": reverse("api-docs", request=request),
            },
        }
    )


class Pagination(LimitOffsetPagination):
    """`limit` and `offset`, with a ceiling: an unbounded limit reaches the database as a
    number it cannot hold (a 500 on SQLite and PostgreSQL)."""

    max_limit = 1000


def paginated(name: str, item: serializers.Serializer) -> serializers.Serializer:
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


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    unit = serializers.DictField(allow_null=True)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """The signed-in user: id, username, roles and the unit they ride with, if any."""
    from heart.roles import user_roles

    user = request.user
    unit = user.units.order_by("name").first()  # type: ignore[union-attr]
    return Response(
        {
            "id": user.pk,
            "username": user.get_username(),
            "roles": user_roles(user),
            "unit": None
            if unit is None
            else {"id": unit.pk, "name": unit.name, "kind": unit.kind, "status": unit.status},
        }
    )
