"""manage.py sync_himparivar [--limit 500] [--max-pages N]

Pull the Him Parivar register's changes since the stored cursor (HIMPARIVAR_API_URL) and apply them; each
page commits together with its cursor. Meant for cron; exits non-zero if the register cannot be reached.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from himswasthya.core.errors import DomainError
from himswasthya.himparivar.register_services import do_sync_register


class Command(BaseCommand):
    help = "Pull and apply changes from the Him Parivar register's change feed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="Changes per page.")
        parser.add_argument("--max-pages", type=int, default=1000)

    def handle(self, *args, **options) -> None:
        try:
            outcome = do_sync_register(None, limit=options["limit"], max_pages=options["max_pages"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"pages={outcome.pages} applied={outcome.applied} rejected={outcome.rejected}"
            f" cursor={outcome.cursor}"
        )
        for error in outcome.errors[:50]:
            self.stdout.write(f"  change {error.row}: {error.item_id} {error.field}: {error.reason}")
