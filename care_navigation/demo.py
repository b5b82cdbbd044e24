"""Demo cases for the navigator's caseload: referrals from the demo department's recent calls.

The people are fictional; the calls they come from are the demo's (real Durham call times and
natures). Cases open through the same service as a responder's referral at clearing.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from care_navigation.models import Case
from care_navigation.services import case_open_from_referral, contact_log
from dispatch.models import Call

DEMO_PEOPLE = [
    ("Marcus Bell", ["housing", "mental_health"]),
    ("Tanya Ruiz", ["substance_use"]),
    ("Delores Grant", ["medical", "benefits"]),
    ("Kevin Osei", ["housing", "food"]),
    ("Ana Lima", ["mental_health"]),
    ("Walter Pruitt", ["transportation", "medical"]),
    ("Jade Nguyen", ["housing"]),
    ("Ray Coleman", ["substance_use", "housing"]),
]
# (channel, reached) attempts already made, per case in the order above.
DEMO_CONTACTS: list[list[tuple[str, bool]]] = [
    [("phone", True)],
    [("phone", False), ("text", False), ("phone", False)],
    [("in_person", True)],
    [("phone", False)],
    [],
    [("text", True)],
    [("phone", False), ("phone", True)],
    [],
]


def demo_cases_seed(users: dict[str, User]) -> int:
    """Open the demo cases once, from the most recent referred demo calls."""
    if Case.objects.exists():
        return 0
    calls = list(
        Call.objects.filter(source="demo", disposition="referred_to_care_navigation").order_by(
            "-received_at"
        )[: len(DEMO_PEOPLE)]
    )
    responder = users.get("responder")
    navigator = users.get("navigator")
    opened = 0
    with transaction.atomic():
        for call, (name, needs), contacts in zip(calls, DEMO_PEOPLE, DEMO_CONTACTS, strict=False):
            case = case_open_from_referral(
                call=call, by=responder, needs=needs, consent=True, person_name=name
            )
            if case is None:
                continue
            for channel, reached in contacts:
                contact_log(case=case, by=navigator, channel=channel, reached=reached)
            opened += 1
    return opened
