from django.core.management.base import BaseCommand

from himswasthya.demo.records import make_demo_records


class Command(BaseCommand):
    help = (
        "Demo health records: signed OPD consultations at the demo facility over the past year (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--encounters", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        self.stdout.write(str(make_demo_records(encounters=options["encounters"], seed=options["seed"])))
