"""Interop's receivers of dispatch's signals (connected in InteropConfig.ready)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from interop.services import partner_event_record


def partners_hear_back(
    sender: Any, *, call_id: int, event: str, at: datetime, unit_id: int | None = None, **_: Any
) -> int:
    """dispatch.signals.call_changed: the partners of the call hear of it (after commit)."""
    return partner_event_record(call_id=call_id, event=event, at=at, unit_id=unit_id)
