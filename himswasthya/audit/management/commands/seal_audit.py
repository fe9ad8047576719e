"""Seal any committed audit entries still outside the chain. Run every minute from cron as a safety net:
entries are normally sealed right after their transaction commits (inline, or within AUDIT_SEAL_INTERVAL_MS
by the process's background sealer), but a killed process can leave some behind."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from himswasthya.audit.chain import DEFAULT_BATCH_SIZE, seal_pending


class Command(BaseCommand):
    help = "Seal pending (unsealed) audit entries into the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        sealed = seal_pending(batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(f"sealed {sealed} audit entries"))
