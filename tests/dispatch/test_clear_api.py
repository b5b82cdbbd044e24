"""POST /api/v1/calls/{id}/clear/: the contract of the dispatch issue, where "unit" is needed
only when several units are on the call."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from care_navigation.models import Case
from dispatch.models import Call
from dispatch.services import CallNotOpen, FeltSafe, call_clear, unit_assign

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def clear(user, call, **extra):
    return api(user).post(f"/api/v1/calls/{call.pk}/clear/", extra, format="json")


def safe(responder):
    return [{"responder": responder.pk, "safe": True}]


@pytest.fixture
def on_scene(make_call, dispatcher, heart_unit):
    """A welfare check with HEART-1 (the responder's unit) on it, and nothing else."""
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=heart_unit.pk, by=dispatcher)
    return call


@pytest.fixture
def two_units(on_scene, dispatcher, police_unit):
    """The same call with police backup beside HEART-1."""
    unit_assign(call_id=on_scene.pk, unit_id=police_unit.pk, by=dispatcher)
    return on_scene


def test_it_takes_the_dispatch_issues_body_from_a_dispatcher_when_one_unit_is_on_the_call(
    dispatcher, responder, on_scene
):
    response = clear(
        dispatcher,
        on_scene,
        disposition="referred_to_care_navigation",
        felt_safe=safe(responder),
        referral={"consent": True, "needs": ["housing"]},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["disposition"]) == ("closed", "referred_to_care_navigation")
    assert [a["unit"] for a in body["assignments"]] == ["HEART-1"]
    case = Case.objects.get(call=on_scene)
    assert list(case.needs.values_list("need", flat=True)) == ["housing"]


@pytest.mark.parametrize("name_the_unit", [False, True], ids=["without unit", "with unit"])
def test_it_clears_the_one_unit_on_the_call_for_a_dispatcher(
    dispatcher, responder, on_scene, heart_unit, name_the_unit
):
    extra = {"unit": heart_unit.pk} if name_the_unit else {}
    response = clear(
        dispatcher, on_scene, disposition="resolved_on_scene", felt_safe=safe(responder), **extra
    )
    assert response.status_code == 200, response.json()
    assert Call.objects.get(pk=on_scene.pk).status == "closed"


@pytest.mark.parametrize("name_the_unit", [False, True], ids=["without unit", "with unit"])
def test_it_clears_the_responders_own_unit(responder, on_scene, heart_unit, name_the_unit):
    extra = {"unit": heart_unit.pk} if name_the_unit else {}
    response = clear(
        responder, on_scene, disposition="resolved_on_scene", felt_safe=safe(responder), **extra
    )
    assert response.status_code == 200, response.json()
    assert Call.objects.get(pk=on_scene.pk).status == "closed"


def test_it_asks_a_dispatcher_to_name_the_unit_when_several_are_on_the_call(
    dispatcher, responder, two_units, heart_unit, police_unit
):
    response = clear(
        dispatcher, two_units, disposition="resolved_on_scene", felt_safe=safe(responder)
    )
    assert response.status_code == 400
    (message,) = response.json()["unit"]
    assert f"2 units are on call {two_units.pk}: name the one that clears" in message
    assert f"HEART-1 (unit {heart_unit.pk})" in message
    assert f"PD-1 (unit {police_unit.pk})" in message
    assert two_units.assignments.filter(cleared_at__isnull=True).count() == 2


def test_it_clears_the_named_unit_of_several_then_the_last_one_unnamed(
    dispatcher, responder, two_units, police_unit
):
    first = clear(dispatcher, two_units, disposition="other", unit=police_unit.pk)
    assert first.status_code == 200, first.json()
    assert first.json()["status"] == "active"
    last = clear(dispatcher, two_units, disposition="resolved_on_scene", felt_safe=safe(responder))
    assert last.status_code == 200, last.json()
    assert (last.json()["status"], last.json()["disposition"]) == ("closed", "resolved_on_scene")


