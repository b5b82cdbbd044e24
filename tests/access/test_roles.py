import pytest
from django.contrib.auth.models import Group

from access import roles

pytestmark = pytest.mark.django_db


def test_it_creates_a_group_per_role_on_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


def test_it_gives_the_union_of_several_roles(dispatcher):
    assert dispatcher.has_perm("dispatch.log_call")
    assert dispatcher.has_perm("dispatch.dispatch_call")
    assert not dispatcher.has_perm("triage.publish_ruleset")
    assert roles.user_roles(dispatcher) == ["call_taker", "dispatcher"]


def test_it_keeps_publishing_to_supervisors(supervisor, call_taker):
    assert supervisor.has_perm("triage.publish_ruleset")
    assert not call_taker.has_perm("triage.publish_ruleset")


def test_it_lets_admins_manage_users_units_and_call_types(admin_user_role):
    for perm in (
        "auth.change_user",
        "dispatch.add_unit",
        "triage.change_calltypemapping",
        "triage.change_serviceschedule",
    ):
        assert admin_user_role.has_perm(perm), perm


def test_it_gives_outsiders_nothing(outsider):
    assert outsider.get_all_permissions() == set()
    assert roles.user_roles(outsider) == []


def test_it_reads_a_users_permissions_once_per_request(dispatcher, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=dispatcher.pk)
    # ModelBackend: the user's own permissions, then their roles'; kept on the user object.
    with django_assert_num_queries(2):
        assert fresh.has_perm("dispatch.log_call")
        assert fresh.has_perm("dispatch.dispatch_call")
        assert not fresh.has_perm("triage.publish_ruleset")
