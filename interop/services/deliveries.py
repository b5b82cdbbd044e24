"""Partners hear back: each event of a partner's call is a delivery row, written in the
transaction of the change, sent by the worker, signed, retried with backoff, dead after a limit
(docs/interop.md).

Exactly once, as far as HTTP allows: one row per endpoint and event (a unique constraint), and
one worker at a time holds a row (a conditional update claims it for a lease). A worker killed
after the partner received the body but before it recorded the answer leaves the row to be
sent again when the lease runs out: every try carries the same X-Fifth-Branch-Delivery id, and
partners keep the ids they took to drop a repeat (docs/interop.md says so).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from background.outbox import outbox_enqueue
from interop.models import EidoTransfer, PartnerDelivery, PartnerEndpoint
from interop.selectors import call_eido, call_for_eido

log = logging.getLogger(__name__)
SEND_TASK = "interop.tasks.delivery_send"
MAX_BACKOFF = timedelta(hours=6)


def signature(secret: str, body: bytes) -> str:
    """The X-Fifth-Branch-Signature header's value: sha256=<hex HMAC-SHA256 of the body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def partner_event_record(
    *, call_id: int, event: str, at: datetime, unit_id: int | None = None
) -> int:
    """Inside the transaction of a change to a call: a delivery for each active endpoint that
    takes ``event`` of this call (its agency transferred the call, or it takes every call),
    and an outbox row that sends it after commit. The body is the call's EIDO as of now.
    Return how many deliveries were written; the same event twice writes none."""
    endpoints = [
        endpoint
        for endpoint in PartnerEndpoint.objects.filter(active=True, agency__active=True)
        if event in (endpoint.events or [])
    ]
    if not endpoints:
        return 0
    partner = EidoTransfer.objects.filter(call_id=call_id).values_list("agency_id", flat=True)
    agency_id = partner.first()
    targets = [e for e in endpoints if e.all_calls or e.agency_id == agency_id]
    call = call_for_eido(call_id) if targets else None
    if call is None:
        return 0
    body = json.dumps(call_eido(call), separators=(",", ":"), ensure_ascii=False)
    key = f"call:{call_id}:{event}:{unit_id or '-'}:{at.isoformat()}"
    now = timezone.now()
    written = 0
    for endpoint in targets:
        try:
            with transaction.atomic():
                delivery = PartnerDelivery.objects.create(
                    endpoint=endpoint,
                    call_id=call_id,
                    event=event,
                    event_key=key[:200],
                    body=body,
                    created_at=now,
                    next_attempt_at=now,
                )
        except IntegrityError:
            continue  # this event was recorded for this endpoint already
        outbox_enqueue(task=SEND_TASK, payload={"delivery": delivery.pk})
        written += 1
    return written


def _post(delivery: PartnerDelivery) -> tuple[int | None, str]:
    """POST the body, signed; (HTTP status or None, error text)."""
    endpoint = delivery.endpoint
    if not endpoint.url.lower().startswith(("https://", "http://")):
        return None, "the endpoint's URL is not http(s)"
    body = delivery.body.encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "fifth-branch-eido/1",
            "X-Fifth-Branch-Signature": signature(endpoint.secret, body),
            "X-Fifth-Branch-Delivery": str(delivery.delivery_id),
            "X-Fifth-Branch-Event": delivery.event,
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 - the scheme is checked above
            request, timeout=settings.PARTNER_TIMEOUT_SECONDS
        ) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: PARTNER_BACKOFF_SECONDS, doubled each
    time, at most six hours."""
    seconds = settings.PARTNER_BACKOFF_SECONDS * (2 ** max(attempts - 1, 0))
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> str:
    """Try one delivery if it is due and no other worker holds it; return its status after
    the try ("pending", "delivered", "dead"), or "skipped" when there was nothing to do."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=settings.PARTNER_TIMEOUT_SECONDS * 3)
    # The claim: only one worker's update finds the row due and unheld.
    claimed = (
        PartnerDelivery.objects.filter(
            pk=delivery_id, status=PartnerDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=lease, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if claimed != 1:
        return "skipped"
    delivery = PartnerDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    code, error = _post(delivery)
    held = PartnerDelivery.objects.filter(pk=delivery_id, claimed_until=lease)
    fields: dict[str, Any] = {"claimed_until": None, "last_status_code": code}
    if code is not None and 200 <= code < 300:
        held.update(
            **fields, status=PartnerDelivery.Status.DELIVERED, delivered_at=now, last_error=""
        )
        return PartnerDelivery.Status.DELIVERED
    if delivery.attempts >= settings.PARTNER_MAX_ATTEMPTS:
        held.update(**fields, status=PartnerDelivery.Status.DEAD, last_error=error)
        log.warning(
            "partner delivery %s is dead after %s tries: %s", delivery_id, delivery.attempts, error
        )
        return PartnerDelivery.Status.DEAD
    held.update(**fields, next_attempt_at=now + backoff(delivery.attempts), last_error=error)
    return PartnerDelivery.Status.PENDING


def deliveries_retry(*, now: datetime | None = None, limit: int = 200) -> int:
    """Beat's sweep: try every due delivery no worker holds; return how many were tried."""
    now = now or timezone.now()
    due = (
        PartnerDelivery.objects.filter(
            status=PartnerDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    tried = 0
    for delivery_id in list(due):
        if delivery_attempt(delivery_id=delivery_id, now=now) != "skipped":
            tried += 1
    return tried
