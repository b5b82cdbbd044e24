"""Who may do what: every URL of the console and the API against every role and anonymous.

The table below is the access policy (README "Roles", docs/domain.md sections 2 and 7). A row is
one URL name with its method, how to build its arguments and body from the world of
tests/security/conftest.py, and the roles allowed. Allowed roles succeed (a 2xx, or a redirect
to a page other than the login after a POST); the others are refused: anonymous users are sent
to the login page (pages) or get 401/403 (API), signed-in users get 403, or 404 where an object
rule hides the object's existence (a navigator asking for another navigator's case). No refusal
carries a secret of the world, and case notes and substance-use details never reach anyone but
the case's navigator and supervisors, allowed or not.

A URL that is added without a row here fails test_it_covers_every_url_of_the_project.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from access import roles
from interop.eido_schema import SCHEMA_FILE
from tests.factories import PASSWORD
from tests.security.conftest import (
    ALL_SECRETS,
    ANONYMOUS,
    CASE_SECRETS,
    OTHER_CASE_SECRETS,
    OTHER_PLAN_SECRETS,
    OUTSIDER,
    PLAN_SECRETS,
    ROLES,
    World,
)
from triage.forms import RuleForm

CT = roles.CALL_TAKER
DI = roles.DISPATCHER
RE = roles.RESPONDER
CCD = roles.CCD_CLINICIAN
NAV = roles.NAVIGATOR
SUP = roles.SUPERVISOR
ADM = roles.ADMIN
PA = roles.PARTNER
POL = roles.POLICE

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()


def roles_(*names: str) -> frozenset[str]:
    return frozenset(names)


Args = Callable[[World], list[Any]]
Body = Callable[[World, str], Any]


def no_args(world: World) -> list[Any]:
    return []


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    allowed: frozenset[str]
    args: Args = no_args
    data: Body | None = None
    query: str = ""
    api: bool = False
    headers: Callable[[World], dict[str, str]] | None = None
    # Statuses an allowed role may get; default: 200 for a read, 200/201 for an API write,
    # a redirect (not to the login page) for a page's POST.
    ok: frozenset[int] = frozenset()
    # Roles refused otherwise than by 403 (object rules): role -> status.
    refused: dict[str, int] = field(default_factory=dict)
    admin: bool = False
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}{'[' + self.label + ']' if self.label else ''} {self.method}"


def case_of(attr: str) -> Args:
    return lambda w: [getattr(w, attr).pk]


def obj(attr: str) -> Args:
    return lambda w: [getattr(w, attr).pk]


def const(body: dict[str, Any]) -> Body:
    return lambda w, role: body


def _rule_form(w: World, rule_id: str) -> dict[str, str]:
    rule = next(r for r in w.draft.rules if r["id"] == rule_id)
    return {"rule": rule_id, **RuleForm.initial_for(rule)}


def _token_body(w: World, role: str) -> dict[str, str]:
    user = w.user(role) or w.user(OUTSIDER)  # anonymous signs in with someone's password
    return {"username": user.username, "password": PASSWORD}


def _clear_body(w: World, role: str) -> dict[str, Any]:
    return {
        "disposition": "resolved_on_scene",
        "unit": w.heart_unit.pk,
        "felt_safe": [{"responder": w.user(RE).pk, "safe": True}],
    }


def _eido_body(w: World, role: str) -> dict[str, Any]:
    """NENA's sample call-transfer EIDO, with an incident id of the role's own."""
    sample = json.loads(EIDO_SAMPLE.read_text())
    sample["$id"] = f"urn:emergency:uid:incidentid:matrix-{role}:matrix.ecc"
    return sample


def _shift_form(w: World, role: str) -> dict[str, Any]:
    # The day after the world's: the responder's shift of the world is on the matrix's day.
    return {
        "unit": w.spare_unit.pk,
        "responder": w.user(RE).pk,
        "day": "2026-03-11",
        "start": "07:00",
        "end": "19:00",
    }


def _shift_api(w: World, role: str) -> dict[str, Any]:
    return {
        "unit": w.spare_unit.pk,
        "responder": w.user(RE).pk,
        "starts_at": "2026-03-12T07:00:00-04:00",
        "ends_at": "2026-03-12T19:00:00-04:00",
    }


def _idempotency(w: World) -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


EIDO_SAMPLE = SCHEMA_FILE.parent / "sample-call-transfer.json"
CALL_READERS = roles_(CT, DI, CCD, SUP)
NOTE_WRITERS = roles_(CT, DI, SUP)  # notes and supplements; responders add notes from My unit
DISPATCH = roles_(DI, SUP)
CARE = roles_(NAV, SUP)
NOT_YOURS = {NAV: 404}  # another navigator's case: its existence is not the navigator's to know
# The person's safety plan: CCD, supervisors, their navigator, the team on their call (reads).
PLAN_READERS = roles_(CCD, SUP, NAV, RE)
PLAN_WRITERS = roles_(CCD, SUP, NAV)
ANY_PLAN = roles_(CCD, SUP)  # whoever's plan, and a call about no one known yet
NOT_THEIRS = {NAV: 404, RE: 404}  # another person's plan: not theirs to know it exists
READ_ONLY = {RE: 403}  # the team on the call reads the plan, never writes it


def _plan_body(attr: str) -> Body:
    return lambda w, role: {
        "warning_signs": f"written in the matrix as {role}",
        "based_on": str(getattr(w, attr).version),
    }


def _plan_api_body(attr: str) -> Body:
    return lambda w, role: {
        "warning_signs": f"written in the matrix as {role}",
        "based_on_version": getattr(w, attr).version,
    }


MATRIX: list[Row] = [
    # heart: overview, health, audit log, sign-in and out
    Row("home", "GET", SIGNED_IN),
    Row("healthz", "GET", EVERYONE),
    Row("favicon", "GET", EVERYONE, ok=frozenset({301})),
    Row("audit_log", "GET", roles_(SUP)),
    Row("interop:deliveries", "GET", roles_(SUP, ADM)),
    Row("interop:deliveries", "GET", roles_(SUP, ADM), query="?status=dead", label="dead"),
    Row("audit_log", "GET", roles_(SUP), query="?outcome=denied&since=2026-03-01", label="search"),
    Row("login", "GET", EVERYONE),
    # Signing out always lands on the login page: that is its success, for everyone.
    Row("logout", "POST", EVERYONE, ok=frozenset({302})),
    Row(
        "logout",
        "POST",
        EVERYONE,
        ok=frozenset({302}),
        data=const({"revoke_tokens": "1"}),
        label="revoking the API token",
    ),
    # Everyone's own account page and API token.
    Row("account", "GET", SIGNED_IN),
    Row("account_token_revoke", "POST", SIGNED_IN),
    # dashboards: supervisors only
    Row("dashboards", "GET", roles_(SUP)),
    Row("dashboards_export", "GET", roles_(SUP), args=lambda w: ["routes"]),
    Row("dashboards_calls", "GET", roles_(SUP)),
    Row("dashboards_calls_csv", "GET", roles_(SUP)),
    Row("dashboards_gpl_csv", "GET", roles_(SUP)),
    Row("dashboards_cases", "GET", roles_(SUP)),
    Row("dashboards_cases_csv", "GET", roles_(SUP)),
    Row("dashboards_staffing", "GET", roles_(SUP)),
    Row("dashboards_staffing_csv", "GET", roles_(SUP)),
    # dispatch: intake
    Row("dispatch:intake", "GET", roles_(CT)),
    Row(
        "dispatch:intake",
        "POST",
        roles_(CT),
        data=lambda w, role: {
            "call_type": "WELFARE_CHECK",
            "weapon": "no",
            "violence": "no",
            "address": "12 Matrix St",
            "idempotency_key": uuid.uuid4().hex,
        },
    ),
    Row(
        "dispatch:intake_recommend",
        "POST",
        roles_(CT),
        data=const({"call_type": "WELFARE_CHECK", "weapon": "no", "violence": "no"}),
        ok=frozenset({200}),
    ),
    Row(
        "dispatch:intake_context",
        "POST",
        roles_(CT),
        data=lambda w, role: {"address": "101 City Hall Plaza", "person_id": w.person.pk},
        ok=frozenset({200}),
    ),
    # dispatch: board and call page
    Row("dispatch:board", "GET", DISPATCH),
    # The call page: whoever reads calls (a call-taker opens the calls they took); the
    # actions on it are each their own row.
    Row("dispatch:call", "GET", CALL_READERS, args=obj("queued_call")),
    Row("dispatch:my_calls", "GET", roles_(CT)),
    Row(
        "dispatch:note",
        "POST",
        NOTE_WRITERS,
        args=obj("queued_call"),
        data=const({"text": "caller rang again"}),
    ),
    Row(
        "dispatch:supplement",
        "POST",
        NOTE_WRITERS,
        args=obj("queued_call"),
        data=const({"text": "he left toward the park", "address": "1 Park Ave"}),
    ),
    Row(
        "dispatch:cancel",
        "POST",
        DISPATCH,
        args=obj("queued_call"),
        data=const({"reason": "caller_hung_up"}),
    ),
    Row(
        "dispatch:merge",
        "POST",
        DISPATCH,
        args=obj("queued_call"),
        data=lambda w, role: {"into": w.active_call.pk},
    ),
    Row(
        "dispatch:alert_ack",
        "POST",
        DISPATCH,
        args=obj("queued_call"),
        data=const({"kind": "overdue", "next": "board"}),
    ),
    Row(
        "dispatch:assign",
        "POST",
        DISPATCH,
        args=obj("queued_call"),
        data=lambda w, role: {"unit": w.spare_unit.pk},
    ),
    Row(
        "dispatch:reassign",
        "POST",
        DISPATCH,
        args=obj("active_call"),
        data=lambda w, role: {"from_unit": w.heart_unit.pk, "unit": w.spare_unit.pk},
    ),
    Row("dispatch:hold", "POST", DISPATCH, args=obj("queued_call")),
    Row(
        "dispatch:fall_back",
        "POST",
        DISPATCH,
        args=obj("queued_call"),
        data=const({"confirm": "yes"}),
    ),
    # The spare HEART unit is available: the confirm step (a page), not a fallback.
    Row(
        "dispatch:fall_back",
        "POST",
        DISPATCH,
        args=obj("queued_call"),
        ok=frozenset({200}),
        label="units available",
    ),
    Row(
        "dispatch:handoff",
        "POST",
        DISPATCH,
        args=obj("queued_call"),
        data=const({"reason": "police asked HEART to take it"}),
    ),
    Row(
        "dispatch:transfer_988",
        "POST",
        DISPATCH,
        args=obj("queued_call"),
        data=const({"transfer_988": "warm", "reason": "caller asked for 988"}),
    ),
    Row(
        "dispatch:police_arrived",
        "POST",
        DISPATCH,
        args=obj("active_call"),
        data=lambda w, role: {"unit": w.police_unit.pk, "note": "patrol stopped by"},
    ),
    # dispatch: police asking the department to take a call
    Row("dispatch:police_handoff", "GET", roles_(POL)),
    Row(
        "dispatch:police_handoff",
        "POST",
        roles_(POL),
        data=const(
            {
                "target": "HEART",
                "reason": "calm now, needs HEART",
                "call_type": "TRESPASS",
                "address": "12 Police Way",
                "weapon": "no",
                "violence": "no",
            }
        ),
    ),
    Row(
        "dispatch:backup",
        "POST",
        DISPATCH,
        args=obj("active_call"),
        data=lambda w, role: {"unit": w.heart_unit.pk, "reason": "crowd gathering"},
    ),
    Row(
        "dispatch:call_locate",
        "POST",
        DISPATCH,
        args=obj("queued_call"),
        data=const({"lat": "35.99", "lon": "-78.9"}),
    ),
    Row(
        "dispatch:unit_status",
        "POST",
        DISPATCH,
        args=obj("spare_unit"),
        data=const({"status": "out_of_service"}),
    ),
    # dispatch: the shift roster (dispatchers and admins read it, supervisors edit it)
    Row("dispatch:roster", "GET", roles_(DI, SUP, ADM)),
    Row("dispatch:roster_shift_add", "POST", roles_(SUP), data=_shift_form),
    Row("dispatch:roster_shift_remove", "POST", roles_(SUP), args=obj("shift")),
    # dispatch: CCD queue
    Row("dispatch:ccd_queue", "GET", roles_(CCD, SUP)),
    Row(
        "dispatch:ccd_resolve",
        "POST",
        roles_(CCD, SUP),
        args=obj("phone_call"),
        data=const({"disposition": "resolved_by_phone"}),
    ),
    Row(
        "dispatch:ccd_convert",
        "POST",
        roles_(CCD, SUP),
        args=obj("phone_call"),
        data=const({"reason": "the caller wants someone to come"}),
    ),
    # care navigation: safety plans, from the CCD queue, the call page, the responder's view
    # and the case page
    Row("care_navigation:safety_plan", "GET", PLAN_READERS, args=obj("person")),
    Row(
        "care_navigation:safety_plan",
        "GET",
        PLAN_READERS,
        args=obj("person"),
        query="?version=1",
        label="a version",
    ),
    Row(
        "care_navigation:safety_plan",
        "POST",
        PLAN_WRITERS,
        args=obj("person"),
        data=_plan_body("safety_plan"),
        refused=READ_ONLY,
    ),
    Row(
        "care_navigation:safety_plan",
        "GET",
        ANY_PLAN,
        args=obj("other_person"),
        refused=NOT_THEIRS,
        label="another person's",
    ),
    Row(
        "care_navigation:safety_plan",
        "POST",
        ANY_PLAN,
        args=obj("other_person"),
        data=_plan_body("other_plan"),
        refused=NOT_THEIRS,
        label="another person's",
    ),
    # A call about the person goes to their plan; a call about no one known to a first plan.
    Row(
        "care_navigation:call_safety_plan",
        "GET",
        PLAN_READERS,
        args=obj("active_call"),
        ok=frozenset({302}),
    ),
    Row(
        "care_navigation:call_safety_plan",
        "GET",
        ANY_PLAN,
        args=obj("phone_call"),
        refused=NOT_THEIRS,
        label="nobody known",
    ),
    Row(
        "care_navigation:call_safety_plan",
        "POST",
        ANY_PLAN,
        args=obj("phone_call"),
        data=const({"person_name": "Matrix Caller", "warning_signs": "written in the matrix"}),
        refused=NOT_THEIRS,
        label="nobody known",
    ),
    # dispatch: the responder's phone
    Row("dispatch:responder", "GET", roles_(RE)),
    # The responder app's service worker: code, no data (it is checked for updates signed out).
    Row("dispatch:responder_worker", "GET", EVERYONE),
    Row("dispatch:responder_status", "POST", roles_(RE), data=const({"status": "on_scene"})),
    Row("dispatch:responder_backup", "POST", roles_(RE), data=const({"reason": "a knife shown"})),
    Row("dispatch:responder_note", "POST", roles_(RE), data=const({"text": "subject calmer"})),
    Row(
        "dispatch:responder_police_arrived",
        "POST",
        roles_(RE),
        data=const({"note": "a patrol car pulled up"}),
    ),
    Row(
        "dispatch:responder_clear",
        "POST",
        roles_(RE),
        data=lambda w, role: {
            "disposition": "resolved_on_scene",
            f"safe_{w.user(RE).pk}": "yes",
        },
    ),
    # triage: rule sets
    Row("triage:rulesets", "GET", roles_(SUP)),
    Row("triage:ruleset_create", "POST", roles_(SUP), data=const({"description": "next"})),
    Row("triage:ruleset", "GET", roles_(SUP), args=lambda w: [w.draft.version]),
    Row(
        "triage:ruleset",
        "GET",
        roles_(SUP),
        args=lambda w: [w.draft.version],
        query="?days=30",
        label="what-if",
    ),
    Row(
        "triage:rule_edit",
        "POST",
        roles_(SUP),
        args=lambda w: [w.draft.version],
        data=lambda w, role: {**_rule_form(w, "R8-community"), "note": "edited in the matrix"},
    ),
    Row(
        "triage:rule_add",
        "POST",
        roles_(SUP),
        args=lambda w: [w.draft.version],
        data=const(
            {
                "rule_id": "R0-matrix",
                "route": "POLICE",
                "priority": "P1",
                "when": '{"call_type": ["SHOTS_FIRED"]}',
                "before": "R1-fire",
            }
        ),
    ),
    Row(
        "triage:rule_move",
        "POST",
        roles_(SUP),
        args=lambda w: [w.draft.version],
        data=const({"rule": "R7-phone", "direction": "up"}),
    ),
    Row(
        "triage:rule_delete",
        "POST",
        roles_(SUP),
        args=lambda w: [w.draft.version],
        data=const({"rule": "R7-phone"}),
    ),
    Row("triage:ruleset_publish", "POST", roles_(SUP), args=lambda w: [w.draft.version]),
    # care navigation: the navigator's own case
    Row("care_navigation:caseload", "GET", CARE),
    Row("care_navigation:case_new", "GET", CARE),
    Row(
        "care_navigation:case_new",
        "POST",
        CARE,
        data=lambda w, role: {
            "call": w.queued_call.pk,
            "needs": ["food"],
            "consent": "on",
            "person_name": "New Person",
        },
    ),
    Row("care_navigation:case", "GET", CARE, args=case_of("case")),
    Row(
        "care_navigation:contact_add",
        "POST",
        CARE,
        args=case_of("case"),
        data=const({"channel": "phone", "reached": "no"}),
    ),
    Row(
        "care_navigation:need_add",
        "POST",
        CARE,
        args=case_of("case"),
        data=const({"need": "food", "detail": "no groceries"}),
    ),
    Row(
        "care_navigation:referral_add",
        "POST",
        CARE,
        args=case_of("case"),
        data=const({"need": "housing", "service_name": "Shelter"}),
    ),
    Row(
        "care_navigation:note_add",
        "POST",
        CARE,
        args=case_of("case"),
        data=const({"text": "called back"}),
    ),
    Row(
        "care_navigation:case_extend",
        "POST",
        roles_(SUP),
        args=case_of("case"),
        data=const({"days": "10", "reason": "intensive support"}),
    ),
    Row(
        "care_navigation:case_assign",
        "POST",
        roles_(SUP),
        args=case_of("case"),
        data=lambda w, role: {"navigator": w.other_navigator.pk},
    ),
    Row("care_navigation:case_claim", "POST", CARE, args=case_of("unassigned_case")),
    Row(
        "care_navigation:need_request_decide",
        "POST",
        CARE,
        args=lambda w: [w.case.pk, w.need_request.pk],
        data=const({"decision": "accept"}),
    ),
    Row(
        "care_navigation:person_confirm",
        "POST",
        CARE,
        args=case_of("case"),
        data=const({"action": "keep"}),
    ),
    Row(
        "care_navigation:referral_change",
        "POST",
        CARE,
        args=obj("referral"),
        data=const({"status": "scheduled"}),
    ),
    Row("care_navigation:directory", "GET", CARE),
    Row(
        "care_navigation:directory",
        "GET",
        CARE,
        query="?need=housing&q=shelter",
        label="search",
    ),
    Row("care_navigation:notifications", "GET", CARE),
    Row("care_navigation:notifications_read", "POST", CARE, data=const({"all": "1"})),
    # The header's badge: a count of one's own notifications, zero for everyone else.
    Row("care_navigation:notification_badge", "GET", SIGNED_IN),
    # care navigation: another navigator's case (object rules)
    Row(
        "care_navigation:case",
        "GET",
        roles_(SUP),
        args=case_of("other_case"),
        refused=NOT_YOURS,
        label="another navigator's",
    ),
    Row(
        "care_navigation:note_add",
        "POST",
        roles_(SUP),
        args=case_of("other_case"),
        data=const({"text": "not my case"}),
        refused=NOT_YOURS,
        label="another navigator's",
    ),
    Row(
        "care_navigation:contact_add",
        "POST",
        roles_(SUP),
        args=case_of("other_case"),
        data=const({"channel": "phone", "reached": "no"}),
        refused=NOT_YOURS,
        label="another navigator's",
    ),
    Row(
        "care_navigation:referral_change",
        "POST",
        roles_(SUP),
        args=obj("other_referral"),
        data=const({"status": "scheduled"}),
        refused=NOT_YOURS,
        label="another navigator's",
    ),
    Row(
        "care_navigation:need_request_decide",
        "POST",
        roles_(SUP),
        args=lambda w: [w.other_case.pk, w.other_need_request.pk],
        data=const({"decision": "decline"}),
        refused=NOT_YOURS,
        label="another navigator's",
    ),
    Row(
        "care_navigation:directory",
        "GET",
        roles_(SUP),
        query="?case={other_case}",
        refused=NOT_YOURS,
        label="near another navigator's case",
    ),
    # API: the root, the signed-in user, tokens, the schema
    Row("api-root", "GET", SIGNED_IN, api=True),
    Row("api-me", "GET", SIGNED_IN, api=True),
    Row("api-token", "POST", EVERYONE, api=True, data=_token_body),
    Row("api-schema", "GET", SIGNED_IN, api=True),
    Row("api-docs", "GET", SIGNED_IN, api=True),
    # API: calls, units, board
    Row("api-calls", "GET", CALL_READERS, api=True),
    Row(
        "api-calls",
        "POST",
        roles_(CT),
        api=True,
        headers=_idempotency,
        data=const(
            {
                "call_type": "WELFARE_CHECK",
                "address": "12 Matrix St",
                "answers": {"weapon": "no", "violence": "no"},
            }
        ),
    ),
    Row("api-call", "GET", CALL_READERS, api=True, args=obj("queued_call")),
    Row("api-call-eido", "GET", CALL_READERS, api=True, args=obj("active_call")),
    Row("api-eido", "POST", roles_(PA), api=True, data=_eido_body),
    Row(
        "api-call-assign",
        "POST",
        DISPATCH,
        api=True,
        args=obj("queued_call"),
        data=lambda w, role: {"unit": w.spare_unit.pk},
    ),
    # The call after intake (docs/calls.md). The responder's unit is on active_call.
    Row(
        "api-call-notes",
        "POST",
        roles_(CT, DI, SUP, RE),
        api=True,
        args=obj("active_call"),
        data=const({"text": "subject calmer, staying 30 min"}),
        headers=_idempotency,
    ),
    Row(
        "api-call-notes",
        "POST",
        NOTE_WRITERS,
        api=True,
        args=obj("queued_call"),
        data=const({"text": "not the responder's call"}),
        label="another unit's call",
    ),
    Row(
        "api-call-supplements",
        "POST",
        NOTE_WRITERS,
        api=True,
        args=obj("queued_call"),
        data=const({"text": "callback: he has a dog", "callback_number": "919-555-0111"}),
    ),
    Row(
        "api-call-cancel",
        "POST",
        DISPATCH,
        api=True,
        args=obj("queued_call"),
        data=const({"reason": "no_response_needed"}),
    ),
    Row(
        "api-call-merge",
        "POST",
        DISPATCH,
        api=True,
        args=obj("queued_call"),
        data=lambda w, role: {"into": w.active_call.pk},
    ),
    Row(
        "api-call-alert-ack",
        "POST",
        DISPATCH,
        api=True,
        args=obj("queued_call"),
        data=const({"kind": "overdue"}),
    ),
    Row(
        "api-call-clear",
        "POST",
        roles_(DI, SUP, RE),
        api=True,
        args=obj("active_call"),
        data=_clear_body,
    ),
    Row(
        "api-call-backup",
        "POST",
        roles_(DI, SUP, RE),
        api=True,
        args=obj("active_call"),
        data=lambda w, role: {"reason": "a knife shown", "unit": w.heart_unit.pk},
    ),
    Row(
        "api-call-reassign",
        "POST",
        roles_(DI, SUP),
        api=True,
        args=obj("active_call"),
        data=lambda w, role: {"from_unit": w.heart_unit.pk, "unit": w.spare_unit.pk},
    ),
    # Admins keep the units (dispatch.view_unit), so they may list them too.
    Row("api-units", "GET", roles_(DI, SUP, RE, ADM), api=True),
    Row(
        "api-unit-status",
        "POST",
        roles_(DI, SUP, RE),
        api=True,
        args=obj("heart_unit"),
        data=const({"status": "en_route"}),
    ),
    # A responder moves their own unit only.
    Row(
        "api-unit-status",
        "POST",
        roles_(DI, SUP),
        api=True,
        args=obj("spare_unit"),
        data=const({"status": "out_of_service"}),
        label="another unit",
    ),
    Row(
        "api-call-clear",
        "POST",
        roles_(DI, SUP),
        api=True,
        args=obj("queued_call"),
        data=lambda w, role: {"disposition": "resolved_on_scene", "unit": w.spare_unit.pk},
        ok=frozenset({400}),  # the spare unit is not on that call: refused by field, not by role
        label="another unit",
    ),
    # Positions: a responder their own unit's; dispatchers and supervisors any unit's.
    Row(
        "api-unit-position",
        "POST",
        roles_(DI, SUP, RE),
        api=True,
        args=obj("heart_unit"),
        data=const({"lat": 35.996, "lon": -78.901, "accuracy_m": 10}),
    ),
    Row(
        "api-unit-position",
        "POST",
        roles_(DI, SUP),
        api=True,
        args=obj("spare_unit"),
        data=const({"lat": 35.996, "lon": -78.901}),
        label="another unit",
    ),
    Row("api-board", "GET", DISPATCH, api=True),
    # API: the shift roster
    Row("api-roster", "GET", roles_(DI, SUP, ADM), api=True),
    Row("api-roster", "POST", roles_(SUP), api=True, data=_shift_api),
    Row(
        "api-roster-shift", "DELETE", roles_(SUP), api=True, args=obj("shift"), ok=frozenset({204})
    ),
    # API: places (issue 13): whoever takes, dispatches or answers calls looks them up.
    Row("api-geocode", "GET", CALL_READERS | roles_(RE), api=True, query="?q=12+Matrix+St"),
    Row("api-basemap", "GET", CALL_READERS | roles_(RE), api=True),
    Row(
        "api-call-location",
        "POST",
        DISPATCH,
        api=True,
        args=obj("queued_call"),
        data=const({"lat": 35.99, "lon": -78.9}),
    ),
    # API: the phone line
    Row("api-ccd-queue", "GET", roles_(CCD, SUP), api=True),
    Row(
        "api-call-ccd-resolve",
        "POST",
        roles_(CCD, SUP),
        api=True,
        args=obj("phone_call"),
        data=const({"disposition": "transferred_to_988", "transfer_988": "warm"}),
    ),
    Row(
        "api-call-ccd-convert",
        "POST",
        roles_(CCD, SUP),
        api=True,
        args=obj("phone_call"),
        data=const({"reason": "the caller wants someone to come"}),
    ),
    # API: police and 988
    Row(
        "api-handoffs",
        "POST",
        roles_(POL),
        api=True,
        data=const(
            {
                "reason": "calm now, needs HEART",
                "new_call": {
                    "call_type": "TRESPASS",
                    "address": "12 Police Way",
                    "answers": {"weapon": "no", "violence": "no"},
                },
            }
        ),
    ),
    Row(
        "api-call-police-arrival",
        "POST",
        roles_(DI, SUP, RE),
        api=True,
        args=obj("active_call"),
        data=const({"note": "a patrol car pulled up"}),
    ),
    Row(
        "api-call-transfer-988",
        "POST",
        DISPATCH,
        api=True,
        args=obj("queued_call"),
        data=const({"transfer_988": "cold"}),
    ),
    # API: safety plans
    Row("api-person-safety-plan", "GET", PLAN_READERS, api=True, args=obj("person")),
    Row(
        "api-person-safety-plan",
        "POST",
        PLAN_WRITERS,
        api=True,
        args=obj("person"),
        data=_plan_api_body("safety_plan"),
        refused=READ_ONLY,
    ),
    Row(
        "api-person-safety-plan",
        "GET",
        ANY_PLAN,
        api=True,
        args=obj("other_person"),
        refused=NOT_THEIRS,
        label="another person's",
    ),
    Row("api-call-safety-plan", "GET", PLAN_READERS, api=True, args=obj("active_call")),
    Row(
        "api-call-safety-plan",
        "POST",
        ANY_PLAN,
        api=True,
        args=obj("phone_call"),
        data=const({"warning_signs": "written in the matrix", "person": {"name": "Matrix Caller"}}),
        refused=NOT_THEIRS,
        label="nobody known",
    ),
    # API: triage
    Row(
        "api-triage-evaluate",
        "POST",
        roles_(CT, DI, SUP),
        api=True,
        data=const({"call_type": "WELFARE_CHECK", "answers": {"weapon": "no", "violence": "no"}}),
    ),
    Row("api-triage-rulesets", "GET", roles_(SUP), api=True),
    Row("api-export-calls-gpl", "GET", roles_(SUP), api=True),
    # API: care navigation
    Row("api-cases", "GET", CARE, api=True),
    Row(
        "api-cases",
        "POST",
        CARE,
        api=True,
        data=lambda w, role: {
            "call": w.queued_call.pk,
            "needs": ["food"],
            "consent": True,
            "person_name": "New Person",
        },
    ),
    Row("api-case", "GET", CARE, api=True, args=case_of("case")),
    Row(
        "api-case-contacts",
        "POST",
        CARE,
        api=True,
        args=case_of("case"),
        data=const({"channel": "phone", "reached": False}),
    ),
    Row(
        "api-case-referrals",
        "POST",
        CARE,
        api=True,
        args=case_of("case"),
        data=const({"need": "housing", "service_name": "Shelter"}),
    ),
    Row(
        "api-referral",
        "PATCH",
        CARE,
        api=True,
        args=obj("referral"),
        data=const({"status": "scheduled"}),
    ),
    Row("api-notifications", "GET", CARE, api=True),
    Row("api-notifications-read", "POST", CARE, api=True, data=const({"all": True})),
    Row(
        "api-case",
        "GET",
        roles_(SUP),
        api=True,
        args=case_of("other_case"),
        refused=NOT_YOURS,
        label="another navigator's",
    ),
    Row(
        "api-case-contacts",
        "POST",
        roles_(SUP),
        api=True,
        args=case_of("other_case"),
        data=const({"channel": "phone", "reached": False}),
        refused=NOT_YOURS,
        label="another navigator's",
    ),
    Row(
        "api-case-referrals",
        "POST",
        roles_(SUP),
        api=True,
        args=case_of("other_case"),
        data=const({"need": "food", "service_name": "Pantry"}),
        refused=NOT_YOURS,
        label="another navigator's",
    ),
    Row(
        "api-referral",
        "PATCH",
        roles_(SUP),
        api=True,
        args=obj("other_referral"),
        data=const({"status": "scheduled"}),
        refused=NOT_YOURS,
        label="another navigator's",
    ),
    # Django admin: a few representative pages. Only staff get in; then model permissions.
    Row("admin:index", "GET", roles_(ADM), admin=True),
    Row("admin:auth_user_changelist", "GET", roles_(ADM), admin=True),
    Row("admin:auth_user_add", "GET", roles_(ADM), admin=True),
    Row("admin:auth_group_change", "GET", roles_(ADM), admin=True, args=lambda w: [_group(CT)]),
    Row("admin:dispatch_unit_changelist", "GET", roles_(ADM), admin=True),
    Row("admin:triage_calltype_changelist", "GET", roles_(ADM), admin=True),
    Row("admin:people_person_changelist", "GET", roles_(ADM), admin=True),
    # Rule sets are the supervisors' (through the editor), the audit log is read-only and
    # searched by supervisors on /audit/: the admin role reaches neither through the admin.
    Row("admin:triage_ruleset_changelist", "GET", NOBODY, admin=True),
    Row("admin:access_auditentry_changelist", "GET", NOBODY, admin=True),
]


# Answers that carry no call, person, case or audit data and may stay in the browser's cache,
# revalidated: the unread count of the header's badge.
REVALIDATED = {"care_navigation:notification_badge"}


def _group(name: str) -> int:
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name).pk


def _content(response: HttpResponse | StreamingHttpResponse) -> str:
    if isinstance(response, StreamingHttpResponse):
        raw = b"".join(response.streaming_content)  # type: ignore[arg-type]
    else:
        raw = response.content
    return raw.decode("utf-8", errors="replace")


def send(world: World, row: Row, role: str) -> HttpResponse:
    client = world.client(role)
    url = reverse(row.name, args=row.args(world))
    query = row.query.format(other_case=world.other_case.pk)
    data = row.data(world, role) if row.data else {}
    headers = row.headers(world) if row.headers else {}
    if row.method == "GET":
        return client.get(url + query, headers=headers)
    if row.api:
        return client.generic(
            row.method,
            url + query,
            data=json.dumps(data),
            content_type="application/json",
            headers=headers,
        )
    return client.post(url + query, data, headers=headers)


def _login_redirect(response: HttpResponse, *, admin: bool) -> bool:
    """A redirect to the console's login page; for the admin, to its own one too (the admin
    index sends visitors there, its model pages go through LoginRequiredMiddleware)."""
    location = response.get("Location", "")
    prefixes = ("/accounts/login/", "/admin/login/") if admin else ("/accounts/login/",)
    return response.status_code == 302 and location.startswith(prefixes)


def _allowed_statuses(row: Row) -> frozenset[int]:
    if row.ok:
        return row.ok
    if row.method == "GET":
        return frozenset({200})
    if row.api:
        return frozenset({200, 201})
    return frozenset({302})


CELLS = [pytest.param(row, role, id=f"{row.id} as {role}") for row in MATRIX for role in ROLES]


@pytest.mark.parametrize(("row", "role"), CELLS)
def test_it_lets_only_the_allowed_roles_through(world_per_test: World, row: Row, role: str) -> None:
    world = world_per_test
    response = send(world, row, role)
    body = _content(response)
    status = response.status_code
    assert status < 500, body[:2000]
    if role in row.allowed:
        assert status in _allowed_statuses(row), (status, response.get("Location"), body[:2000])
        if status == 302 and row.name != "logout":
            assert not _login_redirect(response, admin=row.admin), response["Location"]
    else:
        if role == ANONYMOUS:
            if row.api:
                assert status in (401, 403), (status, body[:500])
            else:
                assert _login_redirect(response, admin=row.admin), (
                    status,
                    response.get("Location"),
                )
        elif row.admin and not world.user(role).is_staff:
            assert _login_redirect(response, admin=True), (status, response.get("Location"))
        else:
            assert status == row.refused.get(role, 403), (status, body[:500])
        leaked = [secret for secret in ALL_SECRETS if secret in body]
        assert not leaked, f"a refusal carries {leaked}"
    # No answer is kept by the browser or a cache past a sign-out (web/no_store.py), except
    # the header's notification count, which the browser revalidates.
    cache_control = response.get("Cache-Control", "")
    if row.name in REVALIDATED and role in row.allowed:
        assert "private" in cache_control and "no-cache" in cache_control, cache_control
    else:
        assert "no-store" in cache_control, (status, cache_control)
    # Section 7 of docs/domain.md: notes and substance use, allowed or not, only to those who may.
    if role not in (NAV, SUP):
        assert not [s for s in CASE_SECRETS if s in body]
    if role != SUP:
        assert not [s for s in OTHER_CASE_SECRETS if s in body]
    # Safety plans: the person's to its readers, another person's to CCD and supervisors.
    if role not in (CCD, SUP, NAV, RE):
        assert not [s for s in PLAN_SECRETS if s in body]
    if role not in (CCD, SUP):
        assert not [s for s in OTHER_PLAN_SECRETS if s in body]


def _url_names(resolver: URLResolver, namespace: str = "") -> tuple[set[str], list[str]]:
    names: set[str] = set()
    unnamed: list[str] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found, nameless = _url_names(pattern, inner)
            names |= found
            unnamed += nameless
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                names.add(f"{namespace}{pattern.name}")
            else:
                unnamed.append(f"{namespace}{pattern.pattern}")
    return names, unnamed


def test_it_covers_every_url_of_the_project() -> None:
    names, unnamed = _url_names(get_resolver())
    project = {name for name in names if not name.startswith("admin:")}
    covered = {row.name for row in MATRIX}
    assert sorted(project - covered) == [], "URLs without a row in the access matrix"
    assert sorted(covered - names) == [], "rows for URLs that do not exist"
    assert [u for u in unnamed if not u.startswith("admin:")] == []
    assert len([row for row in MATRIX if row.admin]) >= 5


def test_it_checks_every_role_of_the_project() -> None:
    assert set(ROLES) == {*roles.ROLES, OUTSIDER, ANONYMOUS}
    assert len(ROLES) == 11
