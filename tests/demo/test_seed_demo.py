"""seed_demo by day: the demo department's year, and HEART and co-response work on the board.

Loading a year takes seconds, so the load is made once per module, inside a transaction
rolled back after it; every test reads it at the moment it was loaded. The night board is
tests/demo/test_seed_demo_night.py.
"""

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import RequestFactory, override_settings
from django.utils import timezone

from access.demo import DEMO_CREWS, DEMO_PASSWORD, demo_logins
from care_navigation.models import Case, Referral, SafetyPlan, Service
from dashboards import metrics, staffing
from dispatch import selectors
from dispatch.demo_history import Year, _rows
from dispatch.demo_parameters import demo_process
from dispatch.models import Call, FieldEvent, RosterShift, SafetyCheck, Unit
from dispatch.roster_selectors import unit_makeups
from people.models import Person

NY = ZoneInfo("America/New_York")
# A Tuesday in June: HEART works 07-19 and co-response 09-21, CCD around the clock.
DAY = datetime(2026, 6, 9, 14, 0, tzinfo=NY)


def load(moment: datetime, django_db_blocker) -> Iterator[datetime]:
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        with time_machine.travel(moment, tick=False):
            call_command("seed_demo")
        yield moment
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def day(django_db_setup, django_db_blocker):
    yield from load(DAY, django_db_blocker)


@pytest.fixture
def at_day(day, db):
    with time_machine.travel(day + timedelta(minutes=1), tick=False):
        yield day


def year_board():
    return metrics.dashboard_build(metrics.period_default(days=365))


def figure(board, key):
    return next(f for f in board.figures if f.key == key)


def cell(table, label):
    return next(row[1].value for row in table.rows if row[0].text == label)


# The year --------------------------------------------------------------------------------


def test_it_loads_a_year_of_the_real_durham_calls_once(at_day):
    calls = Call.objects.filter(source="demo")
    first = calls.order_by("received_at").first()
    assert DAY - first.received_at <= timedelta(weeks=52)
    assert DAY - first.received_at > timedelta(weeks=51)
    assert 3800 <= calls.filter(status="closed").count() <= 4100  # 4,033 calls in 2021
    assert set(calls.values_list("call_type", flat=True)) == {
        "TRESPASS",
        "MENTAL_HEALTH",
        "WELFARE_CHECK",
        "PANHANDLING",
        "SUICIDE_THREAT",
        "INTOXICATED",
    } | {"VERBAL_DISTURBANCE"}  # one of the calls of the moment
    # Every call keeps the rule and version that routed it; the engine decided, by the hour.
    assert not calls.filter(ruleset_version__isnull=True).exists()
    routes = dict(calls.values_list("route").annotate(n=Count("id")))
    assert {"HEART", "CO_RESPONSE", "CCD", "POLICE"} <= set(routes)
    assert calls.filter(unserved_reason="outside_hours", eligible_route="HEART").exists()
    counts = (Call.objects.count(), Unit.objects.count(), Case.objects.count())
    with override_settings(DEBUG=True):
        call_command("seed_demo")
    assert (Call.objects.count(), Unit.objects.count(), Case.objects.count()) == counts


def test_it_fills_every_headline_figure_near_the_published_ones(at_day):
    board = year_board()
    assert 98.0 <= figure(board, "felt_safe").value <= 100.0
    assert 0.3 <= figure(board, "backup").value <= 1.0  # CAHOOTS: 0.6%
    assert figure(board, "handoffs").value > 0
    assert 14.0 <= figure(board, "care").value <= 27.0  # HEART: 20% connected
    assert cell(board.tables["familiar"], "Familiar neighbors (5+ responses)") >= 3
    assert cell(board.tables["routes"], "CCD") > 0
    for f in board.figures:
        assert f.value, f.key


