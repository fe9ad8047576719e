"""manage.py import_himcare_packages <csv> [--dry-run] [--illustrative]: load a package master (HBP)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from himswasthya.core.errors import DomainError
from himswasthya.core.importfiles import command_error
from himswasthya.himcare.hospitals.packages import ILLUSTRATIVE_CSV, import_packages


class Command(BaseCommand):
    help = (
        "Import HIMCARE packages from a CSV in the national HBP layout (upsert by procedure code). "
        f"The demo set with illustrative rates is {ILLUSTRATIVE_CSV}."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("csv", help="path of the CSV file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--illustrative", action="store_true", help="mark the rates as illustrative (not official)"
        )

    def handle(self, *args, **options) -> None:
        try:
            with open(options["csv"], "rb") as stream:
                report = import_packages(
                    stream, dry_run=options["dry_run"], illustrative=options["illustrative"]
                )
        except OSError as exc:
            raise CommandError(f"{options['csv']}: cannot read the file: {exc.strerror or exc}") from exc
        except DomainError as exc:
            raise command_error(exc, options["csv"]) from exc
        for error in report.errors:
            self.stderr.write(f"row {error.row}: {error.field}: {error.reason}")
        prefix = "dry run: " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}{report.rows} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.errors_total} with errors; "
            f"{report.specialties_created} new specialties"
            + (" (illustrative rates)" if report.illustrative else "")
        )
