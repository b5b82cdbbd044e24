"""Partners hear back: a delivery per event, in the change's transaction; sent signed; retried
with backoff; dead after the limit; never twice for one event."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from background.models import OutboxMessage
from dispatch.services import (
    FeltSafe,
    call_clear,
    call_fall_back,
    call_hold,
    unit_assign,
    unit_status_set,
)
from interop.eido_schema import eido_problems
from interop.models import PartnerDelivery
from interop.services import deliveries_retry, delivery_attempt, partner_event_record
from interop.services.deliveries import backoff
from interop.tasks import delivery_send
from tests.interop.conftest import AFTERNOON

pytestmark = pytest.mark.django_db


@pytest.fixture
def transferred(afternoon, partner, sample, endpoint):
    """A call the ECC transferred (NENA's sample), as the API took it."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(partner)
    response = client.post("/api/v1/eido/", sample, format="json")
    assert response.status_code == 201
    from dispatch.models import Call

    return Call.objects.get(pk=response.json()["id"])


def test_it_writes_a_delivery_and_its_outbox_row_in_the_changes_transaction(
    transferred, dispatcher, responder, heart_unit
):
    assert not PartnerDelivery.objects.exists()  # intake itself is answered by the 201
    unit_assign(call_id=transferred.pk, unit_id=heart_unit.pk, by=dispatcher)
    delivery = PartnerDelivery.objects.get()
    assert (delivery.event, delivery.status, delivery.attempts) == ("assigned", "pending", 0)
    message = OutboxMessage.objects.get(task="interop.tasks.delivery_send")
    assert message.payload == {"delivery": delivery.pk}
    body = json.loads(delivery.body)
    assert list(eido_problems(body)) == []
    assert body["$id"] == transferred.source_ref
    assert body["emergencyResourceComponent"][0]["emergencyResourceName"] == "HEART-1"

    with time_machine.travel(AFTERNOON + timedelta(minutes=8), tick=False):
        unit_status_set(unit_id=heart_unit.pk, status="on_scene", by=responder)
    with time_machine.travel(AFTERNOON + timedelta(minutes=30), tick=False):
        call_clear(
            call_id=transferred.pk,
            disposition="resolved_on_scene",
            felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
            by=responder,
        )
    events = list(PartnerDelivery.objects.order_by("id").values_list("event", flat=True))
    assert events == ["assigned", "on_scene", "cleared"]


def test_it_writes_nothing_when_the_change_rolls_back(transferred, dispatcher, heart_unit):
    with pytest.raises(RuntimeError), transaction.atomic():
        unit_assign(call_id=transferred.pk, unit_id=heart_unit.pk, by=dispatcher)
        raise RuntimeError("the change failed")
    assert not PartnerDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(task="interop.tasks.delivery_send").exists()


def test_it_tells_only_the_agency_that_transferred_the_call_unless_it_takes_every_call(
    afternoon, make_call, dispatcher, heart_unit, endpoint, far_heart_unit
):
    ours = make_call()
    unit_assign(call_id=ours.pk, unit_id=heart_unit.pk, by=dispatcher)
    assert not PartnerDelivery.objects.exists()
    endpoint.all_calls = True
    endpoint.save()
    other = make_call()
    unit_assign(call_id=other.pk, unit_id=far_heart_unit.pk, by=dispatcher)
    assert PartnerDelivery.objects.get().call_id == other.pk


def test_it_sends_only_the_events_an_endpoint_takes(transferred, dispatcher, heart_unit, endpoint):
    endpoint.events = ["cleared"]
    endpoint.save()
    unit_assign(call_id=transferred.pk, unit_id=heart_unit.pk, by=dispatcher)
    assert not PartnerDelivery.objects.exists()


def test_it_tells_the_partner_when_the_call_falls_back(transferred, dispatcher):
    call_hold(call_id=transferred.pk, by=dispatcher)
    call_fall_back(call_id=transferred.pk, by=dispatcher)
    delivery = PartnerDelivery.objects.get()
    assert delivery.event == "fallen_back"
    assert json.loads(delivery.body)["incidentComponent"]["incidentTypeInternalCode"] == (
        "CO_RESPONSE"
    )


def test_it_records_one_event_once_however_often_it_is_announced(transferred, endpoint):
    at = timezone.now()
    assert partner_event_record(call_id=transferred.pk, event="transferred", at=at) == 1
    assert partner_event_record(call_id=transferred.pk, event="transferred", at=at) == 0
    assert PartnerDelivery.objects.count() == 1


def test_it_posts_the_eido_signed_with_the_shared_secret(
    transferred, dispatcher, heart_unit, receiver
):
    unit_assign(call_id=transferred.pk, unit_id=heart_unit.pk, by=dispatcher)
    delivery = PartnerDelivery.objects.get()
    assert delivery_send(delivery=delivery.pk, outbox_id=1) == "delivered"
    (got,) = receiver.received
    expected = hmac.new(b"s3cret-shared", got["body"], hashlib.sha256).hexdigest()
    assert got["headers"]["X-Fifth-Branch-Signature"] == f"sha256={expected}"
    assert got["headers"]["X-Fifth-Branch-Delivery"] == str(delivery.delivery_id)
    assert got["headers"]["X-Fifth-Branch-Event"] == "assigned"
    assert json.loads(got["body"])["$id"] == transferred.source_ref
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "delivered",
        1,
        200,
    )
    # Delivered: the task run again (a redelivered message) sends nothing.
    assert delivery_send(delivery=delivery.pk) == "skipped"
    assert len(receiver.received) == 1


