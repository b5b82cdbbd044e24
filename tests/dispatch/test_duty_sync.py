"""Department units follow their service's schedule (unit_duty_sync and its beat task)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from access.models import AuditEntry
from dispatch.models import Unit
from dispatch.services import (
    FeltSafe,
    call_clear,
    unit_assign,
    unit_duty_sync,
    unit_status_set,
)
from dispatch.tasks import duty_sync
from tests.dispatch.conftest import AFTERNOON
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

NIGHT = AFTERNOON.replace(hour=22, minute=30)  # HEART 07-19 and co-response 09-21 are off
DUSK = AFTERNOON.replace(hour=19, minute=30)  # co-response still on, HEART off
MORNING = AFTERNOON.replace(day=11, hour=7, minute=0)  # HEART starts; co-response at 09:00


@pytest.fixture
def units(heart_unit):
    return {
        "heart": heart_unit,
        "core": UnitFactory(name="CORE-1", kind="CO_RESPONSE"),
        "ccd": UnitFactory(name="CCD-1", kind="CCD"),
        "police": UnitFactory(name="PD-1", kind="POLICE"),
    }


def statuses(units):
    return {key: Unit.objects.get(pk=unit.pk).status for key, unit in units.items()}


def test_it_follows_each_services_hours(units):
    with time_machine.travel(DUSK, tick=False):
        result = unit_duty_sync()
    assert result.off_duty == ["HEART-1"] and result.available == []
    assert statuses(units) == {
        "heart": "off_duty",
        "core": "available",
        "ccd": "available",
        "police": "available",
    }
    with time_machine.travel(NIGHT, tick=False):
        assert duty_sync() == 1  # beat's task
    assert statuses(units)["core"] == "off_duty"
    with time_machine.travel(MORNING, tick=False):
        assert unit_duty_sync().available == ["HEART-1"]
    assert statuses(units) == {
        "heart": "available",
        "core": "off_duty",
        "ccd": "available",
        "police": "available",
    }
    assert Unit.objects.get(pk=units["heart"].pk).status_changed_at == MORNING
    entries = AuditEntry.objects.filter(action="unit.duty_sync").order_by("id")
    assert [e.detail["available"] for e in entries] == [[], [], ["HEART-1"]]


def test_it_lets_a_unit_finish_its_call_then_takes_it_off_duty(
    units, make_call, dispatcher, responder
):
    with time_machine.travel(AFTERNOON.replace(hour=18, minute=40), tick=False):
        call = make_call(received_at=AFTERNOON.replace(hour=18, minute=40))
        unit_assign(call_id=call.pk, unit_id=units["heart"].pk, by=dispatcher)
        unit_status_set(unit_id=units["heart"].pk, status="on_scene", by=responder)
    with time_machine.travel(AFTERNOON.replace(hour=19, minute=5), tick=False):
        assert unit_duty_sync().off_duty == []
        assert statuses(units)["heart"] == "on_scene"
        call_clear(
            call_id=call.pk,
            unit_id=units["heart"].pk,
            disposition="resolved_on_scene",
            felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
            by=responder,
        )
    with time_machine.travel(AFTERNOON.replace(hour=19, minute=6), tick=False):
        assert unit_duty_sync().off_duty == ["HEART-1"]


def test_it_leaves_an_out_of_service_unit_and_changes_nothing_twice(units, dispatcher):
    unit_status_set(unit_id=units["core"].pk, status="out_of_service", by=dispatcher)
    with time_machine.travel(NIGHT, tick=False):
        unit_duty_sync()
        assert unit_duty_sync().changed == 0
    with time_machine.travel(NIGHT + timedelta(hours=12), tick=False):
        unit_duty_sync()
    assert statuses(units)["core"] == "out_of_service"
    assert AuditEntry.objects.filter(action="unit.duty_sync").count() == 2


def test_it_schedules_the_sync_every_minute_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-duty-sync"]
    assert entry["task"] == duty_sync.name
    assert entry["schedule"] == 60.0


def test_it_shows_off_duty_units_as_such_on_the_board(units, client_for, dispatcher):
    with time_machine.travel(NIGHT, tick=False):
        unit_duty_sync()
        page = client_for(dispatcher).get("/dispatch/board/").content.decode()
    assert 'class="unit status-off_duty"><strong>HEART-1</strong> <span>Off duty</span>' in page
    assert Client().get("/dispatch/board/").status_code == 302
