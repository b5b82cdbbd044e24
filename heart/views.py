"""The project's own small views: the health check, the favicon and the API root."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico before they read the page's icon link."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@extend_schema(
    responses=inline_serializer(
        "ApiRoot",
        {"department": serializers.CharField(), "links": serializers.DictField()},
    )
)
@api_view(["GET"])
def api_root(request: Request) -> Response:
    # What this deployment offers under /api/v1/ (no docstring: the schema keeps its text).
    return Response(
        {
            "department": settings.DEPARTMENT_NAME,
            "links": {
                "schema": reverse("api-schema", request=request),
                "docs": reverse("api-docs", request=request),
            },
        }
    )
