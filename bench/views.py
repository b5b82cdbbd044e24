"""The baseline views: the floor that every measured endpoint is compared against.

Bench only: reachable through ``bench.urls``, never through the production ``heart.urls``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

RAW_INSERT_TABLE = "bench_raw_insert"


@login_not_required
@csrf_exempt
@require_GET
def bare(request: HttpRequest) -> JsonResponse:
    """The cost of Django's request cycle and middleware, with no database work."""
    return JsonResponse({"ok": True})


@login_not_required
@csrf_exempt
@require_POST
def raw_insert(request: HttpRequest) -> JsonResponse:
    """One INSERT in autocommit through Django's cursor, so CONN_MAX_AGE reuse applies."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RAW_INSERT_TABLE} (body, created_at) VALUES (%s, %s) RETURNING id",
            [request.body.decode("utf-8", "replace"), timezone.now()],
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
