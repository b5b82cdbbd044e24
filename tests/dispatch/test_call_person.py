"""The services other apps ask to set which person a call is about."""

import pytest
from django.core.exceptions import ValidationError

from access.models import AuditEntry
from dispatch.models import Call
from dispatch.services import calls_person_move, calls_person_set
from people.models import Person

pytestmark = pytest.mark.django_db


def test_it_links_calls_about_no_one_and_keeps_the_person_of_a_linked_call(navigator, make_call):
    known, new = Person.objects.create(name="Known"), Person.objects.create(name="New")
    unlinked, linked = make_call(), make_call(address="2 Main St")
    Call.objects.filter(pk=linked.pk).update(person=known)

    assert calls_person_set(call_ids=[unlinked.pk, linked.pk], person_id=new.pk, by=navigator) == [
        unlinked.pk
    ]

    assert dict(Call.objects.values_list("pk", "person_id")) == {
        unlinked.pk: new.pk,
        linked.pk: known.pk,
    }
    entry = AuditEntry.objects.get(action="call.person_set")
    assert (entry.object_type, entry.object_id, entry.username) == (
        "dispatch.call",
        str(unlinked.pk),
        "nia",
    )
    assert entry.detail == {"person": new.pk}


def test_it_moves_every_call_of_a_merged_person(navigator, make_call):
    provisional, person = Person.objects.create(name="J."), Person.objects.create(name="Jordan")
    calls = [make_call(), make_call(address="2 Main St"), make_call(address="3 Main St")]
    Call.objects.filter(pk__in=[c.pk for c in calls[:2]]).update(person=provisional)

    moved = calls_person_move(from_person_id=provisional.pk, to_person_id=person.pk, by=navigator)

    assert moved == [calls[0].pk, calls[1].pk]
    assert list(Call.objects.filter(person=person).order_by("pk")) == calls[:2]
    assert Call.objects.get(pk=calls[2].pk).person_id is None
    entries = AuditEntry.objects.filter(action="call.person_move").order_by("object_id")
    assert [(e.object_id, e.detail) for e in entries] == [
        (str(c.pk), {"from_person": provisional.pk, "to_person": person.pk}) for c in calls[:2]
    ]


def test_it_names_the_field_of_a_person_that_does_not_exist(navigator, make_call):
    call = make_call()
    with pytest.raises(ValidationError) as set_error:
        calls_person_set(call_ids=[call.pk], person_id=999_999, by=navigator)
    assert set_error.value.message_dict == {"person": ["person 999999 does not exist"]}
    with pytest.raises(ValidationError) as move_error:
        calls_person_move(from_person_id=1, to_person_id=999_999, by=navigator)
    assert move_error.value.message_dict == {"to_person": ["person 999999 does not exist"]}
    assert Call.objects.get(pk=call.pk).person_id is None
    assert not AuditEntry.objects.filter(action__startswith="call.person").exists()
