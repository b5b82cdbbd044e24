"""A crew against its team template, and language names from directories."""

import pytest
from django.core.exceptions import ValidationError

from workforce.models import TeamTemplate
from workforce.services import responder_set, team_template_set
from workforce.teams import Makeup, missing_disciplines
from workforce.vocabulary import language_code

HEART = ["clinician", "emt", "peer"]


def test_it_finds_a_full_heart_team_complete():
    assert missing_disciplines(HEART, [["clinician"], ["emt"], ["peer"]]) == []


def test_it_names_what_a_two_person_crew_lacks():
    assert missing_disciplines(HEART, [["clinician"], ["emt"]]) == ["peer"]


def test_it_lets_one_person_fill_one_slot_only():
    # A clinician who is also a peer cannot be both on the same van.
    assert missing_disciplines(HEART, [["clinician", "peer"], ["emt"]]) == ["peer"]


def test_it_moves_a_person_with_two_disciplines_to_free_a_slot():
    # The first member could be the clinician or the peer; only as the peer does the crew fit.
    crew = [["clinician", "peer"], ["clinician"], ["emt"]]
    assert missing_disciplines(HEART, crew) == []


def test_it_words_the_warning():
    empty = Makeup(required=tuple(HEART), missing=tuple(HEART), crew=(), languages=frozenset())
    assert empty.warning == "no one on the roster"
    short = Makeup(required=tuple(HEART), missing=("emt",), crew=("a", "b"), languages=frozenset())
    assert short.warning == "missing EMT"
    assert short.speaks_text("es") == "no Spanish speaker"
    assert Makeup((), (), ("a",), frozenset({"es"})).speaks_text("es") == "speaks Spanish"
    assert Makeup((), (), ("a",), frozenset()).speaks_text("") == ""


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Spanish", "es"),
        ("Spanish (limited)", "es"),
        ("Creole", "ht"),
        ("American Sign Language", "ase"),
        ("es", "es"),
        ("Language line available", None),
    ],
)
def test_it_reads_language_names_as_codes(name, code):
    assert language_code(name) == code


@pytest.mark.django_db
def test_it_seeds_the_default_teams():
    assert dict(TeamTemplate.objects.values_list("service", "disciplines")) == {
        "HEART": HEART,
        "CO_RESPONSE": ["clinician", "officer"],
    }


@pytest.mark.django_db
def test_it_refuses_unknown_codes(responder, supervisor):
    with pytest.raises(ValidationError) as caught:
        responder_set(user=responder, disciplines=["wizard"], languages=["es"], by=supervisor)
    assert "disciplines" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        team_template_set(service="HEART", disciplines=[], by=supervisor)
    assert "disciplines" in caught.value.message_dict
    saved = responder_set(
        user=responder, disciplines=["peer", "emt"], languages=["es"], by=supervisor
    )
    assert saved.disciplines == ["emt", "peer"] and saved.languages == ["es"]
