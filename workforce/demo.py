"""The demo crews' disciplines and languages (the crews themselves are access.demo's)."""

from __future__ import annotations

from typing import Any

from access.demo import DEMO_CREWS
from workforce.models import Responder, TeamTemplate
from workforce.vocabulary import CLINICIAN, DEFAULT_TEAMS, EMT, OFFICER, PEER

# access.demo names each member's position in words; these are its codes.
POSITIONS = {
    "clinician": CLINICIAN,
    "EMT": EMT,
    "peer support specialist": PEER,
    "officer": OFFICER,
}
# Durham's callers speak Spanish most after English: a few responders speak it (one of each
# co-response pair's clinicians, HEART-3's EMT and HEART-2's peer), one Arabic.
DEMO_LANGUAGES: dict[str, list[str]] = {
    "heart2-peer": ["en", "es"],
    "heart3-emt": ["en", "es"],
    "core1-clinician": ["en", "es"],
    "core2-clinician": ["en", "ar"],
}
# A peer who is also a trained clinician: one person, two disciplines.
EXTRA_DISCIPLINES: dict[str, list[str]] = {"heart4-peer": [CLINICIAN]}


def demo_responders_seed(users: dict[str, Any]) -> int:
    """Each crew member's disciplines and languages, and the default team templates if an
    admin has not set others. Idempotent. Returns the responders set."""
    for service, disciplines in DEFAULT_TEAMS.items():
        TeamTemplate.objects.get_or_create(service=service, defaults={"disciplines": disciplines})
    count = 0
    for members in DEMO_CREWS.values():
        for username, position in members:
            user = users.get(username)
            if user is None:
                continue
            disciplines = sorted({POSITIONS[position], *EXTRA_DISCIPLINES.get(username, [])})
            Responder.objects.update_or_create(
                user=user,
                defaults={
                    "disciplines": disciplines,
                    "languages": DEMO_LANGUAGES.get(username, ["en"]),
                },
            )
            count += 1
    return count
