"""The dashboards' API under /api/v1/: the call-level export in the Government Performance
Lab data dictionary's shape (docs/data-dictionary.md), for supervisors; others get 403."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_any
from access.audit import audit_record
from dashboards import exports, metrics
from dashboards.gpl_export import GPL_HEADER, gpl_calls, gpl_rows

PERMISSION = "dashboards.view_dashboards"


@extend_schema(
    parameters=[
        OpenApiParameter(
            "from", OpenApiTypes.DATE, description="first local day (default: 30 days ago)"
        ),
        OpenApiParameter(
            "to", OpenApiTypes.DATE, description="last local day, included (default: today)"
        ),
        OpenApiParameter("source", str, description="only calls of this source"),
    ],
    responses={
        (200, "text/csv"): OpenApiResponse(
            OpenApiTypes.STR, description="one row per call received in the period"
        ),
        400: OpenApiResponse(description="a bad parameter, named"),
    },
    summary="Calls in the Government Performance Lab data dictionary's shape (CSV)",
    description="The columns are documented field by field in docs/data-dictionary.md. No "
    "names, addresses, coordinates, phone numbers or narratives. Every download is audited.",
)
@api_view(["GET"])
@permission_classes([perms_any(PERMISSION)])
def calls_gpl(request: Request) -> Any:
    period, errors = metrics.period_parse(request.query_params)
    if errors:
        return Response(
            {field: [message] for field, message in errors.items()},
            status=http.HTTP_400_BAD_REQUEST,
        )
    audit_record(
        action="dashboards.export",
        user=request.user,
        request=request._request,
        detail={"list": "gpl", "via": "api", **period.params()},
    )
    return exports.csv_response(
        f"calls-gpl-{period.start}-{period.end}.csv", GPL_HEADER, gpl_rows(gpl_calls(period))
    )