def test_it_clears_a_responders_own_unit_unnamed_when_several_are_on_the_call(
    responder, two_units, heart_unit
):
    response = clear(
        responder, two_units, disposition="resolved_on_scene", felt_safe=safe(responder)
    )
    assert response.status_code == 200, response.json()
    open_units = two_units.assignments.filter(cleared_at__isnull=True)
    assert list(open_units.values_list("unit__name", flat=True)) == ["PD-1"]


def test_it_keeps_responders_to_their_own_unit(responder, two_units, police_unit):
    named = clear(responder, two_units, disposition="other", unit=police_unit.pk)
    assert named.status_code == 403
    assert two_units.assignments.filter(cleared_at__isnull=True).count() == 2


def test_it_refuses_a_responder_whose_unit_is_not_on_the_call(
    dispatcher, responder, make_call, heart_unit, far_heart_unit
):
    call = make_call()
    unit_assign(call_id=call.pk, unit_id=far_heart_unit.pk, by=dispatcher)
    response = clear(responder, call, disposition="resolved_on_scene", felt_safe=safe(responder))
    assert response.status_code == 400
    assert response.json()["unit"] == [f"unit {heart_unit.pk} is not on call {call.pk}"]


def test_it_refuses_a_responder_without_a_unit(make_user, on_scene):
    loner = make_user("lou", "responder")
    response = clear(loner, on_scene, disposition="resolved_on_scene")
    assert response.status_code == 400
    assert response.json()["unit"] == ["you are not a member of any unit"]


@pytest.mark.parametrize("name_the_unit", [False, True], ids=["without unit", "with unit"])
def test_it_says_no_unit_is_on_a_waiting_call(dispatcher, make_call, heart_unit, name_the_unit):
    call = make_call()
    extra = {"unit": heart_unit.pk} if name_the_unit else {}
    response = clear(dispatcher, call, disposition="resolved_on_scene", **extra)
    assert response.status_code == 400
    expected = (
        f"unit {heart_unit.pk} is not on call {call.pk}"
        if name_the_unit
        else f"no unit is on call {call.pk}: nothing to clear"
    )
    assert response.json()["unit"] == [expected]
    assert Call.objects.get(pk=call.pk).status == "queued"


@pytest.mark.parametrize("name_the_unit", [False, True], ids=["without unit", "with unit"])
def test_it_answers_409_for_a_call_already_closed(
    dispatcher, responder, on_scene, heart_unit, name_the_unit
):
    body = {"disposition": "resolved_on_scene", "felt_safe": safe(responder)}
    assert clear(dispatcher, on_scene, **body).status_code == 200
    extra = {"unit": heart_unit.pk} if name_the_unit else {}
    again = clear(dispatcher, on_scene, **body, **extra)
    assert again.status_code == 409
    assert again.json()["detail"] == "call no longer open"
    assert again.json()["call"] == [f"call {on_scene.pk} is closed: no unit left to clear"]


def test_it_resolves_the_unit_inside_the_service(dispatcher, responder, two_units, police_unit):
    with pytest.raises(ValidationError) as several:
        call_clear(call_id=two_units.pk, disposition="other", felt_safe=[], by=dispatcher)
    assert list(several.value.message_dict) == ["unit"]
    call_clear(
        call_id=two_units.pk,
        unit_id=police_unit.pk,
        disposition="other",
        felt_safe=[],
        by=dispatcher,
    )
    closed = call_clear(
        call_id=two_units.pk,
        disposition="resolved_on_scene",
        felt_safe=[FeltSafe(responder_id=responder.pk, safe=True)],
        by=dispatcher,
    )
    assert closed.status == "closed"
    with pytest.raises(CallNotOpen):
        call_clear(call_id=two_units.pk, disposition="other", felt_safe=[], by=dispatcher)


def test_it_documents_unit_as_optional_in_the_openapi_schema(client_for, dispatcher):
    schema = client_for(dispatcher).get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/calls/{call_id}/clear/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request_schema = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert request_schema["required"] == ["disposition"]
    assert "required when several units" in request_schema["properties"]["unit"]["description"]
    assert {"200", "400", "403", "409"} <= set(operation["responses"])
