"""Load the National List of Essential Medicines 2022 shipped in codelists/data (idempotent: upsert by
medicine, dosage form and strength). Rows without a medicine name or section are reported, not loaded."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from himswasthya.codelists.models import Medicine
from himswasthya.core.importfiles import ImportFileError, RowError, command_error, open_csv

DATA = Path(__file__).resolve().parents[2] / "data" / "nlem_2022_medicines.csv"

COLUMNS = ("section_number", "section_name", "medicine", "level_of_care", "dosage_form", "strength")


def read_medicines(path: Path = DATA) -> tuple[list[Medicine], list[RowError]]:
    """The distinct products of a CSV (columns COLUMNS; the first section of a repeated product) and the
    row errors of rows that cannot be loaded; a malformed file is an ImportFileError naming the line."""
    with open_csv(path) as reader:
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFileError(f"columns missing from the header: {', '.join(missing)}", line=1, path=path)
        rows = list(reader)
    medicines: dict[tuple[str, str, str], Medicine] = {}
    errors: list[RowError] = []
    for line, row in enumerate(rows, start=2):
        if any(row.get(c) is None for c in COLUMNS):
            raise ImportFileError("the row has fewer cells than the header", line=line, path=path)
        name = " ".join(row["medicine"].split())
        if not name:
            errors.append(RowError(line, "medicine", _("The medicine has no name.")))
            continue
        if not row["section_number"].strip().isdigit():
            errors.append(RowError(line, "section_number", _("The section number is not a whole number.")))
            continue
        key = (name, row["dosage_form"].strip(), row["strength"].strip())
        medicines.setdefault(
            key,
            Medicine(
                name=key[0],
                dosage_form=key[1],
                strength=key[2],
                level_of_care=row["level_of_care"].strip(),
                section_number=int(row["section_number"]),
                section_name=row["section_name"].strip(),
            ),
        )
    return list(medicines.values()), errors


class Command(BaseCommand):
    help = "Load or refresh the National List of Essential Medicines (NLEM 2022)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--file", type=Path, default=DATA, help="the CSV to load (default: the shipped list)"
        )

    def handle(self, *args, **options) -> None:
        try:
            medicines, errors = read_medicines(options["file"])
        except ImportFileError as exc:
            raise command_error(exc, options["file"]) from exc
        with transaction.atomic():
            Medicine.objects.bulk_create(
                medicines,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["name", "dosage_form", "strength"],
                update_fields=["level_of_care", "section_number", "section_name"],
            )
        for error in errors:
            self.stderr.write(f"{options['file']}: line {error.row}: {error.field}: {error.reason}")
        self.stdout.write(f"Essential medicines: {len(medicines)} loaded, {len(errors)} rows refused.")
