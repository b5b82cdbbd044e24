"""The API root: what this deployment offers under /api/v1/."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
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
