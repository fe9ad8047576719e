"""HIMCARE demo data on top of `make demo`'s population: the scheme year and enrolments, packages and
empanelled hospitals, cases in every status spread over past months, the misuse checks and the panchayat
table, then the periodic jobs as they would have run (escalation, expiry). Idempotent."""

from django.core.management.base import BaseCommand

from himswasthya.demo.himcare import claims, enrolment, hospital, jobs, monitoring

# In dependency order; each module's make_demo(stdout) builds its part and may be run again.
PARTS = (
    ("enrolment", enrolment),
    ("hospital", hospital),
    ("claims", claims),
    ("monitoring", monitoring),
    ("jobs", jobs),
)


class Command(BaseCommand):
    help = "Create or refresh the HIMCARE demo data (run after make_population and make_demo_users)."

    def handle(self, *args, **options) -> None:
        for name, module in PARTS:
            self.stdout.write(f"HIMCARE demo: {name}")
            module.make_demo(self.stdout)
