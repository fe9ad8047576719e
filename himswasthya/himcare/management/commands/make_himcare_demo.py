"""HIMCARE demo data on top of `make demo`'s population: the scheme year and enrolments, packages and
empanelled hospitals, cases in every status, then the misuse checks and the panchayat table. Idempotent."""

import importlib

from django.core.management.base import BaseCommand

# In dependency order; each module's make_demo(stdout) builds its part and may be run again.
PARTS = ("enrolment", "hospital", "claims", "monitoring")


class Command(BaseCommand):
    help = "Create or refresh the HIMCARE demo data (run after make_population and make_demo_users)."

    def handle(self, *args, **options) -> None:
        for part in PARTS:
            module = importlib.import_module(f"himswasthya.himcare.demo_{part}")
            self.stdout.write(f"HIMCARE demo: {part}")
            module.make_demo(self.stdout)
