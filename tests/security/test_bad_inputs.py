"""The bad-input corpus of tests/security/bad_inputs.py through the forms, the API and the
command-line imports: each is refused with an error that names the field, never a 500, and
nothing already stored changes."""

from __future__ import annotations

import copy
import csv
import json
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.core.management import CommandError, call_command
from django.db import models
from django.test import Client
from django.urls import reverse

from access import roles
from care_navigation.models import (
    Case,
    CaseExtension,
    CaseNeed,
    CaseNote,
    ClearingReferral,
    ContactAttempt,
    Location,
    Notification,
    Organization,
    Referral,
    SafetyPlan,
    Service,
    TaxonomyTerm,
)
from dispatch.models import Assignment, Call, FieldEvent, SafetyCheck, TriageRecord, Unit
from interop.eido_schema import SCHEMA_FILE
from interop.models import EidoTransfer
from location.models import AddressPoint, Street, Zone
from people.models import Person
from tests.factories import PASSWORD
from tests.security.bad_inputs import CORPUS, CSV_CORPUS, REMOVE, Bad, BadRow, Raw
from tests.security.conftest import ANONYMOUS, World
from triage.forms import RuleForm
from triage.models import RuleSet
from web.models import IdempotencyRecord

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DURHAM_HEADER = (FIXTURES / "import" / "durham_raw.csv").read_text().splitlines()[0]
REPLAY_HEADER = (
    "id,beat,call_type,received_at,weapon,violence,threats,medical,fire_hazard,"
    "crime_in_progress,self_harm,caller_is_subject,wants_in_person,narrative"
)
HSDS = FIXTURES / "hsds_miami_excerpt"
ADDRESSES = FIXTURES / "location" / "addresses.csv"
ZONES = FIXTURES / "location" / "beats.geojson"

# What a bad input must leave exactly as it was.
STORED: list[type[models.Model]] = [
    Call,
    Assignment,
    Unit,
    TriageRecord,
    FieldEvent,
    SafetyCheck,
    Person,
    IdempotencyRecord,
    Case,
    CaseNeed,
    ContactAttempt,
    Referral,
    CaseNote,
    CaseExtension,
    ClearingReferral,
    Notification,
    RuleSet,
    Service,
    Organization,
    Location,
    TaxonomyTerm,
    SafetyPlan,
    EidoTransfer,
    AddressPoint,
    Street,
    Zone,
]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in STORED}


@dataclass(frozen=True)
class Target:
    role: str
    url: Callable[[World], str]
    body: Callable[[World], dict[str, Any]]
    method: str = "POST"
    idempotent: bool = False  # sends an Idempotency-Key header

    @property
    def api(self) -> bool:
        return self.url.__name__ == "api"


def api(path: str) -> Callable[[World], str]:
    def api(w: World) -> str:
        return path.format(w=w)

    return api


def page(name: str, *attrs: str) -> Callable[[World], str]:
    def page(w: World) -> str:
        args = [_attribute(w, attr) for attr in attrs]
        return reverse(name, args=args)

    return page


def _attribute(w: World, dotted: str) -> Any:
    value: Any = w
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


ANSWERS = {"weapon": "no", "violence": "no"}

