"""Benchmark of `make_population`: people/s and families/s on the configured database.

    DEBUG=1 .venv/bin/python bench/population.py --people 100000                      # SQLite (scratch file)
    DEBUG=1 DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/himswasthya_bench \\
        .venv/bin/python bench/population.py --people 1000000                         # PostgreSQL

SQLite runs on a scratch file under var/bench/ (never the working database) unless DATABASE_URL is set.
The database is migrated, places are loaded (`load_places` if the command exists, else straight from
himswasthya/places/data/*.csv), any synthetic population is replaced, and the figures are printed and
added to bench/RESULTS.md under "Synthetic population".
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Synthetic population (bench/population.py)"


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "himswasthya.settings")
    os.environ.setdefault("DEBUG", "1")
    if not os.environ.get("DATABASE_URL"):
        scratch = ROOT / "var" / "bench"
        scratch.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'population.sqlite3'}"
    import django

    django.setup()


def _ensure_places() -> None:
    from django.core.management import call_command, get_commands

    from himswasthya.places.models import GramPanchayat

    if GramPanchayat.objects.exists():
        return
    if "load_places" in get_commands():
        call_command("load_places", verbosity=0)
    else:
        _load_places_from_csv()
    print(f"places: {GramPanchayat.objects.count()} gram panchayats loaded")


def _load_places_from_csv() -> None:
    """Fallback when the places loader is missing: districts, blocks and GPs straight from the data files."""
    from himswasthya.places.models import Block, District, GramPanchayat, State

    data = ROOT / "himswasthya" / "places" / "data"
    state, _ = State.objects.get_or_create(lgd_code=2, defaults={"name": "Himachal Pradesh"})
    districts = {}
    with open(data / "hp_districts.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = int(row["district_lgd_code"])
            districts[code] = District.objects.get_or_create(
                lgd_code=code, defaults={"name": row["district_name"].title(), "state": state}
            )[0]
    blocks = {}
    with open(data / "hp_blocks.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = int(row["block_lgd_code"])
            district = districts.get(int(row["district_lgd_code"]))
            if district:
                blocks[code] = Block.objects.get_or_create(
                    lgd_code=code, defaults={"name": row["block_name"].title(), "district": district}
                )[0]
    with open(data / "hp_gram_panchayats_hpsdma.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = (row["panchayat_name"] or "").strip()
            if not name or name == "NULL" or not row["district_lgd_code"]:
                continue
            block_code = row.get("block_lgd_code_matched_by_name") or ""
            GramPanchayat.objects.get_or_create(
                source="HPSDMA",
                source_id=row["hpsdma_panchayat_id"],
                defaults={
                    "name": name,
                    "district": districts[int(row["district_lgd_code"])],
                    "block": blocks.get(int(block_code)) if block_code.isdigit() else None,
                },
            )


def _append_result(line: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if SECTION not in text:
        text = text.rstrip("\n") + (
            f"\n\n{SECTION}\n\n"
            "`make_population` end to end (generate + write, one transaction per batch; COPY on PostgreSQL, "
            "executemany on SQLite). Each person also gets a Him Parivar member row and ~2.4 identifiers.\n\n"
            "| date (UTC) | engine | people | families | identifiers | batch | seconds "
            "| people/s | families/s |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
        )
    # Newest first: insert the row right under the table header of our section.
    head, _, tail = text.partition(SECTION)
    header_end = tail.index("|---|")
    header_end = tail.index("\n", header_end) + 1
    RESULTS.write_text(head + SECTION + tail[:header_end] + line + "\n" + tail[header_end:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--orm", action="store_true", help="bulk_create instead of COPY/executemany")
    parser.add_argument("--no-record", action="store_true", help="do not write bench/RESULTS.md")
    args = parser.parse_args()

    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from himswasthya.demo.population.services import do_make_population

    call_command("migrate", verbosity=0, interactive=False)
    _ensure_places()
    engine = (
        f"{connection.vendor} {'.'.join(map(str, connection.Database.sqlite_version_info))}"
        if connection.vendor == "sqlite"
        else f"{connection.vendor} {connection.pg_version // 10000}"
    )
    print(
        f"engine: {engine}; people: {args.people:,}; batch: {args.batch}; python {platform.python_version()}"
    )
    started = time.perf_counter()
    result = do_make_population(
        args.people, seed=args.seed, batch_people=args.batch, replace=True, fast_writer=not args.orm
    )
    total = time.perf_counter() - started
    people_rate = result.people / result.seconds
    family_rate = result.families / result.seconds
    print(
        f"{result.people:,} people, {result.families:,} families, {result.identifiers:,} identifiers "
        f"in {result.seconds:.1f} s (plus {total - result.seconds:.1f} s deleting the previous run)"
    )
    print(f"{people_rate:,.0f} people/s, {family_rate:,.0f} families/s")
    if not args.no_record:
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
        writer = (
            "ORM bulk_create"
            if args.orm
            else ("COPY" if connection.vendor == "postgresql" else "executemany")
        )
        _append_result(
            f"| {now} | {engine} ({writer}) | {result.people:,} | {result.families:,} "
            f"| {result.identifiers:,} | {args.batch} | {result.seconds:.1f} "
            f"| {people_rate:,.0f} | {family_rate:,.0f} |"
        )
        print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