@override_settings(PARTNER_BACKOFF_SECONDS=30.0, PARTNER_MAX_ATTEMPTS=3)
def test_it_retries_with_exponential_backoff_then_gives_up_as_dead(
    transferred, dispatcher, heart_unit, receiver
):
    receiver.answers = [503, 500, 502]
    unit_assign(call_id=transferred.pk, unit_id=heart_unit.pk, by=dispatcher)
    delivery = PartnerDelivery.objects.get()
    start = timezone.now()
    assert delivery_attempt(delivery_id=delivery.pk, now=start) == "pending"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == start + timedelta(seconds=30)
    assert delivery.last_error == "HTTP 503"
    # Not yet due: the sweep leaves it.
    assert deliveries_retry(now=start + timedelta(seconds=29)) == 0
    assert deliveries_retry(now=start + timedelta(seconds=30)) == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == start + timedelta(seconds=30 + 60)
    assert deliveries_retry(now=start + timedelta(seconds=90)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("dead", 3)
    assert deliveries_retry(now=start + timedelta(days=1)) == 0
    assert len(receiver.received) == 3


@override_settings(PARTNER_BACKOFF_SECONDS=30.0)
def test_it_doubles_the_wait_and_stops_at_six_hours():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20) == timedelta(hours=6)


def test_it_retries_a_partner_that_is_down_and_keeps_intake_working(
    transferred, dispatcher, heart_unit, endpoint, receiver
):
    url = receiver.url
    receiver.close()  # the partner is down: connection refused
    unit_assign(call_id=transferred.pk, unit_id=heart_unit.pk, by=dispatcher)
    delivery = PartnerDelivery.objects.get()
    assert delivery_attempt(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert delivery.last_error
    from tests.interop.conftest import Receiver

    back = Receiver()
    try:
        endpoint.url = back.url
        endpoint.save()
        assert url != back.url
        later = delivery.next_attempt_at
        assert deliveries_retry(now=later) == 1
        assert len(back.received) == 1
    finally:
        back.close()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_it_lets_one_worker_hold_a_delivery_at_a_time(transferred, dispatcher, heart_unit):
    unit_assign(call_id=transferred.pk, unit_id=heart_unit.pk, by=dispatcher)
    delivery = PartnerDelivery.objects.get()
    now = timezone.now()
    # Another worker holds it (it claimed it and is posting).
    PartnerDelivery.objects.filter(pk=delivery.pk).update(claimed_until=now + timedelta(seconds=30))
    assert delivery_attempt(delivery_id=delivery.pk, now=now) == "skipped"
    assert deliveries_retry(now=now) == 0
    # That worker died: its claim runs out and the sweep takes the row over.
    assert deliveries_retry(now=now + timedelta(seconds=31)) == 1