TARGETS: dict[str, Target] = {
    "api.eido": Target(
        roles.PARTNER,
        api("/api/v1/eido/"),
        lambda w: json.loads((SCHEMA_FILE.parent / "sample-call-transfer.json").read_text()),
    ),
    "api.calls": Target(
        roles.CALL_TAKER,
        api("/api/v1/calls/"),
        lambda w: {
            "call_type": "WELFARE_CHECK",
            "address": "12 Bad Input Rd",
            "lat": 35.99,
            "lon": -78.9,
            "answers": dict(ANSWERS),
            "received_at": "2026-03-10T14:00:00-04:00",
        },
        idempotent=True,
    ),
    "api.roster": Target(
        roles.SUPERVISOR,
        api("/api/v1/roster/"),
        lambda w: {
            "unit": w.spare_unit.pk,
            "responder": w.user(roles.RESPONDER).pk,
            "starts_at": "2026-03-12T07:00:00-04:00",
            "ends_at": "2026-03-12T19:00:00-04:00",
        },
    ),
    "form.roster": Target(
        roles.SUPERVISOR,
        page("dispatch:roster_shift_add"),
        lambda w: {
            "unit": str(w.spare_unit.pk),
            "responder": str(w.user(roles.RESPONDER).pk),
            "day": "2026-03-12",
            "start": "07:00",
            "end": "19:00",
        },
    ),
    "api.assign": Target(
        roles.DISPATCHER,
        api("/api/v1/calls/{w.queued_call.pk}/assign/"),
        lambda w: {"unit": w.spare_unit.pk},
    ),
    "api.clear": Target(
        roles.RESPONDER,
        api("/api/v1/calls/{w.active_call.pk}/clear/"),
        lambda w: {
            "disposition": "resolved_on_scene",
            "felt_safe": [{"responder": w.user(roles.RESPONDER).pk, "safe": True}],
        },
    ),
    "api.unit_status": Target(
        roles.RESPONDER,
        api("/api/v1/units/{w.heart_unit.pk}/status/"),
        lambda w: {"status": "en_route"},
    ),
    "api.unit_position": Target(
        roles.RESPONDER,
        api("/api/v1/units/{w.heart_unit.pk}/position/"),
        lambda w: {"lat": 35.996, "lon": -78.901, "accuracy_m": 10},
    ),
    "api.backup": Target(
        roles.RESPONDER,
        api("/api/v1/calls/{w.active_call.pk}/backup/"),
        lambda w: {"reason": "a knife shown"},
        idempotent=True,
    ),
    "api.reassign": Target(
        roles.DISPATCHER,
        api("/api/v1/calls/{w.active_call.pk}/reassign/"),
        lambda w: {"from_unit": w.heart_unit.pk, "unit": w.spare_unit.pk},
    ),
    "api.call_location": Target(
        roles.DISPATCHER,
        api("/api/v1/calls/{w.queued_call.pk}/location/"),
        lambda w: {"lat": 35.99, "lon": -78.9},
    ),
    "api.evaluate": Target(
        roles.CALL_TAKER,
        api("/api/v1/triage/evaluate/"),
        lambda w: {"call_type": "WELFARE_CHECK", "answers": dict(ANSWERS)},
    ),
    "api.cases": Target(
        roles.NAVIGATOR,
        api("/api/v1/cases/"),
        lambda w: {
            "call": w.phone_call.pk,
            "needs": ["food"],
            "consent": True,
            "person_name": "Ari Bad-Input",
        },
    ),
    "api.contacts": Target(
        roles.NAVIGATOR,
        api("/api/v1/cases/{w.case.pk}/contacts/"),
        lambda w: {"channel": "phone", "reached": False},
    ),
    "api.referrals": Target(
        roles.NAVIGATOR,
        api("/api/v1/cases/{w.case.pk}/referrals/"),
        lambda w: {"need": "housing", "service_name": "Shelter"},
    ),
    "api.referral": Target(
        roles.NAVIGATOR,
        api("/api/v1/referrals/{w.referral.pk}/"),
        lambda w: {"status": "scheduled"},
        method="PATCH",
    ),
    "api.token": Target(
        ANONYMOUS,
        api("/api/v1/auth/token/"),
        lambda w: {"username": w.user(roles.CALL_TAKER).username, "password": PASSWORD},
    ),
    "form.login": Target(
        ANONYMOUS,
        page("login"),
        lambda w: {"username": w.user(roles.CALL_TAKER).username, "password": PASSWORD},
    ),
    "query.calls": Target(
        roles.CALL_TAKER, api("/api/v1/calls/"), lambda w: {"route": "HEART"}, method="GET"
    ),
    "query.dashboards_calls": Target(
        roles.SUPERVISOR,
        page("dashboards_calls"),
        lambda w: {"call_type": "WELFARE_CHECK"},
        method="GET",
    ),
    "query.dashboards_cases": Target(
        roles.SUPERVISOR,
        page("dashboards_cases"),
        lambda w: {"status": "open", "need": "housing"},
        method="GET",
    ),
    "query.audit": Target(
        roles.SUPERVISOR,
        page("audit_log"),
        lambda w: {"action": "login", "since": "2026-03-01"},
        method="GET",
    ),
    "query.directory": Target(
        roles.NAVIGATOR, page("care_navigation:directory"), lambda w: {"q": "shelter"}, method="GET"
    ),
    "form.call_locate": Target(
        roles.DISPATCHER,
        page("dispatch:call_locate", "queued_call.pk"),
        lambda w: {"lat": "35.99", "lon": "-78.9"},
    ),
    "form.context": Target(
        roles.CALL_TAKER,
        page("dispatch:intake_context"),
        lambda w: {
            "address": "101 City Hall Plaza",
            "lat": "35.99",
            "lon": "-78.9",
            "caller_name": "Jordan",
        },
    ),
    "api.notes": Target(
        roles.RESPONDER,
        api("/api/v1/calls/{w.active_call.pk}/notes/"),
        lambda w: {"text": "subject calmer, staying 30 min"},
    ),
    "api.supplements": Target(
        roles.CALL_TAKER,
        api("/api/v1/calls/{w.queued_call.pk}/supplements/"),
        lambda w: {"text": "caller rang back", "callback_number": "919-555-0111"},
    ),
    "api.cancel": Target(
        roles.DISPATCHER,
        api("/api/v1/calls/{w.queued_call.pk}/cancel/"),
        lambda w: {"reason": "caller_hung_up", "text": "no answer"},
    ),
    "api.merge": Target(
        roles.DISPATCHER,
        api("/api/v1/calls/{w.queued_call.pk}/merge/"),
        lambda w: {"into": w.active_call.pk},
    ),
    "api.ccd_resolve": Target(
        roles.CCD_CLINICIAN,
        api("/api/v1/calls/{w.phone_call.pk}/ccd/resolve/"),
        lambda w: {"disposition": "resolved_by_phone"},
    ),
    "api.ccd_convert": Target(
        roles.CCD_CLINICIAN,
        api("/api/v1/calls/{w.phone_call.pk}/ccd/convert/"),
        lambda w: {"reason": "wants a visit", "answers": {"threats": "no"}},
    ),
    "api.safety_plan": Target(
        roles.CCD_CLINICIAN,
        api("/api/v1/people/{w.person.pk}/safety-plan/"),
        lambda w: {
            "warning_signs": "Stops eating",
            "coping_steps": "Walks",
            "based_on_version": w.safety_plan.version,
        },
    ),
    "api.call_safety_plan": Target(
        roles.CCD_CLINICIAN,
        api("/api/v1/calls/{w.phone_call.pk}/safety-plan/"),
        lambda w: {"warning_signs": "Stops eating", "person": {"name": "Ari Bad-Input"}},
    ),
    "api.handoffs": Target(
        roles.POLICE,
        api("/api/v1/handoffs/"),
        lambda w: {
            "reason": "calm now, needs HEART",
            "new_call": {
                "call_type": "TRESPASS",
                "address": "12 Police Way",
                "lat": 35.99,
                "lon": -78.9,
                "answers": dict(ANSWERS),
            },
        },
    ),
    "api.police_arrival": Target(
        roles.DISPATCHER,
        api("/api/v1/calls/{w.active_call.pk}/police-arrival/"),
        lambda w: {"note": "a patrol car pulled up", "unit": w.police_unit.pk},
    ),
    "api.transfer_988": Target(
        roles.DISPATCHER,
        api("/api/v1/calls/{w.queued_call.pk}/transfer-988/"),
        lambda w: {"transfer_988": "warm", "reason": "caller asked"},
    ),
    "form.police_handoff": Target(
        roles.POLICE,
        page("dispatch:police_handoff"),
        lambda w: {
            "target": "HEART",
            "reason": "calm now, needs HEART",
            "call_type": "TRESPASS",
            "address": "12 Police Way",
            "weapon": "no",
            "violence": "no",
        },
    ),
    "form.ccd_resolve": Target(
        roles.CCD_CLINICIAN,
        page("dispatch:ccd_resolve", "phone_call.pk"),
        lambda w: {"disposition": "resolved_by_phone"},
    ),
    "form.safety_plan": Target(
        roles.CCD_CLINICIAN,
        page("care_navigation:safety_plan", "person.pk"),
        lambda w: {"warning_signs": "Stops eating", "based_on": str(w.safety_plan.version)},
    ),
    "form.call_safety_plan": Target(
        roles.CCD_CLINICIAN,
        page("care_navigation:call_safety_plan", "phone_call.pk"),
        lambda w: {"person_name": "Ari Bad-Input", "warning_signs": "Stops eating"},
    ),
    "form.intake": Target(
        roles.CALL_TAKER,
        page("dispatch:intake"),
        lambda w: {
            "call_type": "WELFARE_CHECK",
            "weapon": "no",
            "violence": "no",
            "address": "12 Bad Input Rd",
            "lat": "35.99",
            "lon": "-78.9",
            "received_at": "2026-03-10 14:00",
            "idempotency_key": uuid.uuid4().hex,
        },
    ),
    "form.clear": Target(
        roles.RESPONDER,
        page("dispatch:responder_clear"),
        lambda w: {
            "disposition": "resolved_on_scene",
            f"safe_{w.user(roles.RESPONDER).pk}": "yes",
        },
    ),
    "form.contact": Target(
        roles.NAVIGATOR,
        page("care_navigation:contact_add", "case.pk"),
        lambda w: {"channel": "phone", "reached": "no"},
    ),
    "form.need": Target(
        roles.NAVIGATOR,
        page("care_navigation:need_add", "case.pk"),
        lambda w: {"need": "food", "detail": "no groceries"},
    ),
    "form.referral": Target(
        roles.NAVIGATOR,
        page("care_navigation:referral_add", "case.pk"),
        lambda w: {"need": "housing", "service_name": "Shelter"},
    ),
    "form.note": Target(
        roles.NAVIGATOR,
        page("care_navigation:note_add", "case.pk"),
        lambda w: {"text": "called back"},
    ),
    "form.extend": Target(
        roles.SUPERVISOR,
        page("care_navigation:case_extend", "case.pk"),
        lambda w: {"days": "10", "reason": "intensive support"},
    ),
    "form.referral_status": Target(
        roles.NAVIGATOR,
        page("care_navigation:referral_change", "referral.pk"),
        lambda w: {"status": "scheduled"},
    ),
    "form.case_new": Target(
        roles.NAVIGATOR,
        page("care_navigation:case_new"),
        lambda w: {
            "call": str(w.phone_call.pk),
            "needs": ["food"],
            "consent": "on",
            "person_name": "Ari Bad-Input",
        },
    ),
    "form.rule_edit": Target(
        roles.SUPERVISOR,
        page("triage:rule_edit", "draft.version"),
        lambda w: {
            "rule": "R8-community",
            **RuleForm.initial_for(next(r for r in w.draft.rules if r["id"] == "R8-community")),
        },
    ),
    "form.rule_add": Target(
        roles.SUPERVISOR,
        page("triage:rule_add", "draft.version"),
        lambda w: {
            "rule_id": "R0-new",
            "route": "POLICE",
            "priority": "P1",
            "when": '{"call_type": ["SHOTS_FIRED"]}',
            "before": "R1-fire",
        },
    ),
}


