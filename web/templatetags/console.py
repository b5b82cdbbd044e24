from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def get_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    """`{{ dict|get_item:key }}` for keys that are not identifiers (ids)."""
    return mapping.get(key) if mapping else None


@register.filter
def spaced(code: str | None) -> str:
    """`outside_hours` -> `outside hours`."""
    return (code or "").replace("_", " ")


@register.simple_tag
def minutes_since(value: datetime | None) -> str:
    if value is None:
        return ""
    """A clock under an hour ("9:42"); hours and minutes past it ("4 h 08 min", not "248:36")."""
    seconds = int((timezone.now() - value).total_seconds())
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    return f"{seconds // 60}:{seconds % 60:02d}"
