"""Load the WHO ICD-10 (2019) code list shipped in codelists/data (idempotent: upsert by code)."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from himswasthya.codelists.models import Icd10Code, Icd10Kind
from himswasthya.core.importfiles import ImportFileError, command_error, open_csv

DATA = Path(__file__).resolve().parents[2] / "data" / "icd10_who_2019.csv"


COLUMNS = ("code", "title", "type", "parent_code", "chapter")


def read_codes(path: Path = DATA) -> list[Icd10Code]:
    """The code list of a CSV (columns COLUMNS); a malformed file is an ImportFileError naming the line."""
    with open_csv(path) as reader:
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFileError(f"columns missing from the header: {', '.join(missing)}", line=1, path=path)
        rows = list(reader)
    bad = next((i for i, row in enumerate(rows) if any(row.get(c) is None for c in COLUMNS)), None)
    if bad is not None:
        raise ImportFileError("the row has fewer cells than the header", line=bad + 2, path=path)
    parents = {row["parent_code"] for row in rows}
    return [
        Icd10Code(
            code=row["code"],
            title=row["title"],
            kind=row["type"],
            parent_code=row["parent_code"],
            chapter=row["chapter"],
            is_codable=row["type"] == Icd10Kind.SUBCATEGORY
            or (row["type"] == Icd10Kind.CATEGORY and row["code"] not in parents),
        )
        for row in rows
    ]


class Command(BaseCommand):
    help = "Load or refresh the ICD-10 code list (WHO 2019)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--file", type=Path, default=DATA, help="the CSV to load (default: the shipped list)"
        )

    def handle(self, *args, **options) -> None:
        try:
            codes = read_codes(options["file"])
        except ImportFileError as exc:
            raise command_error(exc, options["file"]) from exc
        with transaction.atomic():
            Icd10Code.objects.bulk_create(
                codes,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["title", "kind", "parent_code", "chapter", "is_codable"],
            )
        codable = sum(c.is_codable for c in codes)
        self.stdout.write(f"ICD-10: {len(codes)} codes loaded ({codable} usable as diagnoses).")
