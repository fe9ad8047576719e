"""Anchor the audit chain outside the database: seal what is pending, then append an HMAC-signed checkpoint
of the chain head (position, hash, time) to AUDIT_CHECKPOINT_PATH, if the head moved since the last one.

Run it every minute from cron on ONE host (the file is one sequence; several hosts would each need the same
shared file), ideally with the file append-only for the application's user (`chattr +a`) or shipped to
another machine. It refuses to write (exit 1) when the file or the chain disagrees with the latest
checkpoint: signing a rewound chain would hide the rewinding. `verify_audit` then says what happened."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from himswasthya.audit.chain import write_checkpoint
from himswasthya.audit.checkpoints import CheckpointError, checkpoint_path


class Command(BaseCommand):
    help = "Append a signed checkpoint of the audit chain's head to AUDIT_CHECKPOINT_PATH."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = write_checkpoint()
        except CheckpointError as exc:
            raise CommandError(f"AUDIT CHECKPOINT REFUSED: {exc}") from exc
        if checkpoint is None:
            self.stdout.write("the chain head has not moved since the latest checkpoint")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"checkpoint {checkpoint.n}: seq {checkpoint.seq}, hash {checkpoint.hash[:16]}… "
                f"appended to {checkpoint_path()}"
            )
        )
