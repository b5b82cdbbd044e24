"""python manage.py import_hsds PATH: import an Open Referral HSDS directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from care_navigation.hsds import HsdsError, hsds_import


class Command(BaseCommand):
    help = (
        "Import an Open Referral HSDS 1.x service directory (a datapackage folder, or a folder "
        "of its CSVs) and report the rows taken and rejected, with reasons."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="datapackage folder, datapackage.json or CSVs")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = hsds_import(path=options["path"])
        except HsdsError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