def test_it_has_every_member_of_a_team_answer_whether_they_felt_safe(at_day):
    # A cleared call, not the demo's cancelled one (no team went: nobody answers).
    heart_call = (
        Call.objects.filter(source="demo", status="closed", route="HEART", cancel_reason="")
        .exclude(assignments__unit__kind="POLICE")
        .first()
    )
    assert heart_call is not None
    assert SafetyCheck.objects.filter(call=heart_call).count() == 3
    for name, crew in DEMO_CREWS.items():
        assert Unit.objects.get(name=name).members.count() == len(crew)


def test_it_works_the_cases_over_the_year_and_closes_most(at_day):
    cases = Case.objects.all()
    assert cases.count() > 150
    closed = cases.filter(status="closed")
    assert closed.count() / cases.count() > 0.8
    assert not cases.filter(status="open", closes_at__lt=DAY).exists()  # the sweep ran
    outcomes = set(closed.values_list("outcome", flat=True))
    assert outcomes == {"connected", "not_connected", "unable_to_reach", "declined"}
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {"connected", "waitlisted", "unavailable", "declined"} <= statuses
    assert cases.order_by("opened_at")[0].opened_at < DAY - timedelta(days=300)
    # Most referrals go to the synthetic directory.
    directory = Service.objects.all()
    assert directory.count() >= 10
    assert all(s.description.startswith("Synthetic demo listing") for s in directory)
    assert Referral.objects.filter(service__isnull=False).count() > 100


def test_it_names_a_few_familiar_neighbors(at_day):
    familiar = [p for p in Person.objects.all() if p.calls.count() >= 5]
    assert 3 <= len(familiar) <= 10


def test_it_draws_the_same_year_from_the_same_seed(at_day):
    users = dict.fromkeys(("calltaker", "dispatcher", "ccd"))
    units = list(Unit.objects.all())
    plans = []
    for _ in range(2):
        year = Year(units, users, demo_process(), DAY)
        rows = list(_rows(year.process, DAY))
        year.plan(rows)
        plans.append([(r.scenario, r.route, r.person) for r in rows])
    assert plans[0] == plans[1]


def test_it_models_staffing_over_the_days_that_hold_calls(at_day):
    period = metrics.period_of_calls(days=365)
    first = Call.objects.order_by("received_at").first()
    assert period.start == first.received_at.astimezone(NY).date()
    assert period.end == DAY.date()
    comparison = staffing.staffing_compare(
        period=period, proposal=staffing.schedule_current(), target_minutes=10, hold_minutes=20
    )
    assert comparison.scenarios[0].utilisation("HEART") > 5.0


def demo_user(username):
    return get_user_model().objects.get(username=username)


def test_it_renders_every_headline_card_filled(at_day, client_for):
    page = client_for(demo_user("supervisor")).get("/dashboards/")
    page = unescape(page.content.decode())
    cards = re.findall(r'<p class="figure-value"><a [^>]*>([^<]*)</a></p>', page)
    assert len(cards) == len(metrics.REFERENCES)
    for text in cards:
        assert "—" not in text, text
        assert not re.search(r"\b(of|for|over) 0\b", text), text
        assert re.search(r"[1-9]", text), text


def test_it_shows_988_transfers_handoffs_and_uninvited_police(at_day, client_for):
    board = year_board()
    rows = {(r[0].text, r[1].csv): r[2].value for r in board.tables["transfers_988"].rows}
    assert (
        rows[("By phone (CCD clinician)", "warm")] > rows[("By phone (CCD clinician)", "cold")] > 0
    )
    assert figure(board, "police_uninvited").value > 0
    # Handoffs recorded both ways: by the dispatcher, and by police on their own page.
    handoffs = FieldEvent.objects.filter(kind="handoff", call__source="demo")
    assert handoffs.filter(by__username="police").exists()
    assert handoffs.filter(by__username="dispatcher").exists()
    assert Call.objects.filter(source="demo", events__kind="handoff", route="CO_RESPONSE").exists()
    page = client_for(demo_user("police")).get("/dispatch/handoffs/").content.decode()
    assert "Your recent requests" in page and "None yet." not in page


