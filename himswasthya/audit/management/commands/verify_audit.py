"""Verify the whole audit hash chain against its key and every checkpoint. Exit 1 and name the first bad
entry when it was tampered with, deleted from, inserted into or rewound, or when the checkpoint file was
changed or cut back; exit 2 when all is sound but entries stayed unsealed, or sealed but not checkpointed,
too long (cron jobs `seal_audit` / `checkpoint_audit` not running)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from himswasthya.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and checkpoints; non-zero exit on any break."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stale-after",
            type=int,
            default=300,
            help="Report entries unsealed, or not checkpointed, after this many seconds (default 300).",
        )
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args: Any, stale_after: int, chunk_size: int, **options: Any) -> None:
        result = verify_chain(stale_after_seconds=stale_after, chunk_size=chunk_size)
        if not result.ok:
            self.stderr.write(self.style.ERROR(f"AUDIT CHAIN BROKEN ({result.problem}): {result.message}"))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"OK: {result.message} in {result.seconds:.2f} s"))
        warnings = []
        if result.stale_unsealed:
            warnings.append(
                f"{result.stale_unsealed} audit entries are still unsealed after {stale_after} s: "
                f"run `manage.py seal_audit` and check why they were not sealed (AUDIT_SEAL_MODE; "
                f'with "worker", is `seal_audit --every` running? its log)'
            )
        if result.unanchored:
            warnings.append(
                f"{result.unanchored} sealed audit entries are not covered by a checkpoint after "
                f"{stale_after} s: run `manage.py checkpoint_audit` from cron (AUDIT_CHECKPOINT_PATH)"
            )
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
        if warnings:
            raise SystemExit(2)
