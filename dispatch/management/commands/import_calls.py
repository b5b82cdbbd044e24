"""python manage.py import_calls FILE.csv (--profile NAME | --mapping MAPPING.toml)
[--rejects PATH]"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dispatch.importer import (
    ImportFailed,
    ImportMapping,
    MappingError,
    calls_import,
    mapping_load,
    profile_load,
    profile_names,
    rejects_path_default,
)

BAR_WIDTH = 30
# Redraw the bar at most this often (seconds): a terminal is slower than the import.
REDRAW_EVERY = 0.2


class Command(BaseCommand):
    help = (
        "Import a city's CAD export of past calls as closed calls, triaged by the published "
        "rule set. Calls keep their source and id, so importing a file again adds nothing; "
        "unreadable rows go to a rejects file with their line number and reason. "
        "See docs/import.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--profile",
            metavar="NAME",
            help=f"A shipped profile: {', '.join(profile_names())}",
        )
        which.add_argument(
            "--mapping",
            metavar="MAPPING_FILE",
            help="A mapping file (TOML) for a city that has no profile yet",
        )
        parser.add_argument(
            "--rejects",
            metavar="PATH",
            help="Where unreadable rows go (default: FILE.rejects.csv beside FILE.csv)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mapping = self._mapping(options)
        rejects = options["rejects"] or rejects_path_default(options["file"])
        bar = _ProgressBar(self.stderr) if self.stderr.isatty() else None
        try:
            summary = calls_import(
                path=options["file"],
                mapping=mapping,
                rejects_path=rejects,
                progress=bar.update if bar else None,
            )
        except (ImportFailed, MappingError) as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(str(error)) from None
        finally:
            if bar is not None:
                bar.finish()

        method = "PostgreSQL COPY" if summary.method == "copy" else "bulk insert"
        self.stdout.write(
            f"Imported {summary.file} with {summary.mapping} as source {summary.source!r} "
            f"(rule set v{summary.ruleset_version}, {method})"
        )
        self.stdout.write(
            f"read: {summary.read}, imported: {summary.imported}, "
            f"duplicates: {summary.duplicates}, rejected: {summary.rejected}, "
            f"time: {summary.seconds:.1f} s ({summary.rows_per_second:,.0f} rows/s)"
        )
        if summary.rejected:
            self.stderr.write(
                f"{summary.rejected} rows were not imported: see {summary.rejects_file}"
            )

    def _mapping(self, options: dict[str, Any]) -> ImportMapping:
        try:
            if options["profile"]:
                return profile_load(options["profile"])
            return mapping_load(options["mapping"])
        except MappingError as error:
            raise CommandError(str(error)) from None


class _ProgressBar:
    """``[#######.......]  45%  450,000 rows  3 s`` on one line of a terminal."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.started = time.monotonic()
        self.drawn = 0.0
        self.shown = False

    def update(self, rows: int, fraction: float) -> None:
        now = time.monotonic()
        done = fraction >= 1.0
        if now - self.drawn < REDRAW_EVERY and not done:
            return
        self.drawn = now
        filled = int(fraction * BAR_WIDTH)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        # Once the file is read, the calls are still being stored.
        state = "  storing the calls" if done else ""
        self.out.write(
            f"\r[{bar}] {fraction:4.0%}  {rows:,} rows  {now - self.started:.0f} s{state}",
            ending="",
        )
        self.out.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.out.write("")  # end the bar's line
