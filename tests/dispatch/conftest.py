from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dispatch.models import Unit
from dispatch.services import CallInput, call_create
from tests.factories import UnitFactory

NY = ZoneInfo("America/New_York")
# A Tuesday afternoon: HEART (07-19) and co-response (09-21) are on duty.
AFTERNOON = datetime(2026, 3, 10, 14, 5, tzinfo=NY)


@pytest.fixture
def heart_unit(responder):
    unit = UnitFactory(name="HEART-1", kind="HEART", lat=35.995, lon=-78.899)
    unit.members.add(responder)
    return unit


@pytest.fixture
def far_heart_unit():
    return UnitFactory(name="HEART-9", kind="HEART", lat=36.05, lon=-78.95)


@pytest.fixture
def police_unit():
    return UnitFactory(name="PD-1", kind="POLICE", lat=35.99, lon=-78.90)


def welfare_check(**overrides):
    fields = {
        "call_type": "WELFARE_CHECK",
        "received_at": AFTERNOON,
        "address": "101 City Hall Plaza",
        "lat": 35.994,
        "lon": -78.898,
        "answers": {"weapon": "no", "violence": "no"},
    }
    fields.update(overrides)
    return CallInput(**fields)


@pytest.fixture
def make_call(call_taker):
    def make(**overrides):
        call, _ = call_create(by=call_taker, data=welfare_check(**overrides))
        return call

    return make


__all__ = ["AFTERNOON", "Unit", "welfare_check"]
