"""Care navigation's answers to dispatch's signals (dispatch/signals.py): dispatch sits below
care navigation and cannot call it. Connected in CareNavigationConfig.ready."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest

from care_navigation.safety_plan_selectors import safety_plan_summaries
from care_navigation.selectors import familiar_neighbor_ids, open_case_for_people
from care_navigation.services import case_open_from_referral


def open_case_on_referral(
    sender: Any,
    *,
    call: Any,
    by: Any,
    needs: list[str],
    consent: bool,
    person_name: str,
    date_of_birth: date | None,
    phone: str,
    request: HttpRequest | None,
    at: datetime | None = None,
    **kwargs: Any,
) -> None:
    """A unit cleared a call (or CCD resolved it) with a referral: open a case (consented) or
    count the offer; `at` is when, for work recorded after the fact."""
    case_open_from_referral(
        call=call,
        by=by,
        needs=needs,
        consent=consent,
        person_name=person_name,
        date_of_birth=date_of_birth,
        phone=phone,
        request=request,
        at=at,
    )


def care_for_people_shown(sender: Any, *, person_ids: list[int], **kwargs: Any) -> dict[str, Any]:
    """For the intake panel: who of these people is a familiar neighbor, who has an open case
    (with their navigator's name; nothing else about the case leaves care navigation)."""
    return {
        "familiar": familiar_neighbor_ids(person_ids),
        "open_cases": open_case_for_people(person_ids),
    }


def safety_plans_for_viewer(
    sender: Any, *, user: Any, person_ids: list[int], **kwargs: Any
) -> dict[str, Any]:
    """For the CCD queue, the call page and the responder's view: which of these people have a
    safety plan this viewer may read, with its version and date (its text stays here)."""
    return {"safety_plans": safety_plan_summaries(user=user, person_ids=person_ids)}
