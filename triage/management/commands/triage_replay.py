"""python manage.py triage_replay INPUT.csv OUTPUT.csv [--ruleset VERSION] [--tz ZONE]"""

from __future__ import annotations

import csv
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from triage.coverage import zone_for
from triage.engine import RuleSetError
from triage.models import RuleSet
from triage.replay import OUTPUT_COLUMNS, ReplayError, replay_csv
from triage.ruleset_selectors import ruleset_compile
from triage.selectors import NoPublishedRuleSet, label_map, ruleset_published


class Command(BaseCommand):
    help = (
        "Triage every call of a CSV file (id, call_type, received_at and the nine screening "
        "answers; other columns pass through) and write it with eligible_route, route, priority, "
        "rule, ruleset_version, unserved_reason and error. call_type may be a code or a mapped "
        "CAD label. Exits 1 when any row could not be triaged (see its error column)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", metavar="INPUT.csv")
        parser.add_argument("output", metavar="OUTPUT.csv")
        parser.add_argument(
            "--ruleset",
            type=int,
            metavar="VERSION",
            help="Rule-set version to apply, a draft included (default: the published one)",
        )
        parser.add_argument(
            "--tz",
            metavar="ZONE",
            help="IANA zone of received_at values without an offset, e.g. America/Los_Angeles "
            "for another city's export (default: TIME_ZONE, the department's zone). Duty hours "
            "stay in the department's zone.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        zone_name = options["tz"] or settings.TIME_ZONE
        try:
            zone = zone_for(zone_name)
        except ValueError as error:
            raise CommandError(f"--tz: {error}") from None
        ruleset = self._ruleset(options["ruleset"])
        try:
            compiled = ruleset_compile(ruleset)
        except RuleSetError as error:
            raise CommandError(f"rule set v{ruleset.version} cannot be used: {error}") from None
        try:
            summary = replay_csv(
                options["input"],
                options["output"],
                compiled=compiled.ruleset,
                coverage=compiled.coverage,
                label_map=label_map(),
                tz=zone,
            )
        except ReplayError as error:
            raise CommandError(f"{options['input']}: {error}") from None
        except OSError as error:
            raise CommandError(str(error)) from None

        self.stdout.write(
            f"Replayed {options['input']} with rule set v{ruleset.version} "
            f"(times without offset read in {zone_name}) into {options['output']}"
        )
        self.stdout.write(
            f"rows: {summary.rows}, routed: {summary.routed}, errors: {summary.errors}"
        )
        routes, unserved = _route_counts(options["output"])
        if summary.routed:
            self.stdout.write("share of routed calls per route:")
            for route, count in sorted(routes.items(), key=lambda item: (-item[1], item[0])):
                self.stdout.write(f"  {route:<12} {count:>7}  {100 * count / summary.routed:5.1f}%")
            self.stdout.write(
                f"eligible but unserved (off duty, went down the fallback chain): {unserved}"
            )
        if summary.errors:
            raise CommandError(
                f"{summary.errors} of {summary.rows} rows could not be triaged; "
                f"see the error column of {options['output']}"
            )

    def _ruleset(self, version: int | None) -> RuleSet:
        if version is None:
            try:
                return ruleset_published()
            except NoPublishedRuleSet as error:
                raise CommandError(str(error)) from None
        found = RuleSet.objects.filter(version=version).first()
        if found is None:
            known = ", ".join(
                f"v{v} ({s})" for v, s in RuleSet.objects.values_list("version", "status")
            )
            raise CommandError(f"rule set v{version} does not exist (known: {known or 'none'})")
        return found


def _route_counts(path: str) -> tuple[Counter[str], int]:
    """Routed calls per route, and how many fell back, read back from the output file."""
    routes: Counter[str] = Counter()
    unserved = 0
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return routes, 0
        # The output columns are the last ones, whatever the input's own columns are called.
        base = len(header) - len(OUTPUT_COLUMNS)
        at_route = base + OUTPUT_COLUMNS.index("route")
        at_reason = base + OUTPUT_COLUMNS.index("unserved_reason")
        at_error = base + OUTPUT_COLUMNS.index("error")
        for row in reader:
            if len(row) != len(header) or row[at_error] or not row[at_route]:
                continue
            routes[row[at_route]] += 1
            if row[at_reason]:
                unserved += 1
    return routes, unserved
