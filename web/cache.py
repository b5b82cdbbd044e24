"""The project's one cache: a value kept in this process for the seconds that
``settings.CACHE_SECONDS`` gives its name, then computed again.

Per process, not in Redis or the database: some values are compiled code (the triage engine's
closures), which no shared cache can hold, and every value here is cheap enough to compute once
per process. Whatever is kept may be that many seconds old, so a name's TTL is how long a change
takes to reach every process; ``cache_clear`` drops a name's values in this process at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings

# Values kept per name; past it the expired ones go, then all (keys such as a dashboard's
# period are open-ended).
MAX_ENTRIES = 64

_lock = threading.Lock()
_kept: dict[str, dict[Hashable, tuple[float, Any]]] = {}


def cached[T](name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s value for ``key``, kept under ``name`` for ``CACHE_SECONDS[name]``."""
    ttl = float(settings.CACHE_SECONDS[name])
    now = time.monotonic()
    with _lock:
        hit = _kept.get(name, {}).get(key)
    if hit is not None and now - hit[0] < ttl:
        value: T = hit[1]
        return value
    # Computed outside the lock: two threads may both compute a missing value, never wait on
    # each other's database reads.
    value = compute()
    with _lock:
        kept = _kept.setdefault(name, {})
        if len(kept) >= MAX_ENTRIES:
            for old in [k for k, (at, _) in kept.items() if now - at >= ttl]:
                del kept[old]
            if len(kept) >= MAX_ENTRIES:
                kept.clear()
        kept[key] = (now, value)
    return value


def cache_clear(name: str) -> None:
    """Forget every value kept under ``name`` in this process."""
    with _lock:
        _kept.pop(name, None)
