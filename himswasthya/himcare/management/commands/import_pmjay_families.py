"""Import the AB-PMJAY family list (CSV: family_id or ration_card_no, source, listed_on). Idempotent."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from himswasthya.core.errors import DomainError
from himswasthya.core.importfiles import command_error, read_text_file
from himswasthya.himcare.enrolment.services import do_import_pmjay_list, read_pmjay_csv


class Command(BaseCommand):
    help = "Import the AB-PMJAY family list from a CSV file (families on it are not eligible for HIMCARE)."

    def add_arguments(self, parser):
        parser.add_argument("csv_path")

    def handle(self, *args, **options):
        path = Path(options["csv_path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            result = do_import_pmjay_list(read_pmjay_csv(read_text_file(path)))
        except DomainError as exc:
            raise command_error(exc, path) from exc
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
            f"errors {len(result.errors)}"
        )
        for error in result.errors:
            self.stderr.write(f"line {error.row}: {error.reason}")
