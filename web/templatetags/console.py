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
    seconds = int((timezone.now() - value).total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}"
