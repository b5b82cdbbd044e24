"""Publish the default policy's next version: version 1 plus R7b-third-party-phone (issue 15).

A supervisor's path, through the rule-set services: a draft copied from the published version,
the rule added in front of R8-community, the draft published. So the new version is checked,
compiled and audited like any other, version 1 stays as it was (retired), and replay and the
what-if show the difference. A department that has published a policy of its own keeps it:
the rule is added only where the untouched default version 1 is in force (docs/triage.md says
how to add it by hand).

The services run today's models, not this migration's state, and open durable transactions of
their own (hence atomic = False). They write rule sets and the audit log, so this runs after
every migration of access; a later migration that changes RuleSet, CallType or
ServiceSchedule must come with a copy of this one's work that does not need it.
"""

from django.db import migrations


def publish_third_party_phone(apps, schema_editor):
    from triage import services
    from triage.default_policy import (
        DEFAULT_RULES,
        THIRD_PARTY_PHONE_BEFORE,
        THIRD_PARTY_PHONE_RULE,
    )

    RuleSet = apps.get_model("triage", "RuleSet")
    published = RuleSet.objects.filter(status="published").first()
    if published is None or published.rules != DEFAULT_RULES:
        return
    draft = services.ruleset_draft_create(
        by=None,
        based_on=published.version,
        description="Default policy with R7b-third-party-phone (issue 15)",
    )
    services.ruleset_rule_add(
        version=draft.version,
        rule=THIRD_PARTY_PHONE_RULE,
        before=THIRD_PARTY_PHONE_BEFORE,
        by=None,
    )
    services.ruleset_publish(version=draft.version, by=None)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("triage", "0002_seed_defaults"),
        ("access", "0001_initial"),
    ]

    operations = [migrations.RunPython(publish_third_party_phone, migrations.RunPython.noop)]
