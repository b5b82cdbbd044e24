"""Shared fixtures: named actors for every role, and the CI rule that nothing may skip."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from access import roles
from tests.factories import UserFactory


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    # In CI a skipped test is a failed test: a test that can skip does not exist.
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which is not allowed: {report.longrepr}"


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """Transactional tests flush every table: put the seeded defaults (rule set 1, and the
    default policy's version 2 published over it) and the roles back."""
    importlib.import_module("triage.migrations.0002_seed_defaults").seed(apps, None)
    importlib.import_module(
        "triage.migrations.0003_third_party_phone_rule"
    ).publish_third_party_phone(apps, None)
    roles.sync_role_groups()


@pytest.fixture
def make_user(db: None) -> Callable[..., object]:
    def make(username: str, *role_names: str, **extra: object) -> object:
        user = UserFactory(username=username, **extra)
        user.groups.set(Group.objects.filter(name__in=role_names))
        return user

    return make


@pytest.fixture
def call_taker(make_user):  # type: ignore[no-untyped-def]
    return make_user("casey", roles.CALL_TAKER)


@pytest.fixture
def dispatcher(make_user):  # type: ignore[no-untyped-def]
    return make_user("dana", roles.CALL_TAKER, roles.DISPATCHER)


@pytest.fixture
def responder(make_user):  # type: ignore[no-untyped-def]
    return make_user("riley", roles.RESPONDER)


@pytest.fixture
def ccd_clinician(make_user):  # type: ignore[no-untyped-def]
    return make_user("chris", roles.CCD_CLINICIAN)


@pytest.fixture
def navigator(make_user):  # type: ignore[no-untyped-def]
    return make_user("nia", roles.NAVIGATOR)


@pytest.fixture
def supervisor(make_user):  # type: ignore[no-untyped-def]
    return make_user("sam", roles.SUPERVISOR)


@pytest.fixture
def admin_user_role(make_user):  # type: ignore[no-untyped-def]
    return make_user("alex", roles.ADMIN, is_staff=True)


@pytest.fixture
def outsider(make_user):  # type: ignore[no-untyped-def]
    return make_user("olly")


@pytest.fixture
def client_for() -> Callable[[object], Client]:
    def login(user: object) -> Client:
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        return client

    return login
