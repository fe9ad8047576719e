import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from himswasthya.abdm.models import SimulatedAbhaAccount
from himswasthya.abdm.simulator.share import SHARE_PATH, push_profile_share


class Command(BaseCommand):
    help = (
        "Act as the ABDM gateway: push a scan-and-share PROFILE_SHARE (signed JWT) to a HIP bridge callback."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "url", nargs="?", default=f"http://127.0.0.1:8000{SHARE_PATH}", help="bridge callback URL"
        )
        parser.add_argument("--hip-id", default=settings.ABDM_HIP_ID)
        parser.add_argument("--counter", default="1", help="counter id of the facility QR (metaData.context)")
        parser.add_argument("--abha-address", required=True, help="a simulated account's ABHA address")

    def handle(self, *args, url: str, hip_id: str, counter: str, abha_address: str, **options):
        try:
            result = push_profile_share(url, hip_id=hip_id, counter=counter, abha_address=abha_address)
        except SimulatedAbhaAccount.DoesNotExist as exc:
            raise CommandError(
                f"No simulated ABHA account {abha_address!r}; run abdm_sim_seed first"
            ) from exc
        except requests.RequestException as exc:
            raise CommandError(f"Could not reach {url}: {type(exc).__name__}") from exc
        self.stdout.write(f"POST {url} -> HTTP {result.status_code} (REQUEST-ID {result.request_id})")
        if result.status_code >= 300:
            raise CommandError("the bridge did not accept the share")
