"""Mark active HIMCARE enrolments whose validity has ended as expired (run daily from cron)."""

from django.core.management.base import BaseCommand

from himswasthya.himcare.enrolment.services import expire_enrolments


class Command(BaseCommand):
    help = "Mark HIMCARE enrolments whose card validity has ended as expired."

    def handle(self, *args, **options):
        count = expire_enrolments()
        self.stdout.write(f"{count} enrolment(s) expired.")
