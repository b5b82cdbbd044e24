import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from access.demo import DEMO_PASSWORD, DEMO_USERS
from dispatch.models import Call, Unit

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_department_once(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Call.objects.count(), Unit.objects.count())
    call_command("seed_demo")
    assert (Call.objects.count(), Unit.objects.count()) == counts
    assert Unit.objects.filter(kind="HEART").count() == 4
    assert Unit.objects.filter(kind="CO_RESPONSE").count() == 2
    assert Unit.objects.filter(kind="CCD").count() == 2
    for kind in ("POLICE", "FIRE", "EMS"):
        assert Unit.objects.filter(kind=kind).exists()


def test_it_signs_in_every_demo_user_with_the_readme_password(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    for username in DEMO_USERS:
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password=DEMO_PASSWORD)
        assert user is not None, username
    assert Unit.objects.get(name="HEART-1").members.filter(username="responder").exists()


def test_it_follows_the_durham_hours_and_types_over_30_days(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    past = Call.objects.filter(source="demo", status=Call.Status.CLOSED)
    assert 250 <= past.count() <= 450  # Durham's six crisis natures: about 11 calls a day
    types = set(past.values_list("call_type", flat=True))
    assert types <= {
        "TRESPASS",
        "MENTAL_HEALTH",
        "WELFARE_CHECK",
        "PANHANDLING",
        "SUICIDE_THREAT",
        "INTOXICATED",
    }
    # Every call keeps the rule and the version that routed it; night calls fell back.
    assert not past.filter(ruleset_version__isnull=True).exists()
    assert past.filter(unserved_reason="outside_hours").exists()
    assert past.filter(route="HEART", unserved_reason="").exists()
    assert Call.objects.filter(source="demo").exclude(status=Call.Status.CLOSED).count() == 4


def test_it_gives_the_navigator_a_caseload_once(settings):
    from care_navigation.models import Case

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    cases = Case.objects.all()
    assert cases.count() == 8
    assert {c.navigator.username for c in cases} == {"navigator"}
    assert all(c.call.disposition == "referred_to_care_navigation" for c in cases)
