"""Fill the name search keys of people written without them (bulk loads).

    manage.py fill_search_keys [--all] [--batch 20000]

On PostgreSQL the keys go through COPY into a temporary table and one UPDATE per batch; elsewhere
bulk_update. Safe to re-run: only rows with an empty key are touched unless --all.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from tqdm import tqdm

from himswasthya.people.models import DERIVED_PERSON_FIELDS, Person, person_row

KEYS = list(DERIVED_PERSON_FIELDS)


class Command(BaseCommand):
    help = "Fill the name search keys of people (after bulk loads)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", help="recompute every row, not only empty keys")
        parser.add_argument("--batch", type=int, default=20_000)

    def handle(self, *args: Any, **options: Any) -> None:
        people = Person.objects.all() if options["all"] else Person.objects.filter(name_key="")
        total = people.count()
        started = time.perf_counter()
        last_id, done = 0, 0
        with tqdm(total=total, unit="people", disable=options["verbosity"] < 1) as bar:
            while True:
                rows = list(
                    people.filter(pk__gt=last_id)
                    .order_by("pk")
                    .values_list("pk", "name_roman", "name_deva")[: options["batch"]]
                )
                if not rows:
                    break
                last_id = rows[-1][0]
                keyed = [(pk, _keys(roman, deva)) for pk, roman, deva in rows]
                with transaction.atomic():
                    write = _copy_update if connection.vendor == "postgresql" else _bulk_update
                    write(keyed)
                done += len(rows)
                bar.update(len(rows))
        seconds = time.perf_counter() - started
        self.stdout.write(f"filled search keys of {done} people in {seconds:.1f} s")


def _keys(name_roman: str, name_deva: str) -> dict[str, str]:
    """The search keys as save() derives them (people.models.person_row)."""
    row = person_row({"name_roman": name_roman, "name_deva": name_deva})
    return {name: row[name] for name in KEYS}


def _bulk_update(keyed: list[tuple[int, dict[str, str]]]) -> None:
    objs = []
    for pk, keys in keyed:
        person = Person(pk=pk)
        for name, value in keys.items():
            setattr(person, name, value)
        objs.append(person)
    Person.objects.bulk_update(objs, KEYS, batch_size=2000)


def _copy_update(keyed: list[tuple[int, dict[str, str]]]) -> None:
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS people_keys (id bigint, k text, d text, b text) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY people_keys (id, k, d, b) FROM STDIN") as copy:
            for pk, keys in keyed:
                copy.write_row((pk, keys["name_key"], keys["name_deva_key"], keys["name_blocks"]))
        cursor.execute(
            f"UPDATE {table} p SET name_key = t.k, name_deva_key = t.d, name_blocks = t.b"
            " FROM people_keys t WHERE p.id = t.id"
        )
