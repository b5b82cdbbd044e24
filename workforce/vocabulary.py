"""The words of the workforce: responder disciplines and the languages callers, responders and
services speak. Everything that names one imports it from here."""

from __future__ import annotations

import re
from typing import Final

CLINICIAN = "clinician"
EMT = "emt"
PEER = "peer"
OFFICER = "officer"
DISCIPLINES: Final = {
    CLINICIAN: "Clinician / social worker",
    EMT: "EMT",
    PEER: "Peer support specialist",
    OFFICER: "Crisis-trained police officer",
}
DISCIPLINE_CHOICES: Final = list(DISCIPLINES.items())

# The team a service sends when its own table (TeamTemplate) has no row: Durham's HEART is a
# clinician, an EMT and a peer; a co-response pair is a clinician and an officer.
DEFAULT_TEAMS: Final = {
    "HEART": [CLINICIAN, EMT, PEER],
    "CO_RESPONSE": [CLINICIAN, OFFICER],
}

# The field services a team template applies to (route codes are fixed strings: DOMAIN.md 1).
TEAM_SERVICES: Final = [("HEART", "HEART"), ("CO_RESPONSE", "Co-response")]

# ISO 639 codes (639-1 where there is one; "ase" is American Sign Language, 639-3). A call's
# caller_language, a responder's languages and a directory service's languages use them.
LANGUAGES: Final = {
    "en": "English",
    "es": "Spanish",
    "ht": "Haitian Creole",
    "fr": "French",
    "pt": "Portuguese",
    "ar": "Arabic",
    "zh": "Chinese",
    "vi": "Vietnamese",
    "ko": "Korean",
    "ru": "Russian",
    "he": "Hebrew",
    "it": "Italian",
    "de": "German",
    "el": "Greek",
    "yi": "Yiddish",
    "hi": "Hindi",
    "sw": "Swahili",
    "ase": "American Sign Language",
}
LANGUAGE_CHOICES: Final = sorted(LANGUAGES.items(), key=lambda item: item[1])

# How directories write language names (HSDS `languages.language` is free text): the name, with
# "(limited)" and the like stripped, maps onto a code; what maps onto none ("language line
# available") is not a language.
_NAME_ALIASES: Final = {
    "creole": "ht",
    "haitian": "ht",
    "haitian-creole": "ht",
    "haitian creole": "ht",
    "kreyol": "ht",
    "mandarin": "zh",
    "cantonese": "zh",
    "asl": "ase",
    "sign language": "ase",
}


def language_code(name: str) -> str | None:
    """The code of a language named in free text ("Spanish (limited)" -> "es"), or None."""
    text = re.sub(r"\(.*?\)", "", name).strip().lower().rstrip(".")
    if text in LANGUAGES:
        return text
    for code, label in LANGUAGES.items():
        if text == label.lower():
            return code
    return _NAME_ALIASES.get(text)


def language_label(code: str) -> str:
    return LANGUAGES.get(code, code)