def test_it_signs_in_every_demo_user_with_the_readme_password(at_day):
    for username in demo_logins():
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password=DEMO_PASSWORD), username
    assert Unit.objects.get(name="HEART-1").members.filter(username="responder").exists()


# The calls of the moment -----------------------------------------------------------------


def test_it_puts_heart_and_co_response_work_on_the_board_by_day(at_day, client_for):
    waiting = list(selectors.waiting_calls())
    active = list(selectors.active_calls())
    assert {c.route for c in waiting} >= {"HEART"}
    assert {c.route for c in active} == {"HEART", "CO_RESPONSE"}
    assert not [c for c in waiting if c.unserved_reason]
    assert selectors.phone_queue().exists()
    heart = Unit.objects.filter(kind="HEART")
    assert not heart.filter(status="off_duty").exists()
    assert heart.exclude(status="available").exists()  # one is on a call
    page = client_for(demo_user("dispatcher")).get("/dispatch/board/")
    text = unescape(page.content.decode())
    assert '<span class="route HEART">HEART</span>' in text
    assert "Off duty" not in text


def test_it_gives_the_units_on_duty_recent_positions(at_day, client_for, settings):
    settings.UNIT_POSITION_STALE_MINUTES = 5
    now = timezone.now()
    on_duty = Unit.objects.exclude(status="off_duty").exclude(kind="CCD")
    ages = {u.name: (now - u.position_at).total_seconds() for u in on_duty}
    assert ages and ages.pop("HEART-4") > 10 * 60  # its phone lost signal: drawn faded
    assert max(ages.values()) < 3 * 60  # read a minute after loading: trusted for nearest
    # A unit on a call reported from the call's way: on scene at its point.
    on_scene = Unit.objects.filter(status="on_scene").first()
    assert on_scene is not None
    call = on_scene.assignments.get(cleared_at__isnull=True).call
    assert (on_scene.lat, on_scene.lon) == (round(call.lat, 6), round(call.lon, 6))
    page = client_for(demo_user("dispatcher")).get("/dispatch/board/").content.decode()
    assert page.count("data-position-ms=") >= len(ages)


# The phone line --------------------------------------------------------------------------


def test_it_ends_the_years_phone_calls_with_the_phone_lines_dispositions(at_day):
    by_phone = Call.objects.filter(source="demo", route="CCD", assignments__isnull=True)
    found = set(by_phone.exclude(status="phone").values_list("ccd_disposition", flat=True))
    assert found == {
        "resolved_by_phone",
        "safety_plan_made",
        "referred_to_care_navigation",
        "transferred_to_988",
        "caller_disconnected",
    }
    converted = Call.objects.filter(source="demo", ccd_disposition="converted_to_field_response")
    assert converted.exists() and not converted.filter(route="CCD").exists()
    # A CCD referral opens a case as a field referral does.
    assert Case.objects.filter(call__ccd_disposition="referred_to_care_navigation").exists()
    # Third parties who need nobody to come reach CCD under the published version 2.
    third_party = Call.objects.filter(source="demo", rule="R7b-third-party-phone")
    assert third_party.exists() and set(third_party.values_list("ruleset_version", flat=True)) == {
        2
    }
    dispositions = year_board().tables["dispositions"]
    phone = {row[1].csv: row[2].value for row in dispositions.rows if row[0].text != "In the field"}
    assert all(phone[code] > 0 for code in found)


def test_it_writes_a_few_safety_plans_one_for_the_caller_on_the_queue(at_day, client_for):
    plans = SafetyPlan.objects.all()
    people = set(plans.values_list("person_id", flat=True))
    assert len(people) == demo_process().ccd.safety_plans
    assert plans.filter(version=2).exists()  # some were revised
    assert not plans.filter(call__isnull=True, version=1).exists()  # each made on a call
    waiting = Call.objects.get(source="demo", status="phone", person__isnull=False)
    assert waiting.person.name.split()[0] == waiting.caller_name.split()[0]
    queue = client_for(demo_user("ccd")).get("/dispatch/ccd/").content.decode()
    assert f"/care/people/{waiting.person_id}/safety-plan/?call={waiting.pk}" in queue


