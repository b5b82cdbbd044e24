"""The API's view of the signed-in user, and its tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from access import services
from access.api_throttles import TokenThrottle
from access.login_throttle import USERNAME_MAX, login_refused
from access.roles import user_roles
from access.token_auth import token_expires_at
from web.serializers import StrictSerializer


class MeSerializer(serializers.Serializer[Any]):
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


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    def validate_username(self, value: str) -> str:
        if len(value) > USERNAME_MAX:
            login_refused(self.context["request"], value)
            raise serializers.ValidationError(
                f"is {len(value)} characters long; a username has at most {USERNAME_MAX}"
            )
        return value


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField(help_text="Ask again after this for a new token")


@extend_schema(
    summary="An API token for a username and password",
    description="The token holder's valid token, or a new one when it has expired (after "
    "API_TOKEN_HOURS, one shift). Send it as `Authorization: Token <key>`. Throttled per "
    "client address (429 with Retry-After); failed passwords lock the account from that "
    "address like the sign-in page does (429).",
    request=TokenRequestSerializer,
    responses={
        200: TokenSerializer,
        400: OpenApiResponse(description="Field errors, or the credentials do not match"),
        429: OpenApiResponse(description="Too many requests or failed sign-ins: Retry-After"),
    },
    auth=[],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([TokenThrottle])
def token_obtain(request: Request) -> Response:
    # axes marks a lockout on Django's request, which its middleware turns into the 429.
    http_request = request._request
    serializer = TokenRequestSerializer(data=request.data, context={"request": http_request})
    serializer.is_valid(raise_exception=True)
    user = authenticate(
        http_request,
        username=serializer.validated_data["username"],
        password=serializer.validated_data["password"],
    )
    if user is None:
        raise serializers.ValidationError(
            {"non_field_errors": ["Unable to log in with provided credentials."]},
            code="authorization",
        )
    token = services.token_issue(user=user, request=http_request)
    return Response(
        TokenSerializer({"token": token.key, "expires_at": token_expires_at(token)}).data
    )
