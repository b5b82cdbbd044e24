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


# The statements of one call create (dispatch.services.call_create), written by hand: the
# idempotency lookup, then the call, its triage record, the idempotency record, the audit
# entry and the outbox row in one transaction. Keep in step with call_create when it changes.
_CALL_INSERT = (
    "INSERT INTO dispatch_call (source, external_id, source_priority, source_disposition,"
    " status, updated_at, received_at, created_at, triaged_at, call_type_id, external_label,"
    " address, lat, lon, zone, caller_name, callback_number, narrative, answers,"
    " eligible_route, route, priority, rule, ruleset_version, unserved_reason,"
    " override_reason, explanation, disposition, created_by_id)"
    " VALUES ('api', NULL, '', '', 'queued', %s, %s, %s, %s, 'WELFARE_CHECK', '', %s, %s, %s,"
    " '', %s, %s, %s, %s, 'HEART', 'HEART', 'P2', 'R8-community', 1, '', '', %s, '', %s)"
    " RETURNING id"
)
_TRIAGE_INSERT = (
    "INSERT INTO dispatch_triagerecord (call_id, kind, at, call_type, answers, eligible_route,"
    " route, priority, rule, ruleset_version, unserved_reason, explanation, by_id)"
    " VALUES (%s, 'intake', %s, 'WELFARE_CHECK', %s, 'HEART', 'HEART', 'P2', 'R8-community', 1,"
    " '', %s, %s)"
)
_IDEMPOTENCY_SELECT = (
    "SELECT object_id FROM web_idempotencyrecord"
    " WHERE user_id = %s AND scope = 'call_create' AND key = %s"
)
_IDEMPOTENCY_INSERT = (
    "INSERT INTO web_idempotencyrecord (key, user_id, scope, request_hash, object_id,"
    " created_at) VALUES (%s, %s, 'call_create', %s, %s, %s)"
)
_OUTBOX_INSERT = (
    "INSERT INTO background_outboxmessage"
    " (task, payload, created_at, sent_at, attempts, last_error)"
    " VALUES ('dashboards.tasks.rollup_refresh', %s, %s, NULL, 0, '')"
)
_AUDIT_INSERT = (
    "INSERT INTO access_auditentry (at, user_id, username, action, object_type, object_id,"
    " outcome, source_address, detail) VALUES (%s, %s, 'bench', 'call.create', 'dispatch.call',"
    " %s, 'success', %s, %s)"
)


@login_not_required
@csrf_exempt
@require_POST
def raw_call_create(request: HttpRequest) -> JsonResponse:
    """A call create's database work in raw SQL: the floor for POST /api/v1/calls/."""
    import hashlib
    import json

    from django.db import transaction

    body = json.loads(request.body)
    user_id = int(request.GET["user"])
    key = request.headers["Idempotency-Key"]
    now = timezone.now()
    answers = json.dumps(body.get("answers", {}))
    explanation = "Welfare check, no weapon, no violence: HEART (R8-community)"
    with connection.cursor() as cursor:
        cursor.execute(_IDEMPOTENCY_SELECT, [user_id, key])
        if cursor.fetchone() is not None:
            return JsonResponse({"replay": True})
        with transaction.atomic():
            cursor.execute(
                _CALL_INSERT,
                [
                    now,
                    now,
                    now,
                    now,
                    body["address"],
                    body["lat"],
                    body["lon"],
                    body["caller_name"],
                    body["callback_number"],
                    body["narrative"],
                    answers,
                    explanation,
                    user_id,
                ],
            )
            (call_id,) = cursor.fetchone()
            cursor.execute(_TRIAGE_INSERT, [call_id, now, answers, explanation, user_id])
            digest = hashlib.sha256(request.body).hexdigest()
            cursor.execute(_IDEMPOTENCY_INSERT, [key, user_id, digest, call_id, now])
            cursor.execute(
                _AUDIT_INSERT,
                [
                    now,
                    user_id,
                    str(call_id),
                    request.META.get("REMOTE_ADDR"),
                    json.dumps({"route": "HEART"}),
                ],
            )
            cursor.execute(_OUTBOX_INSERT, [json.dumps({"call": call_id}), now])
    return JsonResponse({"id": call_id, "status": "queued"}, status=201)