# Outcomes, demographics and why connection is low (issue 15 items 3 and 6) ------------------


def test_it_records_outcomes_and_demographics_at_the_years_clearings(at_day):
    from dispatch.models import CallOutcome

    outcomes = CallOutcome.objects.filter(call__source="demo")
    department = Call.objects.filter(
        source="demo", assignments__unit__kind__in=["HEART", "CO_RESPONSE"]
    ).distinct()
    assert 0.8 < outcomes.count() / department.count() < 1  # a few clearings leave them out
    assert outcomes.filter(transport_by="heart", transport_to="crisis_center").exists()
    assert outcomes.filter(transport_voluntary="involuntary").exists()
    assert outcomes.filter(arrest=True).exists() and outcomes.filter(ivc_petitioned=True).exists()
    assert outcomes.filter(age_band="not_collected").exists()
    assert outcomes.filter(race_ethnicity="black").exists()


def test_it_shows_the_outcome_cuts_with_some_cells_suppressed(at_day):
    tables = year_board().tables
    race = tables["outcomes_race_ethnicity"]
    shown = [cell.csv for row in race.rows for cell in row[2:]]
    assert "*" in shown, "the smallest groups are suppressed"
    assert any(isinstance(v, int) and v >= 11 for v in shown)
    assert all(v == "*" or v >= 11 for v in shown)


def test_it_fills_the_connection_section(at_day):
    tables = year_board().tables
    needs = {row[0].csv: row for row in tables["connection_needs"].rows}
    columns = tables["connection_needs"].columns
    housing = dict(zip(columns, (c.csv for c in needs["housing"]), strict=True))
    columns_filled = ("Connected", "Waitlisted", "Unavailable", "Declined")
    for column in (*columns_filled, "Not referred: person unreachable"):
        assert housing[column] > 0, column
    assert tables["connection_unavailable"].rows
    assert tables["connection_waitlists"].rows
    contact = {row[0].text: row[1].csv for row in tables["connection_contact"].rows}
    assert contact["Within 24 h"] > 0 and contact["Flagged unable to reach"] > 0


# Partner agencies ------------------------------------------------------------------------


def test_it_has_the_ecc_transfer_calls_that_the_board_marks_and_the_ecc_hears_of(
    at_day, client_for
):
    from interop.models import Agency, PartnerDelivery

    ecc = Agency.objects.get(name="Durham Emergency Communications Center")
    assert ecc.users.filter(username="ecc", groups__name="partner").exists()
    assert Agency.objects.filter(name="Regional 988 Crisis Center").exists()
    transferred = Call.objects.filter(transferred_from=ecc.name)
    assert transferred.count() == 2
    assert {c.call_type_id for c in transferred} == {"MENTAL_HEALTH", "WELFARE_CHECK"}
    assert all(c.address and c.lat and c.callback_number for c in transferred)
    assert PartnerDelivery.objects.filter(event="assigned", endpoint__agency=ecc).count() == 1
    page = client_for(demo_user("dispatcher")).get("/dispatch/board/")
    assert "transferred from Durham Emergency Communications Center" in page.content.decode()
    log = client_for(demo_user("supervisor")).get("/partners/deliveries/")
    assert "cad.ecc.durhamnc.example" in log.content.decode()


def test_it_shows_the_call_after_intake(at_day):
    from dispatch.models import AlertAcknowledgement, CallNote
    from dispatch.timeline import call_timeline

    notes = CallNote.objects.filter(call__source="demo")
    assert notes.filter(kind="note", unit__kind="HEART").count() >= 2
    assert notes.filter(kind="supplement").exclude(changes={}).exists()
    assert Call.objects.filter(source="demo", cancel_reason="caller_hung_up").exists()
    duplicate = Call.objects.get(source="demo", status="linked", address="204 N Mangum St")
    kept_timeline = call_timeline(duplicate.duplicate_of)
    assert any(e.from_call == duplicate.pk for e in kept_timeline)
    assert AlertAcknowledgement.objects.filter(call__source="demo", kind="backup").exists()


