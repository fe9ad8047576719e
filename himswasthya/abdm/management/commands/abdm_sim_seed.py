from django.core.management.base import BaseCommand

from himswasthya.abdm.models import SimulatedAbhaAccount
from himswasthya.abdm.simulator.seed import DEMO_ACCOUNT, seed_accounts


class Command(BaseCommand):
    help = "Seed the ABDM simulator with synthetic Himachali ABHA accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=25, help="synthetic accounts besides the demo one")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same accounts)")

    def handle(self, *args, count: int, seed: int, **options):
        created = seed_accounts(count, seed=seed)
        total = SimulatedAbhaAccount.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} simulated ABHA accounts created, {total} in all. "
                f"Demo: {DEMO_ACCOUNT['abha_address']} / {DEMO_ACCOUNT['abha_number']}"
            )
        )
