"""Seal committed audit entries still outside the chain: once (cron, a safety net), or as the sealing worker
with --every (production on PostgreSQL, AUDIT_SEAL_MODE "worker": requests only INSERT their entries and this
process seals them; see audit/chain.py). No web process runs a sealing thread."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from himswasthya.audit.chain import DEFAULT_BATCH_SIZE, run_sealing_worker, seal_pending


class Command(BaseCommand):
    help = "Seal pending (unsealed) audit entries into the hash chain (once, or every N seconds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="Keep running: seal what is pending every this many seconds (a worker, e.g. 0.2; 0 = once).",
        )

    def handle(self, *args: Any, batch_size: int, every: float, **options: Any) -> None:
        if not every:
            sealed = seal_pending(batch_size=batch_size)
            self.stdout.write(self.style.SUCCESS(f"sealed {sealed} audit entries"))
            return
        if every < 0:
            self.stderr.write("--every must be positive")
            raise SystemExit(2)
        self.stdout.write(f"sealing audit entries every {every:g} s")
        verbose = options.get("verbosity", 1) > 1
        run_sealing_worker(
            every,
            batch_size=batch_size,
            on_sealed=(lambda n: self.stdout.write(f"sealed {n} audit entries")) if verbose else None,
        )