def _resolve(w: World, value: Any) -> Any:
    """ "@spare_unit" -> that unit's id; "safe_@responder" -> "safe_<the responder's id>"."""
    if isinstance(value, str) and "@" in value:
        head, _, attr = value.partition("@")
        obj = w.user(attr) if attr in roles.ROLES else getattr(w, attr)
        return f"{head}{obj.pk}" if head else obj.pk
    return value


def _replace(body: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node: Any = body
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = int(parts[-1]) if isinstance(node, list) else parts[-1]
    if value is REMOVE:
        node.pop(last, None)
    else:
        node[last] = value


def send(w: World, target: Target, body: dict[str, Any] | Raw, headers: dict[str, str]) -> Any:
    client = Client()
    if target.role != ANONYMOUS:
        client.force_login(w.user(target.role))
    url = target.url(w)
    if target.method == "GET":
        assert not isinstance(body, Raw)
        return client.get(url, body, headers=headers)
    if target.api:
        data = body if isinstance(body, Raw) else json.dumps(body)
        return client.generic(
            target.method, url, data, content_type="application/json", headers=headers
        )
    return client.post(url, body, headers=headers)


def _keys(errors: Any) -> set[str]:
    """Every key of an API error body, dotted service keys split ("referral.needs")."""
    found: set[str] = set()
    if isinstance(errors, dict):
        for key, value in errors.items():
            found |= set(str(key).split("."))
            found |= _keys(value)
    elif isinstance(errors, list):
        for item in errors:
            found |= _keys(item)
    return found


def _forms(context: Any) -> list[forms.Form]:
    """The forms a page rendered, wherever its context keeps them."""
    found: list[forms.Form] = []

    def visit(value: Any, depth: int = 0) -> None:
        if isinstance(value, forms.BaseForm):
            found.append(value)  # type: ignore[arg-type]
        elif depth < 3 and isinstance(value, dict):
            for item in value.values():
                visit(item, depth + 1)
        elif depth < 3 and isinstance(value, list | tuple):
            for item in value:
                visit(item, depth + 1)

    for layer in context:
        for value in layer.dicts if hasattr(layer, "dicts") else [layer]:
            visit(value)
    return found


def form_errors(response: Any) -> dict[str, list[str]]:
    """The errors by field of the forms a page rendered, or of the refusal of input no field
    takes (web/input_guard.py), which comes before any form."""
    errors: dict[str, list[str]] = {}
    for form in _forms(response.context or []):
        for name, messages in form.errors.items():
            errors.setdefault(name, []).extend(str(m) for m in messages)
    for layer in response.context or []:
        for value in layer.dicts if hasattr(layer, "dicts") else [layer]:
            if isinstance(value, dict) and isinstance(value.get("input_errors"), dict):
                errors.update(value["input_errors"])
    return errors


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_it_accepts_each_targets_good_input(world_per_test: World, target: str) -> None:
    """The control: the bodies the corpus starts from are accepted, so a refusal below is
    the bad field's doing."""
    w = world_per_test
    response = send(w, TARGETS[target], TARGETS[target].body(w), _headers(TARGETS[target]))
    assert response.status_code in (200, 201, 302), response.content.decode()[:1500]
    if response.status_code == 302:
        assert not response["Location"].startswith("/accounts/login/")


def _headers(target: Target) -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex} if target.idempotent else {}


