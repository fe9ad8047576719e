"""Send the outbox's due SMS: from cron every minute, or as a worker with --every (production, where the
booking request leaves its SMS to this command: SMS_SEND_IN_REQUEST off)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from himswasthya.notify.outbox import send_pending


class Command(BaseCommand):
    help = "Send the pending SMS of the outbox whose next attempt is due (oldest first)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="At most this many messages per run.")
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="Keep running: look for due messages every this many seconds (a worker; 0 = once).",
        )

    def handle(self, *args, **options) -> None:
        while True:
            counts = send_pending(limit=options["limit"])
            if not options["every"] or any(counts.values()):
                self.stdout.write(
                    f"SMS outbox: {counts['sent']} sent, {counts['pending']} still pending, "
                    f"{counts['failed']} failed"
                )
            if not options["every"]:
                return
            time.sleep(options["every"])
