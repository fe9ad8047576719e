"""Retry the SMS that could not be sent after their booking committed (run from cron every minute)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from himswasthya.registration.notifications import send_pending


class Command(BaseCommand):
    help = "Send the pending SMS of the outbox whose next attempt is due (oldest first)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="At most this many messages per run.")

    def handle(self, *args, **options) -> None:
        counts = send_pending(limit=options["limit"])
        self.stdout.write(
            f"SMS outbox: {counts['sent']} sent, {counts['pending']} still pending, {counts['failed']} failed"
        )
