"""What the apps above dispatch say about the people on its pages (signals.people_shown_to)."""

from __future__ import annotations

from typing import Any, cast

from dispatch.models import Call
from dispatch.signals import people_shown_to


def people_context(user: Any, person_ids: list[int]) -> dict[str, Any]:
    """What the apps above dispatch tell this viewer about these people (signals.people_shown_to):
    `safety_plans` ({person id: summary}) at least, empty when no app answers."""
    context: dict[str, Any] = {"safety_plans": {}}
    ids = sorted({pk for pk in person_ids if pk is not None})
    if not ids or not user.is_authenticated:
        return context
    for _receiver, extra in people_shown_to.send(sender=Call, user=user, person_ids=ids):
        # django-stubs types a receiver's answer as str | None; Django returns it as given.
        context.update(cast("dict[str, Any]", extra))
    return context
