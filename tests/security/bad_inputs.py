"""A corpus of bad inputs, as data: for each, where it goes, which field it replaces, and the
field name its error must carry. tests/security/test_bad_inputs.py sends each one and checks
that it is refused by field (never a 500) and that nothing stored changes.

Targets (the bodies they start from are in test_bad_inputs.py):
- api.* : JSON to the API; `field` is a dotted path into the body ("answers.weapon",
  "felt_safe.0.safe"); REMOVE deletes the key.
- form.* : a page's form post; `field` is the form field.
- query.* : a GET with query parameters (a list, a search); `field` is the parameter.
- csv.* : a row or a file for the command-line imports (import_calls, triage_replay,
  import_hsds); see CSV_CORPUS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REMOVE = object()  # as a value: leave the field out


class Raw(str):
    """As a value: the whole request body as sent, for what json.dumps cannot build."""


@dataclass(frozen=True)
class Bad:
    target: str
    field: str
    value: Any
    why: str
    named: str = ""  # the name the error carries, when it is not the last part of `field`

    @property
    def name(self) -> str:
        return self.named or self.field.split(".")[-1]

    @property
    def id(self) -> str:
        return f"{self.target}:{self.field}:{self.why}"


LONG = "x" * 10_000
EMOJI_LONG = "\U0001f691" * 300  # 300 ambulances: 300 characters, 1,200 bytes
NUL = "a\x00b"
RTL_OVERRIDE = "\u202e"  # right-to-left override: "no" + RLO reads as "on"
RLM = "\u200f"  # right-to-left mark
ZWJ = "\u200d"  # zero-width joiner
SQL = "'; DROP TABLE dispatch_call; --"
HTML = "<script>alert(1)</script>"
NESTED = {"a": {"b": {"c": ["d", {"e": None}]}}}
DEEP_JSON = '{"not": ' * 5000 + "{}" + "}" * 5000  # valid JSON, deeper than any rule
TOO_DEEP = Raw("[" * 50_000 + "]" * 50_000)  # valid JSON, deeper than Python's parser goes
# JSON that json.dumps cannot write: a number past the largest float is infinity to Python.
OVERFLOW_LAT = Raw(
    '{"call_type": "WELFARE_CHECK", "address": "1 Overflow Rd", "lat": 1e400, "lon": -78.9,'
    ' "answers": {"weapon": "no", "violence": "no"}}'
)
# A click that reports a latitude past the largest float.
OVERFLOW_LOCATION_BODY = Raw('{"lat": 1e400, "lon": -78.9}')
NUL_KEY = Raw('{"call_type": "WELFARE_CHECK", "answers": {"weapon\\u0000": "no"}}')
LONG_USERNAME = "u" * 300  # past axes' varchar(255) and the user model's 150

ENTITY_XML = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e "eeeeeeeeee">]><p>&e;&e;</p>'

CORPUS: list[Bad] = [
    # POST /api/v1/eido/ as a partner: NENA's sample call-transfer EIDO, one thing broken.
    # The errors are keyed by JSON path ("$.callComponent[0].direction").
    Bad("api.eido", "lastUpdateTimeStamp", "yesterday", "not a timestamp"),
    Bad("api.eido", "eidoVersion", "2.0", "an unknown EIDO version"),
    Bad("api.eido", "agencyComponent", REMOVE, "no agency component", "$"),
    Bad("api.eido", "callComponent.0.direction", "sideways", "not a direction"),
    Bad("api.eido", "callComponent.0.callStartTimestamp", "2099-01-01T00:00:00Z", "in the future"),
    Bad("api.eido", "callComponent.0.callStartTimestamp", 1773151500, "epoch seconds"),
    Bad("api.eido", "locationComponent.0.locationByValue", ENTITY_XML, "an XML entity"),
    Bad("api.eido", "locationComponent.0.locationByValue", "<presence", "truncated XML"),
    Bad("api.eido", "$id", LONG, "10,000 characters"),
    Bad("api.eido", "callbackComponent", "tel:911", "a string for a list"),
    Bad("api.eido", "body", TOO_DEEP, "JSON nested 50,000 deep", "detail"),
    # POST /api/v1/calls/ as a call-taker
    Bad("api.calls", "call_type", "", "empty"),
    Bad("api.calls", "call_type", REMOVE, "missing"),
    Bad("api.calls", "call_type", LONG, "10,000 characters"),
    Bad("api.calls", "call_type", "ALIEN_ABDUCTION", "unknown call type"),
    Bad("api.calls", "call_type", NESTED, "nested JSON for a string"),
    Bad("api.calls", "call_type", ["WELFARE_CHECK"], "a list for a string"),
    Bad("api.calls", "call_type", "WELFARE" + ZWJ + "_CHECK", "zero-width joiner"),
    Bad("api.calls", "call_type", SQL, "SQL injection"),
    Bad("api.calls", "call_type", HTML, "HTML injection"),
    Bad("api.calls", "call_type", "WELFARE" + "\x00" + "_CHECK", "NUL byte"),
    Bad("api.calls", "address", LONG, "10,000 characters"),
    Bad("api.calls", "address", NUL, "NUL byte"),
    Bad("api.calls", "lat", "north", "not a number"),
    Bad("api.calls", "lat", 1000, "off the globe"),
    Bad("api.calls", "lat", "NaN", "not a number (NaN)"),
    Bad("api.calls", "lon", "Infinity", "infinite"),
    Bad("api.calls", "lon", REMOVE, "latitude without longitude"),
    Bad("api.calls", "received_at", "yesterday", "not a timestamp"),
    Bad("api.calls", "received_at", "2026-02-30T10:00:00-05:00", "no such day"),
    Bad("api.calls", "received_at", "2026-03-10T25:00:00-05:00", "no such hour"),
    Bad("api.calls", "received_at", "2099-01-01T00:00:00Z", "in the future"),
    Bad("api.calls", "received_at", "0144-04-14T17:55:40Z", "year 144"),
    Bad("api.calls", "received_at", 1773151500, "epoch seconds"),
    Bad("api.calls", "answers", "weapon=no", "a string for an object"),
    Bad("api.calls", "answers.weapon", "maybe", "not an answer"),
    Bad("api.calls", "answers.weapon", "no" + RTL_OVERRIDE, "right-to-left override"),
    Bad("api.calls", "answers.weapon", NESTED, "nested JSON for an answer"),
    Bad("api.calls", "answers.favorite_color", "blue", "not a question"),
    Bad("api.calls", "answers.self_harm", "yes", "an answer of another question"),
    Bad("api.calls", "override_route", "SWAT", "unknown route"),
    Bad("api.calls", "override_route", "heart", "a route in lower case"),
    Bad("api.calls", "override_route", "HEART", "override without a reason", "override_reason"),
    Bad("api.calls", "person", 987654321, "no such person"),
    Bad("api.calls", "person", "Jordan", "a name for an id"),
    Bad("api.calls", "person", 2**70, "an id past bigint"),
    Bad("api.calls", "duplicate_of", 987654321, "no such call"),
    Bad("api.calls", "caller_name", EMOJI_LONG, "300 emoji"),
    Bad("api.calls", "narrative", "n" * 5001, "past 5,000 characters"),
    Bad("api.calls", "callback_number", "9" * 41, "past 40 characters"),
    Bad("api.calls", "zone", "Z" * 41, "past 40 characters"),
    Bad("api.calls", "Idempotency-Key", "k" * 201, "a 201-character key"),
    Bad("api.calls", "Idempotency-Key", REMOVE, "no key"),
    Bad("api.calls", "body", TOO_DEEP, "JSON nested 50,000 deep", "detail"),
    Bad("api.calls", "body", Raw('{"call_type": "WELFARE_CHECK",'), "truncated JSON", "detail"),
    Bad("api.calls", "body", OVERFLOW_LAT, "a latitude of 1e400 (infinity)", "lat"),
    Bad("api.calls", "favorite_color", "blue", "a field the API does not know"),
    Bad("api.calls", "answers.weapon", "no" + NUL, "NUL byte in an answer"),
    Bad("api.calls", "caller_language", "klingon", "not a language code"),
    Bad("api.calls", "caller_language", "ES", "a code in upper case"),
    Bad("api.calls", "interpreter_used", "sometimes", "not a boolean"),
    # POST /api/v1/roster/ as a supervisor
    Bad("api.roster", "unit", REMOVE, "missing"),
    Bad("api.roster", "unit", 987654321, "no such unit"),
    Bad("api.roster", "unit", "@police_unit", "a police unit has no roster"),
    Bad("api.roster", "responder", 987654321, "no such user"),
    Bad("api.roster", "responder", "riley", "a name for an id"),
    Bad("api.roster", "starts_at", "tomorrow", "not a timestamp"),
    Bad("api.roster", "ends_at", "2026-03-12T06:00:00-04:00", "ends before it starts"),
    Bad("api.roster", "ends_at", "2026-03-20T07:00:00-04:00", "a week-long shift"),
    Bad("api.roster", "ends_at", REMOVE, "missing"),
    Bad("api.roster", "break", "12:00", "a field the API does not know"),
    # POST /api/v1/calls/{id}/assign/ as a dispatcher
    Bad("api.assign", "unit", REMOVE, "missing"),
    Bad("api.assign", "unit", "", "empty"),
    Bad("api.assign", "unit", "HEART-1", "a name for an id"),
    Bad("api.assign", "unit", -1, "negative"),
    Bad("api.assign", "unit", 987654321, "no such unit"),
    Bad("api.assign", "unit", 2**70, "an id past bigint"),
    Bad("api.assign", "unit", [1, 2], "a list for an id"),
    Bad("api.assign", "unit", "@police_unit", "a unit of the wrong kind"),
    Bad("api.assign", "unit", "@ccd_unit", "a CCD phone position"),
    Bad("api.assign", "unit", "@heart_unit", "a unit already on a call"),
    # POST /api/v1/calls/{id}/clear/ as the responder
    Bad("api.clear", "disposition", "teleported", "unknown disposition"),
    Bad("api.clear", "disposition", "", "empty"),
    Bad("api.clear", "disposition", "other" + RLM, "right-to-left mark"),
    Bad("api.clear", "felt_safe", "yes", "a string for a list"),
    Bad("api.clear", "felt_safe", REMOVE, "no felt-safe answer"),
    Bad("api.clear", "felt_safe.0.responder", 987654321, "not a member", "felt_safe"),
    Bad("api.clear", "felt_safe.0.safe", "maybe", "not a boolean"),
    Bad("api.clear", "referral", {"consent": True, "needs": []}, "consent without needs", "needs"),
    Bad("api.clear", "referral", {"consent": True, "needs": ["rocket"]}, "unknown need", "needs"),
    Bad("api.clear", "referral", {"consent": "yes please"}, "not a boolean", "consent"),
    Bad(
        "api.clear",
        "referral",
        {"consent": True, "needs": ["housing"], "date_of_birth": "1980-02-30"},
        "no such date of birth",
        "date_of_birth",
    ),
    Bad("api.clear", "outcome", "arrested", "a string for an object"),
    Bad("api.clear", "outcome", {"arrest": "maybe"}, "not a boolean", "arrest"),
    Bad("api.clear", "outcome", {"age_band": "40" + RLM}, "right-to-left mark", "age_band"),
    Bad("api.clear", "outcome", {"gender": HTML}, "markup for a choice", "gender"),
    Bad("api.clear", "outcome", {"transport_by": "ems"}, "transport without where", "transport_to"),
    Bad("api.clear", "outcome", {"shoe_size": 44}, "unknown outcome field", "shoe_size"),
    Bad("api.clear", "unit", 2**70, "an id past bigint"),
    Bad("api.clear", "unit", 0, "zero"),
    # POST /api/v1/units/{id}/status/ as the responder
    Bad("api.unit_status", "status", "flying", "unknown status"),
    Bad("api.unit_status", "status", "available" + RLM, "right-to-left mark"),
    Bad("api.unit_status", "status", None, "null"),
    Bad("api.unit_status", "status", ["available"], "a list for a string"),
    Bad("api.unit_status", "status", "AVAILABLE", "upper case"),
    # POST /api/v1/units/{id}/position/ as the unit's responder
    Bad("api.unit_position", "lat", 90.0001, "past the pole"),
    Bad("api.unit_position", "lon", -180.5, "past the antimeridian"),
    Bad("api.unit_position", "lat", "NaN", "not a number (NaN)"),
    Bad("api.unit_position", "lon", "Infinity", "infinite"),
    Bad("api.unit_position", "lat", REMOVE, "missing"),
    Bad("api.unit_position", "lon", [-78.9], "a list for a number"),
    Bad("api.unit_position", "accuracy_m", -5, "negative accuracy"),
    Bad("api.unit_position", "at", "2099-01-01T00:00:00Z", "in the future"),
    Bad("api.unit_position", "at", "soon", "not a time"),
    Bad("api.unit_position", "heading", 90, "a field it does not take"),
    Bad("api.unit_status", "at", "2999-01-01T00:00:00Z", "a time in the future"),
    Bad("api.unit_status", "at", "2001-01-01T00:00:00Z", "before the unit was dispatched"),
    Bad("api.unit_status", "at", "yesterday", "a word for a time"),
    Bad("api.unit_status", "call", 2**70, "an id past bigint"),
    Bad("api.clear", "at", "2999-01-01T00:00:00Z", "a time in the future"),
    Bad("api.clear", "at", "2001-01-01T00:00:00Z", "before the unit was dispatched"),
    # POST /api/v1/calls/{id}/backup/ as the responder
    Bad("api.backup", "reason", "", "empty"),
    Bad("api.backup", "reason", REMOVE, "missing"),
    Bad("api.backup", "reason", "r" * 501, "past 500 characters"),
    Bad("api.backup", "at", "2999-01-01T00:00:00Z", "a time in the future"),
    Bad("api.backup", "at", "2001-01-01T00:00:00Z", "before the call"),
    Bad("api.backup", "unit", 2**70, "an id past bigint"),
    Bad("api.backup", "Idempotency-Key", "k" * 201, "a 201-character key"),
    # POST /api/v1/calls/{id}/reassign/ as a dispatcher
    Bad("api.reassign", "unit", REMOVE, "missing"),
    Bad("api.reassign", "unit", "@police_unit", "a unit of the wrong kind"),
    Bad("api.reassign", "unit", "@heart_unit", "the unit already on the call"),
    Bad("api.reassign", "from_unit", "@spare_unit", "a unit not on the call"),
    Bad("api.reassign", "from_unit", 2**70, "an id past bigint"),
    # POST /api/v1/calls/{id}/location/ as a dispatcher (a click on the map)
    Bad("api.call_location", "lat", 91, "north of the pole"),
    Bad("api.call_location", "lon", -180.5, "west of the antimeridian"),
    Bad("api.call_location", "lat", "NaN", "not a number"),
    Bad("api.call_location", "lon", "Infinity", "infinite"),
    Bad("api.call_location", "lat", "north", "a word"),
    Bad("api.call_location", "lat", None, "null"),
    Bad("api.call_location", "lon", REMOVE, "no longitude"),
    Bad("api.call_location", "zone", "111", "a field the API does not take"),
    Bad("api.call_location", "body", OVERFLOW_LOCATION_BODY, "a latitude of 1e400", "lat"),
    # POST /api/v1/triage/evaluate/ as a call-taker
    Bad("api.evaluate", "call_type", "UNKNOWN_TYPE", "unknown call type"),
    Bad("api.evaluate", "call_type", "", "empty"),
    Bad("api.evaluate", "answers", ["weapon", "no"], "a list for an object"),
    Bad("api.evaluate", "answers.self_harm", "yes", "an answer of another question"),
    Bad("api.evaluate", "answers.weapon", 1, "a number for an answer"),
    Bad("api.evaluate", "received_at", "2026-13-01T00:00:00", "no such month"),
    Bad("api.evaluate", "received_at", "10:00", "a time without a date"),
    Bad("api.evaluate", "received_at", NESTED, "nested JSON for a timestamp"),
    # POST /api/v1/cases/ as a navigator
    Bad("api.cases", "call", 987654321, "no such call"),
    Bad("api.cases", "call", "first", "a word for an id"),
    Bad("api.cases", "needs", [], "no needs"),
    Bad("api.cases", "needs", ["spaceship"], "unknown need"),
    Bad("api.cases", "needs", "housing", "a string for a list"),
    Bad("api.cases", "consent", False, "no consent"),
    Bad("api.cases", "date_of_birth", "31/01/1980", "day first"),
    Bad("api.cases", "person_name", "p" * 201, "past 200 characters"),
    Bad("api.cases", "person", 987654321, "no such person"),
    Bad("api.cases", "navigator", 1, "a field the API does not know"),
    # POST /api/v1/cases/{id}/contacts/ as the case's navigator
    Bad("api.contacts", "channel", "pigeon", "unknown channel"),
    Bad("api.contacts", "reached", "sometimes", "not a boolean"),
    Bad("api.contacts", "at", "2020-01-01T00:00:00Z", "before the case opened"),
    Bad("api.contacts", "at", "2099-01-01T00:00:00Z", "in the future"),
    Bad("api.contacts", "declined", True, "declined without being reached"),
    Bad("api.contacts", "note", NUL, "NUL byte"),
    # POST /api/v1/cases/{id}/referrals/
    Bad("api.referrals", "need", "", "empty"),
    Bad("api.referrals", "service", 987654321, "no such service"),
    Bad("api.referrals", "service_name", "", "neither a service nor a name", "service"),
    Bad("api.referrals", "service_name", "s" * 301, "past 300 characters"),
    # PATCH /api/v1/referrals/{id}/
    Bad("api.referral", "status", "teleported", "unknown status"),
    Bad("api.referral", "status", "referred", "nothing to change"),
    Bad("api.referral", "scheduled_for", "0144-04-14T17:55:40Z", "year 144"),
    Bad("api.referral", "scheduled_for", "next tuesday", "not a timestamp"),
    Bad("api.referral", "at", "1999-01-01T00:00:00Z", "before the case opened"),
    Bad("api.referral", "case", 1, "a field the API does not know"),
    Bad("api.evaluate", "body", NUL_KEY, "NUL byte in a key", "weapon\\x00"),
    Bad("api.clear", "felt_safe.0.note", "felt fine", "a field the API does not know", "note"),
    # POST /api/v1/auth/token/, signed out
    Bad("api.token", "username", LONG_USERNAME, "300 characters"),
    Bad("api.token", "username", NUL, "NUL byte"),
    Bad("api.token", "scope", "admin", "a field the API does not know"),
    # POST /accounts/login/, signed out
    Bad("form.login", "username", LONG_USERNAME, "300 characters"),
    Bad("form.login", "username", NUL, "NUL byte"),
    # GET lists and searches: each query parameter
    Bad("query.calls", "route", NUL, "NUL byte"),
    Bad("query.calls", "status", "\x00", "only a NUL byte"),
    Bad("query.dashboards_calls", "call_type", NUL, "NUL byte"),
    Bad("query.dashboards_cases", "status", NUL, "NUL byte"),
    Bad("query.dashboards_cases", "need", NUL, "NUL byte"),
    Bad("query.audit", "action", NUL, "NUL byte"),
    Bad("query.audit", "since", NUL, "NUL byte"),
    Bad("query.directory", "q", NUL, "NUL byte"),
    # POST /dispatch/calls/{id}/location/ (the call page's map, or the point typed)
    Bad("form.call_locate", "lat", "91", "north of the pole"),
    Bad("form.call_locate", "lon", "inf", "infinite"),
    Bad("form.call_locate", "lat", "nan", "not a number (NaN)"),
    Bad("form.call_locate", "lat", "1e400", "past the largest float"),
    Bad("form.call_locate", "lon", "", "no longitude"),
    # POST /dispatch/intake/context/ (the side panel, refreshed as the form fills)
    Bad("form.context", "lat", "inf", "infinite"),
    Bad("form.context", "lat", "1e400", "past the largest float"),
    Bad("form.context", "lon", "nan", "not a number (NaN)"),
    Bad("form.context", "address", NUL, "NUL byte"),
    Bad("form.context", "caller_name", NUL, "NUL byte"),
    # POST /dispatch/intake/ (the call-taker's form)
    Bad("form.intake", "caller_language", "klingon", "not a language code"),
    Bad("form.roster", "responder", "987654321", "no such responder"),
    Bad("form.roster", "unit", "@police_unit", "a police unit has no roster"),
    Bad("form.roster", "day", "2026-02-30", "no such day"),
    Bad("form.roster", "start", "25:00", "no such hour"),
    Bad("form.roster", "end", "", "empty"),
    Bad("form.intake", "call_type", "", "empty"),
    Bad("form.intake", "call_type", "NOPE", "unknown call type"),
    Bad("form.intake", "call_type", LONG, "10,000 characters"),
    Bad("form.intake", "weapon", "", "not asked on a behavioral call"),
    Bad("form.intake", "violence", "maybe", "not an answer"),
    Bad("form.intake", "lat", "91", "off the globe"),
    Bad("form.intake", "lat", "1e309", "infinite"),
    Bad("form.intake", "lon", "", "latitude without longitude"),
    Bad("form.intake", "override_route", "HEART", "override without a reason", "override_reason"),
    Bad("form.intake", "received_at", "2026-02-30 10:00", "no such day"),
    Bad("form.intake", "narrative", LONG, "10,000 characters"),
    Bad("form.intake", "caller_name", NUL, "NUL byte"),
    Bad("form.intake", "idempotency_key", "", "no key"),
    Bad("form.intake", "person_id", "abc", "a word for an id"),
    Bad("form.intake", "duplicate_of", "987654321", "no such call"),
    # The phone line: a CCD clinician resolving or converting a call, writing a safety plan
    # The call after intake (docs/calls.md).
    Bad("api.notes", "text", REMOVE, "missing"),
    Bad("api.notes", "text", "   ", "blank"),
    Bad("api.notes", "text", LONG, "too long"),
    Bad("api.notes", "text", NUL, "a NUL"),
    Bad("api.notes", "at", "half past two", "not a time"),
    Bad("api.notes", "at", "2099-01-01T00:00:00Z", "in the future"),
    Bad("api.notes", "at", "2001-01-01T00:00:00Z", "before the call"),
    Bad("api.notes", "unit", 1, "a field it does not take"),
    Bad("api.supplements", "text", REMOVE, "missing"),
    Bad("api.supplements", "callback_number", LONG, "too long"),
    Bad("api.supplements", "lat", 91, "off the globe"),
    Bad("api.supplements", "lon", 12.5, "a longitude without a latitude"),
    Bad("api.cancel", "reason", "bored", "not a reason"),
    Bad("api.cancel", "reason", REMOVE, "missing"),
    Bad("api.cancel", "text", LONG, "too long"),
    Bad("api.merge", "into", REMOVE, "missing"),
    Bad("api.merge", "into", 987654321, "no such call"),
    Bad("api.merge", "into", 2**70, "an id past bigint"),
    Bad("api.merge", "into", "@queued_call", "the call itself"),
    Bad("api.ccd_resolve", "disposition", "resolved_on_scene", "a field disposition"),
    Bad("api.ccd_resolve", "disposition", "converted_to_field_response", "a conversion"),
    Bad("api.ccd_resolve", "disposition", REMOVE, "missing"),
    Bad("api.ccd_resolve", "disposition", "transferred_to_988" + RLM, "right-to-left mark"),
    Bad(
        "api.ccd_resolve",
        "referral",
        {"consent": True, "needs": []},
        "consent without needs",
        "needs",
    ),
    Bad("api.ccd_resolve", "transfer_988", "lukewarm", "not warm or cold"),
    Bad("form.ccd_resolve", "transfer_988", "warm", "warm on a call not sent to 988"),
    Bad("api.ccd_convert", "answers.weapon", "maybe", "not an answer"),
    Bad("api.ccd_convert", "reason", LONG, "10,000 characters"),
    Bad("api.safety_plan", "warning_signs", LONG, "10,000 characters"),
    Bad("api.safety_plan", "warning_signs", NUL, "NUL byte"),
    Bad("api.safety_plan", "coping_steps", ["walks"], "a list for a string"),
    Bad("api.safety_plan", "based_on_version", 99, "a version never written", "based_on"),
    Bad("api.safety_plan", "based_on_version", "two", "a word for a version"),
    Bad("api.safety_plan", "call", 987654321, "no such call"),
    Bad("api.call_safety_plan", "person", REMOVE, "nobody named for a call about no one"),
    Bad("api.call_safety_plan", "person.name", "", "empty name", "name"),
    Bad("api.call_safety_plan", "person.date_of_birth", "31/01/1980", "day first"),
    Bad("api.call_safety_plan", "warning_signs", "", "no section written"),
    Bad("form.ccd_resolve", "disposition", "resolved_on_scene", "a field disposition"),
    Bad("form.ccd_resolve", "disposition", "", "empty"),
    Bad("form.ccd_resolve", "referral_consent", "yes", "consent without needs", "needs"),
    # Police and 988: handoffs asked for by police, uninvited arrivals, transfers to 988
    Bad("api.handoffs", "target", "POLICE", "not a department team"),
    Bad("api.handoffs", "reason", REMOVE, "no reason"),
    Bad("api.handoffs", "reason", LONG, "10,000 characters"),
    Bad("api.handoffs", "call", 987654321, "a call and new call both", "call"),
    Bad("api.handoffs", "new_call", REMOVE, "neither a call nor a new call", "call"),
    Bad("api.handoffs", "new_call.call_type", "UFO_SIGHTING", "unknown call type", "call_type"),
    Bad("api.handoffs", "new_call.answers.weapon", "maybe", "not an answer", "weapon"),
    Bad("api.handoffs", "new_call.lat", 91, "off the globe", "lat"),
    Bad("api.handoffs", "new_call.route", "HEART", "not a field", "route"),
    Bad("api.police_arrival", "unit", "@heart_unit", "not a police unit"),
    Bad("api.police_arrival", "note", LONG, "10,000 characters"),
    Bad("api.police_arrival", "at", "2099-01-01T00:00:00Z", "in the future"),
    Bad("api.transfer_988", "transfer_988", "hot", "not warm or cold"),
    Bad("api.transfer_988", "transfer_988", REMOVE, "missing"),
    Bad("form.police_handoff", "call_type", "UFO_SIGHTING", "unknown call type"),
    Bad("form.police_handoff", "call_type", "", "neither a call nor a new call"),
    Bad("form.police_handoff", "reason", "", "no reason"),
    Bad("form.police_handoff", "target", "FIRE", "not a department team"),
    Bad("form.police_handoff", "weapon", "maybe", "not an answer"),
    Bad("form.safety_plan", "warning_signs", "", "no section written"),
    Bad("form.safety_plan", "warning_signs", LONG, "10,000 characters"),
    Bad("form.safety_plan", "based_on", "7", "a version never written"),
    Bad("form.safety_plan", "based_on", "abc", "a word for a version"),
    Bad("form.call_safety_plan", "person_name", "", "nobody named"),
    Bad("form.call_safety_plan", "date_of_birth", "1980-13-01", "no such month"),
    Bad("form.call_safety_plan", "means_safety", NUL, "NUL byte"),
    # POST /dispatch/my-unit/clear/ (the responder's clearing form)
    Bad("form.clear", "disposition", "", "empty"),
    Bad("form.clear", "disposition", "teleported", "unknown disposition"),
    Bad("form.clear", "safe_@responder", REMOVE, "felt-safe not answered"),
    Bad("form.clear", "referral_consent", "yes", "consent without needs", "needs"),
    Bad("form.clear", "needs", "spaceship", "unknown need"),
    Bad("form.clear", "date_of_birth", "1980-13-01", "no such month"),
    # The care pages (the case's navigator; extending is a supervisor's)
    Bad("form.contact", "channel", "pigeon", "unknown channel"),
    Bad("form.contact", "at", "2099-01-01 10:00", "in the future"),
    Bad("form.contact", "at", "31.12.2025 10:00", "day first"),
    Bad("form.need", "need", "spaceship", "unknown need"),
    Bad("form.need", "detail", NUL, "NUL byte"),
    Bad("form.referral", "service_name", "", "neither a service nor a name", "service"),
    Bad("form.referral", "service", "abc", "a word for an id"),
    Bad("form.referral", "service", "987654321", "no such service"),
    Bad("form.note", "text", "", "empty"),
    Bad("form.note", "text", "\u3000\u2003\n", "only unicode spaces"),
    Bad("form.note", "text", NUL, "NUL byte"),
    Bad("form.extend", "days", "0", "zero days"),
    Bad("form.extend", "days", "1e3", "a float for an integer"),
    Bad("form.extend", "days", "\u00b2", "a superscript two"),
    Bad("form.referral_status", "status", "teleported", "unknown status"),
    Bad("form.referral_status", "scheduled_for", "0144-04-14 10:00", "year 144"),
    Bad("form.case_new", "call", "abc", "a word for an id"),
    Bad("form.case_new", "call", "987654321", "no such call"),
    Bad("form.case_new", "needs", REMOVE, "no needs"),
    Bad("form.case_new", "consent", REMOVE, "no consent"),
    # The rule editor (a supervisor, on a draft)
    Bad("form.rule_edit", "when", "{not json", "not JSON"),
    Bad("form.rule_edit", "when", "[]", "a list for an object"),
    Bad("form.rule_edit", "when", DEEP_JSON, "nested 5,000 deep"),
    Bad("form.rule_edit", "when", '{"answer": "weapon", "in": ["purple"]}', "not an answer"),
    Bad("form.rule_edit", "when", '{"call_type": ["ALIEN"]}', "unknown call type"),
    Bad("form.rule_edit", "cases", '{"a": 1}', "an object for a list"),
    Bad("form.rule_edit", "route", "SWAT", "unknown route"),
    Bad("form.rule_edit", "rule_id", "", "empty"),
    Bad("form.rule_edit", "rule_id", "r" * 65, "past 64 characters"),
    Bad("form.rule_edit", "priority", "P9", "unknown priority"),
    Bad("form.rule_edit", "note", NUL, "NUL byte"),
    Bad("form.rule_add", "rule_id", "R8-community", "an id already in the set"),
    Bad("form.rule_add", "before", "R99-missing", "no such rule"),
]


@dataclass(frozen=True)
class BadRow:
    """A CSV row (or file) for a command-line import, and the field its error names."""

    tool: str  # import_calls, import_calls_mapping, triage_replay, import_hsds,
    # import_addresses (a row after the OpenAddresses header), import_zones (a whole file)
    content: str  # a CSV row, or a whole mapping file / HSDS file
    why: str
    named: str
    encoding: str = "utf-8"  # how the content is written to the file

    @property
    def id(self) -> str:
        return f"{self.tool}:{self.why}"


def durham(
    when: str = "2021-06-01 10:00:00",
    nature: str = "WELFARE CHECK",
    lon: str = "-78.9",
    lat: str = "35.99",
    beat: str = "111",
) -> str:
    """A row of Durham's CAD export (the durham profile)."""
    return f"{when},6/1/2021,10:00:00AM,3,{nature},{beat},{lon},{lat},WelfareCheck_1"


