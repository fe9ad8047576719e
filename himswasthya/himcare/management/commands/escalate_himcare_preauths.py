"""Escalate overdue HIMCARE pre-authorisations (run every few minutes, e.g. from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from himswasthya.himcare.cases.services import escalate_overdue_preauths


class Command(BaseCommand):
    help = "Escalate pending pre-authorisations past their decision time (deemed approval if configured)."

    def handle(self, *args, **options):
        counts = escalate_overdue_preauths()
        self.stdout.write(f"escalated: {counts['escalated']}, deemed approved: {counts['deemed_approved']}")
