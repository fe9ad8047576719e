"""`manage.py load_facilities`: the synthetic demo network, or the state's real list from CSV."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from himswasthya.core.errors import DomainError
from himswasthya.core.importfiles import command_error
from himswasthya.facilities.csv_import import COLUMNS, import_facilities_csv, write_errors
from himswasthya.facilities.synthetic import generate_synthetic_network


class Command(BaseCommand):
    help = (
        "Load health facilities. --synthetic [--seed N]: generate the demonstration network "
        "(6 medical colleges, "
        "3 zonal, 9 regional, 92 civil hospitals, 107 CHCs, 585 PHCs, 2116 sub-centres; all is_synthetic). "
        "--csv PATH: import the state's list, upsert by code. CSV columns (UTF-8, header row): "
        + ", ".join(COLUMNS)
        + ". Required: code, name, facility_type (MC, ZH, RH, CH, CHC, PHC, SC), district_lgd_code. "
        "block_lgd_code must lie in the district; departments are codes separated by ';'; a blank name_hi is "
        "machine-transliterated. Rows with errors are skipped and listed in PATH.errors.csv "
        "(row, field, reason). "
        "Run load_places first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--synthetic", action="store_true", help="generate the synthetic network")
        mode.add_argument("--csv", type=Path, help="import a facility list from this CSV file")
        parser.add_argument(
            "--seed", type=int, default=2026, help="seed of the synthetic network (default 2026)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="with --csv: validate and report, write nothing"
        )

    def handle(self, *args, synthetic: bool, csv: Path | None, seed: int, dry_run: bool, **options) -> None:
        started = time.perf_counter()
        if synthetic:
            self._synthetic(seed)
        elif csv is not None:
            self._csv(csv, dry_run)
        self.stdout.write(f"Done in {time.perf_counter() - started:.2f} s.")

    def _synthetic(self, seed: int) -> None:
        try:
            result = generate_synthetic_network(seed)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        for ftype, n in result.per_type.items():
            self.stdout.write(f"  {ftype:4} {n:5}")
        c = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.total} synthetic facilities: {c.created} created, {c.updated} updated, "
                f"{c.unchanged} unchanged."
            )
        )

    def _csv(self, path: Path, dry_run: bool) -> None:
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            result = import_facilities_csv(path, dry_run=dry_run)
        except DomainError as exc:
            raise command_error(exc, path) from exc
        for e in result.errors:
            self.stderr.write(f"row {e.row}: {e.field}: {e.reason}")
        errors_path = path.with_name(path.name + ".errors.csv")
        write_errors(result, errors_path)
        c = result.counts
        prefix = "DRY RUN (nothing written): " if dry_run else ""
        self.stdout.write(
            f"{prefix}{result.rows} rows: {c.created} created, {c.updated} updated, {c.unchanged} unchanged, "
            f"{result.bad_rows} rejected (errors in {errors_path})."
        )
