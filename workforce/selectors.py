"""Reads of the workforce tables."""

from __future__ import annotations

from collections.abc import Iterable

from workforce.models import Responder, TeamTemplate


def team_templates() -> dict[str, list[str]]:
    """Each service's required disciplines (services without a template are absent). One
    query of a table of two or three rows; not cached, so an admin's edit shows at once."""
    return {t.service: list(t.disciplines) for t in TeamTemplate.objects.all()}


def responders_of(user_ids: Iterable[int]) -> dict[int, Responder]:
    """The responder record of each user that has one, in one query."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {r.user_id: r for r in Responder.objects.filter(user_id__in=ids)}