def test_it_has_a_corpus_of_fifty_or_more_bad_inputs() -> None:
    assert len(CORPUS) + len(CSV_CORPUS) >= 50
    assert {bad.target for bad in CORPUS} == set(TARGETS)
    assert len({bad.id for bad in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("bad", CORPUS, ids=[bad.id for bad in CORPUS])
def test_it_refuses_a_bad_input_by_field_and_changes_nothing(
    world_per_test: World, bad: Bad
) -> None:
    w = world_per_test
    target = TARGETS[bad.target]
    body = copy.deepcopy(target.body(w))
    headers = _headers(target)
    field, named = _resolve(w, bad.field), _resolve(w, bad.name)
    sent: dict[str, Any] | Raw = body
    if isinstance(bad.value, Raw):
        sent = bad.value
    elif field == "Idempotency-Key":
        _replace(headers, field, bad.value)
    else:
        _replace(body, field, _resolve(w, bad.value))
    before = snapshot()

    response = send(w, target, sent, headers)

    text = response.content.decode("utf-8", errors="replace")
    # 409: a unit already on a call ("unit already assigned", named like a 400's field).
    assert response.status_code in (400, 409), (response.status_code, text[:1500])
    if target.api:
        errors = response.json()
        assert named in _keys(errors), errors
    else:
        errors = form_errors(response)
        assert named in errors or any(named in m for m in errors.get("__all__", [])), errors
        assert "<script>alert(1)</script>" not in text
    assert snapshot() == before


# The command-line imports.


@pytest.fixture
def stored(world_per_test: World) -> World:
    """The world, with the sample HSDS directory imported: rows a bad import must leave."""
    call_command("import_hsds", str(HSDS), stdout=StringIO())
    call_command("import_addresses", str(ADDRESSES), "--source", "bad", stdout=StringIO())
    call_command("import_zones", str(ZONES), "--name-property", "BEAT", stdout=StringIO())
    return world_per_test


@pytest.mark.parametrize("bad", CSV_CORPUS, ids=[bad.id for bad in CSV_CORPUS])
def test_it_refuses_a_bad_import_row_by_field_and_changes_nothing(
    stored: World, bad: BadRow, tmp_path: Path
) -> None:
    before = snapshot()
    message = _import(bad, tmp_path)
    assert bad.named in message, message
    assert snapshot() == before


def _import(bad: BadRow, tmp_path: Path) -> str:
    """Run the command on the bad input; return what it said about it."""
    out = StringIO()
    if bad.tool == "import_calls":
        source = tmp_path / "calls.csv"
        source.write_text(f"{DURHAM_HEADER}\n{bad.content}\n", encoding="utf-8")
        rejects = tmp_path / "rejects.csv"
        arguments = ["--profile", "durham", "--rejects", str(rejects)]
        call_command("import_calls", str(source), *arguments, stdout=out)
        assert "imported: 0" in out.getvalue() and "rejected: 1" in out.getvalue()
        with rejects.open(newline="", encoding="utf-8") as handle:
            (row,) = list(csv.DictReader(handle))
        return row["reason"]
    if bad.tool == "import_calls_mapping":
        source = tmp_path / "calls.csv"
        source.write_text(f"{DURHAM_HEADER}\n\n", encoding="utf-8")
        mapping = tmp_path / "mapping.toml"
        mapping.write_text(bad.content, encoding="utf-8")
        with pytest.raises(CommandError) as refused:
            call_command("import_calls", str(source), "--mapping", str(mapping), stdout=out)
        return str(refused.value)
    if bad.tool == "triage_replay":
        source, output = tmp_path / "in.csv", tmp_path / "out.csv"
        source.write_text(f"{REPLAY_HEADER}\n{bad.content}\n", encoding="utf-8")
        with pytest.raises(CommandError, match="could not be triaged"):
            call_command("triage_replay", str(source), str(output), stdout=out)
        with output.open(newline="", encoding="utf-8") as handle:
            (row,) = list(csv.DictReader(handle))
        assert not row["route"]
        return row["error"]
    if bad.tool in ("import_addresses", "import_zones"):
        source = tmp_path / "file"
        header = ADDRESSES.read_text().splitlines()[0] + "\n"
        content = header + bad.content if bad.tool == "import_addresses" else bad.content
        source.write_bytes(content.encode(bad.encoding))
        arguments = (
            ["--source", "bad"] if bad.tool == "import_addresses" else ["--name-property", "BEAT"]
        )
        with pytest.raises(CommandError) as refused:
            call_command(bad.tool, str(source), *arguments, stdout=out)
        return str(refused.value)
    assert bad.tool == "import_hsds"
    folder = tmp_path / "hsds"
    shutil.copytree(HSDS, folder)
    (folder / "data" / "services.csv").write_text(bad.content, encoding="utf-8")
    call_command("import_hsds", str(folder), stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "rejected 1:" in line]
    assert len(lines) == 1, out.getvalue()
    return lines[0]