def test_it_triages_the_calls_of_the_moment_as_they_came_in_not_when_it_was_seeded(at_day):
    from dispatch.demo_after_intake import INTAKE_TIME

    today = Call.objects.filter(source="demo", received_at__gte=timezone.now() - timedelta(hours=3))
    assert today.count() >= 10
    for call in today:
        assert call.received_at <= call.triaged_at <= call.received_at + INTAKE_TIME, call.pk


# The roster and language access -----------------------------------------------------------


def test_it_rosters_three_person_heart_teams_and_co_response_pairs(at_day, client_for):
    units = list(Unit.objects.filter(name__in=list(DEMO_CREWS)))
    by_id = unit_makeups(units)
    makeups = {u.name: by_id[u.pk] for u in units}
    for name in ("HEART-1", "HEART-2", "HEART-3"):
        assert len(makeups[name].crew) == 3 and makeups[name].complete, name
    assert makeups["CORE-1"].crew == ("core1-clinician", "core1-officer")
    assert makeups["CORE-1"].complete and "es" in makeups["CORE-1"].languages
    # The peer out sick today: HEART-4 rolls as two, and the board says what is missing.
    assert makeups["HEART-4"].warning == "missing Peer support specialist"
    hours = {
        (s.unit.kind, s.starts_at.astimezone(NY).hour, s.ends_at.astimezone(NY).hour)
        for s in RosterShift.objects.select_related("unit")
    }
    assert hours == {("HEART", 7, 19), ("CO_RESPONSE", 9, 21)}
    board = unescape(client_for(demo_user("dispatcher")).get("/dispatch/board/").content.decode())
    assert "missing Peer support specialist" in board
    roster = client_for(demo_user("supervisor")).get("/dispatch/roster/").content.decode()
    assert "Add a shift" in roster and "heart1-emt" in roster


def test_it_takes_spanish_speaking_callers_and_shows_who_speaks_spanish(at_day, client_for):
    spanish = Call.objects.filter(caller_language="es", source="demo")
    assert spanish.count() >= 2 and spanish.filter(interpreter_used=True).exists()
    call = spanish.filter(status__in=["queued", "held"]).first() or spanish.first()
    assert call is not None
    page = client_for(demo_user("dispatcher")).get(f"/dispatch/calls/{call.pk}/")
    text = unescape(page.content.decode())
    assert "Spanish" in text
    offered = Service.objects.filter(languages__language="es").count()
    assert 0 < offered < Service.objects.count()


# Location (issue 13) ---------------------------------------------------------------------


def test_it_loads_address_data_and_beats_that_place_the_calls_of_the_moment(at_day, client_for):
    from location.selectors import basemap, geocode

    best = geocode(q="200 n mangum st")[0]
    assert (best.address, best.match) == ("200 N MANGUM ST", "address_point")
    assert geocode(q="W Main St & N Mangum St")
    layer = basemap()["features"]
    assert len([f for f in layer if f["properties"]["kind"] == "zone"]) == 12
    assert len([f for f in layer if f["properties"]["kind"] == "street"]) >= 8
    waiting = list(selectors.waiting_calls())
    # The call-takers' calls of the moment, waiting or with a unit (a PSAP's transfer keeps the
    # PSAP's own location, docs/interop.md).
    now_open = Call.objects.filter(
        source="demo", status__in=["queued", "held", "active"], transferred_from=""
    )
    placed = [c for c in now_open if c.address[:1].isdigit()]
    assert placed and all(c.location_source == "address_point" for c in placed)
    # The beats are those of the 2021 study (12 of Durham's): a point outside them has none.
    assert {c.zone for c in placed} >= {"512", "411"}
    unplaced = [c for c in waiting if c.lat is None]
    assert unplaced and all(c.landmark for c in unplaced)
    page = client_for(demo_user("dispatcher")).get("/dispatch/board/").content.decode()
    assert "unverified location" in page