def replay(
    call_type: str = "MENTAL_HEALTH",
    received_at: str = "2026-03-10T10:00:00-04:00",
    weapon: str = "no",
    self_harm: str = "",
) -> str:
    """A row of the triage_replay input (id, beat, call_type, received_at, nine answers)."""
    return f"R1,111,{call_type},{received_at},{weapon},no,no,,,,{self_harm},yes,no,text"


MAPPING_HEAD = (
    'source = "elsewhere"\n[time]\nformat = "iso"\nzone = "America/New_York"\n[columns]\n'
)

CSV_CORPUS: list[BadRow] = [
    BadRow("import_calls", durham(when="2021-02-30 10:00:00"), "no such day", "received"),
    BadRow("import_calls", durham(when="yesterday"), "not a timestamp", "received"),
    BadRow("import_calls", durham(when=""), "empty timestamp", "received"),
    BadRow("import_calls", durham(nature="ALIEN ABDUCTION"), "unknown call type", "label"),
    BadRow("import_calls", durham(nature=SQL.replace(",", "")), "SQL injection", "label"),
    BadRow("import_calls", durham(nature=HTML), "HTML injection", "label"),
    BadRow("import_calls", durham(nature="CRISIS" + ZWJ), "zero-width joiner", "label"),
    BadRow("import_calls", durham(lat="north"), "not a number", "lat/lon"),
    BadRow("import_calls", durham(lat="135.99"), "off the globe", "lat/lon"),
    BadRow("import_calls", durham(lat="nan", lon="nan"), "NaN", "lat/lon"),
    BadRow("import_calls", durham(lat=""), "latitude without longitude", "lat/lon"),
    BadRow("import_calls", durham(beat="B" * 41), "past 40 characters", "beat"),
    BadRow("import_calls", durham(beat="1\x0011"), "NUL byte", "beat"),
    BadRow("import_calls", durham(beat="x" * 10_000), "10,000 characters", "beat"),
    BadRow("import_calls", "2021-06-01 10:00:00,6/1/2021,3,CRISIS", "fields missing", "fields"),
    BadRow(
        "import_calls_mapping",
        MAPPING_HEAD + 'received = "call_datetime_local"\n',
        "no label column",
        "columns.label",
    ),
    BadRow(
        "import_calls_mapping",
        MAPPING_HEAD.replace("America/New_York", "Mars/Olympus")
        + 'received = "call_datetime_local"\nlabel = "Nature"\n',
        "unknown time zone",
        "zone",
    ),
    BadRow(
        "import_calls_mapping",
        MAPPING_HEAD + 'received = "call_datetime_local"\nlabel = "Nature"\nsurprise = "x"\n',
        "unknown key",
        "surprise",
    ),
    BadRow(
        "import_calls_mapping",
        MAPPING_HEAD
        + 'id_from = ["Nature"]\nreceived = "call_datetime_local"\nlabel = "Nature"\n'
        + '[labels]\n"WELFARE CHECK" = "NOT_A_TYPE"\n',
        "a label mapped to an unknown call type",
        "WELFARE CHECK",
    ),
    BadRow("import_calls_mapping", "source = [unclosed", "not TOML", "TOML"),
    BadRow("triage_replay", replay(call_type="ALIEN"), "unknown call type", "call_type"),
    BadRow("triage_replay", replay(weapon="maybe"), "not an answer", "weapon"),
    BadRow("triage_replay", replay(self_harm="yes"), "an answer of another question", "self_harm"),
    BadRow("triage_replay", replay(received_at="2026-02-30T10:00"), "no such day", "received_at"),
    BadRow("triage_replay", replay(received_at="soon"), "not a timestamp", "received_at"),
    BadRow("triage_replay", replay(call_type=HTML), "HTML injection", "call_type"),
    BadRow("import_addresses", "-78.9,91,1,MAIN ST,,,,,,a,", "off the globe", "row 1, LAT"),
    BadRow("import_addresses", "-78.9,nan,1,MAIN ST,,,,,,a,", "NaN", "row 1, LAT"),
    BadRow("import_addresses", "-inf,35.9,1,MAIN ST,,,,,,a,", "infinite", "row 1, LON"),
    BadRow("import_addresses", "-78.9,35.9,1,,,,,,,a,", "no street", "row 1, STREET"),
    BadRow(
        "import_addresses", "-78.9,35.9,1,MAIN ST,,,,,," + "x" * 200 + ",", "long id", "row 1, ID"
    ),
    BadRow(
        "import_addresses",
        "-78.9,35.9,1,CALLE ESPAÑA,,,,,,a,",
        "a file in Latin-1",
        "not UTF-8",
        encoding="latin-1",
    ),
    BadRow(
        "import_zones",
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"BEAT": "9"}, "geometry": {"type": "Polygon", "coordinates": '
        "[[[0, 0], [0, 1], [1, 1], [1, 0]]]}}]}",
        "an unclosed polygon",
        "feature 1, geometry: a ring is not closed",
    ),
    BadRow(
        "import_zones",
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"BEAT": "9"}, "geometry": {"type": "Polygon", "coordinates": '
        "[[[0, 0], [0, NaN], [1, 1], [0, 0]]]}}]}",
        "NaN in a polygon",
        "not a finite number",
    ),
    BadRow(
        "import_zones",
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"BEAT": "Ñ"}, "geometry": {"type": "Polygon", "coordinates": '
        "[[[0, 0], [0, 1], [1, 1], [0, 0]]]}}]}",
        "a file in Windows-1252",
        "not UTF-8",
        encoding="cp1252",
    ),
    BadRow("import_hsds", "id,organization_id,name\n,1,No Id Services\n", "no id", "id"),
    BadRow("import_hsds", "id,organization_id,name\n149,149,\n", "no name", "name"),
    BadRow("import_hsds", "id,organization_id,name\n149,149,Extra,Value\n", "4 values", "columns"),
]
