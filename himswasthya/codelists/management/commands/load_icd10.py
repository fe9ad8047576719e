"""Load the WHO ICD-10 (2019) code list shipped in codelists/data (idempotent: upsert by code)."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from himswasthya.codelists.models import Icd10Code, Icd10Kind

DATA = Path(__file__).resolve().parents[2] / "data" / "icd10_who_2019.csv"


def read_codes(path: Path = DATA) -> list[Icd10Code]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
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

    def handle(self, *args, **options) -> None:
        codes = read_codes()
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
