"""python manage.py import_zones FILE.geojson --name-property PROP"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from location.services import FileRefused, zones_import


class Command(BaseCommand):
    help = (
        "Load zone or beat polygons from GeoJSON, each named by a property; a zone of the "
        "same name is replaced. A bad feature refuses the whole file. See docs/location.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.geojson")
        parser.add_argument("--name-property", required=True, metavar="PROP")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = zones_import(path=options["file"], name_property=options["name_property"])
        except (FileRefused, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Zones: {summary.created} created, {summary.updated} replaced")
