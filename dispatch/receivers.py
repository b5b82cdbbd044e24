"""Dispatch's answers to triage's signals (triage/signals.py): triage sits below dispatch and
cannot read calls itself. Connected in DispatchConfig.ready."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from dispatch.selectors import calls_for_replay


def calls_for_what_if(sender: Any, *, since: datetime, **kwargs: Any) -> Iterator[tuple[Any, ...]]:
    """The stored calls a draft rule set is replayed on."""
    return calls_for_replay(since=since)
