"""python manage.py import_addresses FILE [--format openaddresses|geojson] [--source NAME]"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from location.address_files import FORMATS
from location.services import FileRefused, addresses_import


class Command(BaseCommand):
    help = (
        "Load address points (OpenAddresses CSV or GeoJSON points) as the points of a source; "
        "importing again replaces that source's points. A bad row refuses the whole file. "
        "See docs/location.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--format", choices=FORMATS, default="openaddresses")
        parser.add_argument("--source", default="", help="Default: the file's name")

    def handle(self, *args: Any, **options: Any) -> None:
        tty = self.stderr.isatty()

        def progress(rows: int, fraction: float) -> None:
            sys.stderr.write(f"\r{rows:>10,} rows  {fraction:6.1%}")
            sys.stderr.flush()

        try:
            summary = addresses_import(
                path=options["file"],
                fmt=options["format"],
                source=options["source"],
                progress=progress if tty else None,
            )
        except (FileRefused, OSError) as error:
            raise CommandError(str(error)) from None
        finally:
            if tty:
                sys.stderr.write("\n")
        self.stdout.write(
            f"Imported {summary.read:,} address points as source {summary.source!r} "
            f"(replacing {summary.replaced:,}); {summary.streets:,} streets; "
            f"{summary.seconds:.1f} s"
        )
