"""manage.py make_population --people N [--seed S] [--batch 5000] [--replace]

A synthetic population of Himachal Pradesh in Him Parivar families over every loaded gram panchayat.
Deterministic for a seed. Refuses to add to an existing synthetic population (the same seed would mint the
same ids again): --replace deletes it first, --skip-existing leaves it and succeeds.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from himswasthya.core.errors import DomainError
from himswasthya.demo.population.services import do_make_population


class Command(BaseCommand):
    help = "Generate a synthetic population (families, members, people, identifiers) over the loaded places."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="How many people to create.")
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (same seed, same population)."
        )
        parser.add_argument("--batch", type=int, default=5000, help="People per transaction.")
        parser.add_argument("--replace", action="store_true", help="Delete the synthetic population first.")
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Do nothing (and succeed) if a synthetic population exists: for `make demo` run twice.",
        )
        parser.add_argument(
            "--orm",
            action="store_true",
            help="Write with bulk_create instead of COPY (PostgreSQL) / executemany.",
        )

    def handle(self, *args, **options) -> None:
        quiet = options["verbosity"] == 0
        with tqdm(total=options["people"], unit=" people", disable=quiet, dynamic_ncols=True) as bar:
            try:
                result = do_make_population(
                    options["people"],
                    seed=options["seed"],
                    batch_people=options["batch"],
                    replace=options["replace"],
                    fast_writer=not options["orm"],
                    on_batch=bar.update,
                )
            except DomainError as exc:
                if exc.code == "population_exists" and options["skip_existing"]:
                    self.stdout.write(
                        "A synthetic population exists already; nothing to do (--skip-existing)."
                    )
                    return
                raise CommandError(str(exc.message)) from exc
        rate = result.people / result.seconds if result.seconds else 0.0
        if not quiet:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {result.people} people in {result.families} families "
                    f"({result.identifiers} identifiers) in {result.seconds:.1f} s ({rate:,.0f} people/s)."
                )
            )
