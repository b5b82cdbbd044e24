"""Template filters for the care-navigation pages."""

from __future__ import annotations

from django import template

from care_navigation.models import NEEDS

register = template.Library()
_LABELS = dict(NEEDS)


@register.filter
def need_label(code: str) -> str:
    """ "mental_health" -> "Mental health"."""
    return _LABELS.get(code, code)
