"""The API's view of the signed-in user."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from access.roles import user_roles


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    unit = serializers.DictField(allow_null=True)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """The signed-in user: id, username, roles and the unit they ride with, if any."""
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
