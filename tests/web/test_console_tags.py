"""The console's template tags."""

from datetime import UTC, datetime, timedelta

import time_machine

from web.templatetags.console import minutes_since

NOW = datetime(2026, 12, 8, 19, 0, tzinfo=UTC)


def test_minutes_since_is_a_clock_under_an_hour_and_hours_past_it():
    with time_machine.travel(NOW, tick=False):
        assert minutes_since(NOW - timedelta(minutes=9, seconds=42)) == "9:42"
        assert minutes_since(NOW - timedelta(minutes=59, seconds=59)) == "59:59"
        assert minutes_since(NOW - timedelta(hours=4, minutes=8, seconds=36)) == "4 h 08 min"
        assert minutes_since(None) == ""
