"""The EIDO incident types the default call types map from (the call-type mapping's source
"eido"; docs/interop.md).

An EIDO names its incident type in ``incidentTypeCommonRegistryText``; US PSAPs fill it with
APCO's common incident type codes (APCO ANS 2.103.1, "Public Safety Communications Common
Incident Types for Data Exchange") or their words. These are the codes and words for the
department's call types, matched without regard to case; admins add their PSAP's own through
the mapping table, and the first code of each type is the one the department sends.
"""

from __future__ import annotations

EIDO_SOURCE = "eido"

EIDO_LABELS: dict[str, list[str]] = {
    "MENTAL_HEALTH": ["PSYCH", "PSYCHIATRIC", "MENTAL HEALTH"],
    "SUICIDE_THREAT": ["SUICIDE", "SUICIDE THREAT", "ATTSUI"],
    "WELFARE_CHECK": ["WELFARE", "WELFARE CHECK", "CHECK WELFARE"],
    "TRESPASS": ["TRESPASS", "TRESPASSING"],
    "INTOXICATED": ["INTOX", "INTOXICATED PERSON", "DRUNK"],
    "PANHANDLING": ["PANHANDLING", "PANHANDLER"],
    "INDECENCY": ["INDECENT", "INDECENT EXPOSURE"],
    "VERBAL_DISTURBANCE": ["DISTURB", "DISTURBANCE", "VERBAL DISTURBANCE"],
    "ASSIST_PERSON": ["ASSIST", "ASSIST CITIZEN", "CITIZEN ASSIST"],
    "FOLLOW_UP": ["FOLLOWUP", "FOLLOW UP"],
    "OVERDOSE": ["OVERDOSE", "OD"],
    "UNCONSCIOUS": ["UNCONSCIOUS", "UNCON"],
    "MEDICAL": ["MEDICAL", "SICK"],
    "FIRE": ["FIRE", "STRUCTURE FIRE"],
    "ASSAULT": ["ASSAULT"],
    "WEAPON": ["WEAPON", "WEAPONS"],
    "DOMESTIC": ["DOMESTIC"],
    "FIGHT": ["FIGHT"],
    "SUSPICIOUS": ["SUSPICIOUS", "SUSP"],
}
