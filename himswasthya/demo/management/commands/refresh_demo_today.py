"""`manage.py refresh_demo_today`: today's OPD at the demo facility in every state (demo/opd_today.py)."""

from django.core.management.base import BaseCommand

from himswasthya.demo.opd_today import refresh_today
from himswasthya.himcare.cases.services import escalate_overdue_preauths


class Command(BaseCommand):
    help = (
        "Open today's and tomorrow's OPD session days at the demo facility and top up today's "
        "round-the-clock casualty queue with appointments in every state (booked, waiting, with the doctor, "
        "seen, not present); then run the HIMCARE pre-authorisation escalation job. Idempotent: run it at "
        "any time, e.g. after midnight for a demo left running."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(str(refresh_today()))
        counts = escalate_overdue_preauths()
        self.stdout.write(
            f"HIMCARE pre-authorisations: {counts['escalated']} escalated, "
            f"{counts['deemed_approved']} deemed approved."
        )
