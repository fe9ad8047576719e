"""Link signed visits and admissions to their patients' ABHAs at ABDM (HIP-initiated linking).

    python manage.py link_care_contexts             # one run
    python manage.py link_care_contexts --every 60  # a worker: a run every 60 s

Idempotent: a care context is one row per (HIP id, reference); a run adds the new ones and sends what waits
(abdm/hip.py explains why this is a worker and not part of signing)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from himswasthya.abdm import hip


class Command(BaseCommand):
    help = "Link care contexts (signed encounters) to the patients' ABHAs at ABDM."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds (a worker)")
        parser.add_argument("--person", type=int, action="append", help="only this person id (repeatable)")

    def handle(self, *args: Any, every: float = 0, person: list[int] | None = None, **options: Any) -> None:
        while True:
            counts = hip.link_all(person_ids=person)
            self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            if not every:
                return
            time.sleep(every)
