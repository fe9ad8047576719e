"""`manage.py load_places`: load (or refresh) the LGD geography of HP and report the source's defects."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from himswasthya.core.importfiles import ImportFileError, command_error
from himswasthya.places.loader import DATA_DIR, load_places


class Command(BaseCommand):
    help = (
        "Load state, districts, blocks, tehsils, urban local bodies (LGD) and gram panchayats (HPSDMA) from "
        "himswasthya/places/data/. Idempotent; one transaction. Every defect of the source is reported "
        "(summary here, full list as CSV) and only sound rows are loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--report",
            type=Path,
            default=settings.VAR_DIR / "places_anomalies.csv",
            help="where to write the anomaly report (CSV; default var/places_anomalies.csv)",
        )
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder with the source CSVs")

    def handle(self, *args, report: Path, data_dir: Path, **options) -> None:
        started = time.perf_counter()
        try:
            result = load_places(data_dir)
        except ImportFileError as exc:
            raise command_error(exc, exc.path or data_dir) from exc
        elapsed = time.perf_counter() - started
        for level, c in result.levels.items():
            self.stdout.write(f"{level:20} loaded {c.loaded:5}  created {c.created:5}  updated {c.updated:5}")
        self.stdout.write(f"Anomalies ({len(result.anomalies)}):")
        for kind, count in sorted(result.anomaly_counts().items()):
            self.stdout.write(f"  {kind:30} {count:5}")
        result.write_report(report)
        self.stdout.write(f"Full anomaly report: {report}")
        self.stdout.write(
            self.style.SUCCESS(f"Done in {elapsed:.2f} s; {result.changed} rows created or updated.")
        )
