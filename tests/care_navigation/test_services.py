"""Opening cases, contacts, referrals, extensions, person matching: the services."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from access import roles
from access.models import AuditEntry
from care_navigation import services
from care_navigation.models import (
    Case,
    CaseNeed,
    ClearingReferral,
    Notification,
    Referral,
)
from dispatch.models import Call
from people.models import Person
from tests.care_navigation.conftest import T0

pytestmark = pytest.mark.django_db


def test_it_opens_no_case_without_consent_and_counts_the_offer(clock, responder, make_call):
    call = make_call()
    result = services.case_open_from_referral(
        call=call, by=responder, needs=["housing"], consent=False
    )
    assert result is None
    assert Case.objects.count() == 0
    offer = ClearingReferral.objects.get()
    assert (offer.call_id, offer.consent, offer.case_id) == (call.pk, False, None)
    assert AuditEntry.objects.filter(
        action="care.referral_declined", object_id=str(call.pk)
    ).exists()


def test_it_opens_a_case_for_the_calls_person_with_its_clocks(
    clock, navigator, responder, person, make_call
):
    call = make_call(person=person)
    case = services.case_open_from_referral(
        call=call, by=responder, needs=["housing", "food", "housing"], consent=True
    )
    assert case is not None
    assert case.person == person and case.call == call and case.status == "open"
    assert case.opened_at == T0
    assert case.first_contact_due == T0 + timedelta(hours=48)
    assert case.closes_at == T0 + timedelta(days=30)
    assert case.warn_at == T0 + timedelta(days=25)
    assert case.navigator == navigator
    assert sorted(case.needs.values_list("need", flat=True)) == ["food", "housing"]
    assert Notification.objects.filter(case=case, kind="new_case").count() == 1
    assert ClearingReferral.objects.get().case == case
    assert AuditEntry.objects.filter(action="case.open", object_id=str(case.pk)).exists()


def test_it_follows_the_configured_clocks(clock, settings, navigator, person, make_case):
    settings.CARE_FIRST_CONTACT_HOURS = 24
    settings.CARE_WINDOW_DAYS = 14
    settings.CARE_CLOSING_WARNING_DAY = 10
    case = make_case(person=person)
    assert case.first_contact_due == T0 + timedelta(hours=24)
    assert case.closes_at == T0 + timedelta(days=14)
    assert case.warn_at == T0 + timedelta(days=10)


def test_it_makes_a_new_person_from_the_details_and_links_the_call(
    clock, navigator, responder, make_call
):
    call = make_call()
    case = services.case_open_from_referral(
        call=call,
        by=responder,
        needs=["medical"],
        consent=True,
        person_name="Sam Okafor",
        date_of_birth=date(1990, 1, 2),
        phone="(919) 555-0199",
    )
    assert case.person.name == "Sam Okafor"
    assert case.person.date_of_birth == date(1990, 1, 2)
    assert Call.objects.get(pk=call.pk).person == case.person
    assert case.person_needs_review is False  # nobody like Sam is known


def test_it_suggests_matches_but_never_merges_silently(clock, navigator, person, make_case):
    case = make_case(person_name="Jordan  Reyes", phone="9195550100", needs=["food"])
    assert case.person != person
    assert Person.objects.count() == 2
    assert case.person_needs_review is True
    from care_navigation.selectors import person_match_candidates

    matches = person_match_candidates(person=case.person)
    assert [m.person for m in matches] == [person]
    assert "same phone" in matches[0].reasons and "same name" in matches[0].reasons


def test_it_does_not_suggest_someone_born_on_another_day(clock, navigator, person, make_case):
    case = make_case(person_name="Jordan Reyes", date_of_birth=date(1999, 9, 9))
    assert case.person_needs_review is False


def test_it_adds_needs_to_the_persons_open_case(clock, case, person, make_case):
    again = make_case(person=person, needs=["food", "housing"])
    assert again == case
    assert Case.objects.count() == 1
    assert sorted(case.needs.values_list("need", flat=True)) == ["food", "housing"]
    assert AuditEntry.objects.filter(action="case.referral_added").count() == 1


def test_it_assigns_the_navigator_with_the_fewest_open_cases(
    clock, navigator, other_navigator, make_case
):
    first = make_case(person_name="A One")
    second = make_case(person_name="B Two")
    third = make_case(person_name="C Three")
    assert first.navigator == navigator
    assert second.navigator == other_navigator
    assert third.navigator == navigator


def test_it_leaves_the_case_unassigned_without_a_navigator(clock, person, make_case):
    case = make_case(person=person)
    assert case.navigator is None
    assert not Notification.objects.filter(case=case).exists()


@pytest.mark.parametrize("needs", [[], ["shelter"], ["housing", "rent"]])
def test_it_rejects_needs_it_does_not_know(clock, navigator, person, make_case, needs):
    with pytest.raises(ValidationError) as exc:
        make_case(person=person, needs=needs)
    assert "needs" in exc.value.message_dict
    assert Case.objects.count() == 0


def test_it_rolls_back_with_the_callers_transaction(clock, navigator, person, make_case):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(person=person)
        raise RuntimeError("the clearing failed after the case was opened")
    assert Case.objects.count() == 0
    assert ClearingReferral.objects.count() == 0


def test_it_records_the_first_contact_and_resets_failures(clock, case, navigator):
    for _ in range(2):
        services.contact_log(case=case, by=navigator, channel="phone", reached=False)
    clock.shift(timedelta(hours=3))
    services.contact_log(case=case, by=navigator, channel="in_person", reached=True)
    case.refresh_from_db()
    assert case.first_contact_at == T0 + timedelta(hours=3)
    assert (case.failed_attempts_in_row, case.unable_to_reach) == (0, False)


def test_it_flags_unable_to_reach_after_three_failures_in_a_row(clock, case, navigator):
    services.contact_log(case=case, by=navigator, channel="phone", reached=False)
    services.contact_log(case=case, by=navigator, channel="text", reached=False)
    case.refresh_from_db()
    assert case.unable_to_reach is False
    services.contact_log(case=case, by=navigator, channel="phone", reached=False)
    case.refresh_from_db()
    assert case.unable_to_reach is True and case.failed_attempts_in_row == 3
    assert Notification.objects.filter(case=case, kind="unable_to_reach").count() == 1
    services.contact_log(case=case, by=navigator, channel="phone", reached=True)
    case.refresh_from_db()
    assert case.unable_to_reach is False


def test_it_counts_failures_in_time_order_not_logging_order(clock, case, navigator):
    clock.shift(timedelta(hours=5))
    for hours in (1, 2):
        services.contact_log(
            case=case, by=navigator, channel="phone", reached=False, at=T0 + timedelta(hours=hours)
        )
    # Logged last, but it happened first: the two failures after it are not three in a row.
    services.contact_log(
        case=case, by=navigator, channel="phone", reached=True, at=T0 + timedelta(minutes=30)
    )
    services.contact_log(case=case, by=navigator, channel="text", reached=False)
    case.refresh_from_db()
    assert case.failed_attempts_in_row == 3 and case.unable_to_reach is True
    assert case.first_contact_at == T0 + timedelta(minutes=30)


def test_it_rejects_a_bad_contact(clock, case, navigator):
    with pytest.raises(ValidationError) as exc:
        services.contact_log(case=case, by=navigator, channel="fax", reached=False)
    assert "channel" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.contact_log(case=case, by=navigator, channel="phone", reached=False, declined=True)
    assert "declined" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.contact_log(
            case=case, by=navigator, channel="phone", reached=True, at=T0 + timedelta(days=2)
        )
    assert exc.value.message_dict["at"] == ["cannot be in the future"]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["scheduled", "connected"], True),
        (["connected"], True),
        (["waitlisted", "scheduled", "connected"], True),
        (["declined"], True),
        (["unavailable"], True),
        (["connected", "referred"], False),
        (["declined", "scheduled"], False),
        (["scheduled", "referred"], False),
        (["unavailable", "connected"], False),
    ],
)
def test_it_moves_referrals_along_the_allowed_transitions_only(
    clock, case, navigator, path, allowed
):
    referral = services.referral_create(
        case=case, by=navigator, need="housing", service_name="Lodge"
    )
    if allowed:
        for status in path:
            referral = services.referral_update(referral=referral, by=navigator, status=status)
        assert referral.status == path[-1]
    else:
        for status in path[:-1]:
            referral = services.referral_update(referral=referral, by=navigator, status=status)
        with pytest.raises(ValidationError) as exc:
            services.referral_update(referral=referral, by=navigator, status=path[-1])
        assert f"cannot go from {path[-2]} to {path[-1]}" in exc.value.message_dict["status"][0]
        assert Referral.objects.get(pk=referral.pk).status == path[-2]


def test_it_counts_the_first_connection_inside_the_window(clock, case, navigator):
    referral = services.referral_create(case=case, by=navigator, need="food", service_name="Pantry")
    assert CaseNeed.objects.filter(case=case, need="food").exists()
    clock.shift(timedelta(days=3))
    services.referral_update(referral=referral, by=navigator, status="connected")
    case.refresh_from_db()
    assert case.connected_at == T0 + timedelta(days=3)


def test_it_extends_a_case_with_a_reason(clock, case, supervisor):
    with pytest.raises(ValidationError) as exc:
        services.case_extend(case=case, by=supervisor, closes_at=case.closes_at, reason="more")
    assert "closes_at" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.case_extend(
            case=case, by=supervisor, closes_at=case.closes_at + timedelta(days=5), reason=" "
        )
    extension = services.case_extend(
        case=case,
        by=supervisor,
        closes_at=case.closes_at + timedelta(days=30),
        reason="Waiting for a housing voucher interview",
    )
    case.refresh_from_db()
    assert case.closes_at == T0 + timedelta(days=60)
    assert case.warn_at == T0 + timedelta(days=55)
    assert extension.previous_closes_at == T0 + timedelta(days=30)
    entry = AuditEntry.objects.get(action="case.extend")
    assert entry.detail["reason"] == "Waiting for a housing voucher interview"


def test_it_lets_only_one_navigator_claim_an_unassigned_case(clock, person, make_case, make_user):
    case = make_case(person=person)
    first = make_user("nia", roles.NAVIGATOR)
    second = make_user("noor", roles.NAVIGATOR)
    assert services.case_claim(case_id=case.pk, by=first) is True
    assert services.case_claim(case_id=case.pk, by=second) is False
    assert Case.objects.get(pk=case.pk).navigator == first


def test_it_assigns_only_navigators(clock, case, supervisor, call_taker, other_navigator):
    with pytest.raises(ValidationError):
        services.case_assign(case=case, by=supervisor, navigator=call_taker)
    services.case_assign(case=case, by=supervisor, navigator=other_navigator)
    assert Case.objects.get(pk=case.pk).navigator == other_navigator


def test_it_merges_a_confirmed_match(clock, navigator, person, make_case):
    case = make_case(person_name="Jordan Reyes", phone="919 555 0100")
    provisional = case.person
    call = case.call
    merged = services.case_person_merge(case=case, by=navigator, person=person)
    assert merged == case
    assert merged.person == person and merged.person_needs_review is False
    assert not Person.objects.filter(pk=provisional.pk).exists()
    assert Call.objects.get(pk=call.pk).person == person
    assert AuditEntry.objects.filter(action="person.merge").exists()


def test_it_folds_a_case_into_the_open_case_of_the_matched_person(
    clock, navigator, person, make_case
):
    existing = make_case(person=person, needs=["housing"])
    newer = make_case(person_name="Jordan Reyes", phone="9195550100", needs=["substance_use"])
    services.contact_log(case=newer, by=navigator, channel="phone", reached=True)
    result = services.case_person_merge(case=newer, by=navigator, person=person)
    assert result == existing
    assert not Case.objects.filter(pk=newer.pk).exists()
    assert not Notification.objects.filter(case_id=newer.pk).exists()  # cascaded by the ORM
    assert sorted(existing.needs.values_list("need", flat=True)) == ["housing", "substance_use"]
    existing.refresh_from_db()
    assert existing.first_contact_at == T0
    assert existing.contacts.count() == 1


def test_it_refuses_to_merge_someone_who_is_not_a_suggestion(clock, navigator, make_case):
    case = make_case(person_name="Ana Lima", phone="9195550111")
    stranger = Person.objects.create(name="Bo Chen")
    with pytest.raises(ValidationError):
        services.case_person_merge(case=case, by=navigator, person=stranger)


def test_it_keeps_a_new_person_when_the_navigator_says_so(clock, navigator, person, make_case):
    case = make_case(person_name="Jordan Reyes")
    assert case.person_needs_review is True
    services.case_person_keep(case=case, by=navigator)
    case.refresh_from_db()
    assert case.person_needs_review is False
    assert Person.objects.count() == 2


def test_it_closes_the_door_on_a_closed_case(clock, case, navigator):
    Case.objects.filter(pk=case.pk).update(
        status="closed", outcome="not_connected", closed_at=T0 + timedelta(days=30)
    )
    with pytest.raises(ValidationError) as exc:
        services.contact_log(case=case, by=navigator, channel="phone", reached=True)
    assert "closed" in exc.value.message_dict["case"][0]
    with pytest.raises(ValidationError):
        services.referral_create(case=case, by=navigator, need="food", service_name="X")


def test_it_opens_a_case_recorded_later_with_the_window_of_its_clearing(
    clock, navigator, responder, person, make_call
):
    call = make_call(person=person, received_at=T0 - timedelta(days=40))
    cleared = T0 - timedelta(days=40, minutes=-50)
    case = services.case_open_from_referral(
        call=call, by=responder, needs=["housing"], consent=True, at=cleared
    )
    assert case is not None
    assert (case.opened_at, case.closes_at) == (cleared, cleared + timedelta(days=30))
    assert case.first_contact_due == cleared + timedelta(hours=48)
    assert ClearingReferral.objects.get().at == cleared
    assert Notification.objects.get(case=case, kind="new_case").created_at == cleared
    for bad, message in (
        (T0 + timedelta(hours=1), "cannot be in the future"),
        (call.received_at - timedelta(minutes=1), "cannot be before the call was received"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.case_open_from_referral(
                call=make_call(received_at=call.received_at),
                by=responder,
                needs=["food"],
                consent=True,
                at=bad,
            )
        assert exc.value.message_dict == {"at": [message]}


def test_it_records_a_referral_made_earlier(clock, case, navigator):
    clock.shift(timedelta(days=4))
    referral = services.referral_create(
        case=case, by=navigator, need="food", service_name="Pantry", at=T0 + timedelta(days=1)
    )
    assert (referral.referred_at, referral.status_changed_at) == (T0 + timedelta(days=1),) * 2
    with pytest.raises(ValidationError) as exc:
        services.referral_create(
            case=case, by=navigator, need="food", service_name="Pantry", at=T0 - timedelta(days=1)
        )
    assert exc.value.message_dict == {"at": ["cannot be before the case was opened"]}


def test_it_stamps_the_unable_to_reach_notice_with_the_attempt_that_raised_it(
    clock, case, navigator
):
    clock.shift(timedelta(days=5))
    for day in (1, 2, 3):
        services.contact_log(
            case=case, by=navigator, channel="phone", reached=False, at=T0 + timedelta(days=day)
        )
    notice = Notification.objects.get(case=case, kind="unable_to_reach")
    assert notice.created_at == T0 + timedelta(days=3)
