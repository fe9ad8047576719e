"""Print the register of personal data (SEC-1): every declared field, its purposes and lawful basis.

For the DPDP privacy notice and the state legal cell: `--format csv` for a spreadsheet, `--language hi`.
"""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from himswasthya.core.privacy import check_all, register


class Command(BaseCommand):
    help = "Print every personal-data field with its purposes and lawful basis (DPDP Act, SEC-1)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["table", "csv"], default="table")
        parser.add_argument("--language", default="en", help="en or hi")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            # The table keeps purpose codes (core/privacy.py PURPOSES) to stay readable; CSV spells them out.
            spell = options["format"] == "csv"
            rows = [
                (
                    r.model,
                    r.field,
                    "; ".join(r.purpose_labels() if spell else r.purposes),
                    r.basis_label(),
                    r.note,
                )
                for r in register()
            ]
            header = ("model", "field", "purposes", "basis", "note")
            if options["format"] == "csv":
                writer = csv.writer(self.stdout)
                writer.writerow(header)
                writer.writerows(rows)
            else:
                widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
                for row in [header, tuple("-" * w for w in widths), *rows]:
                    self.stdout.write(
                        "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
                    )
        problems = check_all()
        if problems:
            raise CommandError(
                "fields that look personal but are not declared:\n" + "\n".join(str(p) for p in problems)
            )
