"""manage.py import_himparivar FILE [--dry-run] [--format csv|json] [--batch 500]

Import a Him Parivar register export (schema: himparivar/README.md). Idempotent: rerunning the same file,
or rerunning after an interrupted run, gives the same database. Errors go to FILE.errors.csv.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from himswasthya.core.errors import DomainError
from himswasthya.core.importfiles import command_error
from himswasthya.himparivar.register_services import do_import_register


class Command(BaseCommand):
    help = "Import a Him Parivar register export (CSV or JSON), with a per-row error report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and count; write nothing.")
        parser.add_argument("--batch", type=int, default=500, help="Families per transaction.")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        quiet = options["verbosity"] == 0
        with tqdm(
            total=path.stat().st_size, unit="B", unit_scale=True, disable=quiet, dynamic_ncols=True
        ) as bar:

            def progress(bytes_read: int, members: int) -> None:
                bar.update(bytes_read - bar.n)
                bar.set_postfix(members=members, refresh=False)

            try:
                outcome = do_import_register(
                    None,
                    path,
                    file_name=path.name,
                    dry_run=options["dry_run"],
                    on_progress=progress,
                    batch_families=options["batch"],
                )
            except DomainError as exc:
                raise command_error(exc, path) from exc
            except OSError as exc:
                raise CommandError(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
        counts = outcome.result.counts.as_dict()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
        if outcome.result.error_report:
            self.stdout.write(f"Error report: {outcome.result.error_report}")
