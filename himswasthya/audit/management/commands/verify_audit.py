"""Verify the whole audit hash chain. Exit 1 and name the first bad entry when it was tampered with,
deleted from or inserted into; exit 2 when the chain is sound but entries stayed unsealed too long."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from himswasthya.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; non-zero exit on any break."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stale-after",
            type=int,
            default=300,
            help="Report unsealed entries older than this many seconds (default 300).",
        )
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args: Any, stale_after: int, chunk_size: int, **options: Any) -> None:
        result = verify_chain(stale_after_seconds=stale_after, chunk_size=chunk_size)
        if not result.ok:
            self.stderr.write(self.style.ERROR(f"AUDIT CHAIN BROKEN ({result.problem}): {result.message}"))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"OK: {result.message} in {result.seconds:.2f} s"))
        if result.stale_unsealed:
            self.stderr.write(
                self.style.WARNING(
                    f"{result.stale_unsealed} audit entries are still unsealed after {stale_after} s: "
                    f"run `manage.py seal_audit` and check why after-commit sealing fails "
                    f"(AUDIT_SEAL_MODE, the sealer's log)"
                )
            )
            raise SystemExit(2)
