"""Benchmark of the Him Parivar register importer: members/s of a clean import, a rerun and a 1% change.

    DEBUG=1 DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/himswasthya_himparivar_bench \\
        .venv/bin/python bench/himparivar_import.py --members 1000000
    DEBUG=1 .venv/bin/python bench/himparivar_import.py --members 50000          # SQLite scratch file

A CSV export of N members is generated with the population generator's names (var/bench/, reused if it
exists), the database is migrated, places are loaded, previously imported families are removed, and the
file is imported three times: clean, unchanged rerun, and with 1% of members changed. Figures are printed
and appended to bench/RESULTS.md. Use a scratch database: the script deletes every non-synthetic family.
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
SECTION = "## Him Parivar import (bench/himparivar_import.py)"


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "himswasthya.settings")
    os.environ.setdefault("DEBUG", "1")
    if not os.environ.get("DATABASE_URL"):
        scratch = ROOT / "var" / "bench"
        scratch.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'himparivar_import.sqlite3'}"
    import django

    django.setup()


def _prepare_database() -> None:
    from django.core.management import call_command

    from himswasthya.places.models import GramPanchayat

    call_command("migrate", verbosity=0)
    if not GramPanchayat.objects.exists():
        call_command("load_places", verbosity=0)


def _write_export(path: Path, members: int, seed: int, changed_every: int = 0) -> None:
    """The register's CSV export of N synthetic members; every `changed_every`-th one gets a new mobile."""
    from himswasthya.demo.population.generator import generate_families
    from himswasthya.demo.population.services import gram_panchayat_slots
    from himswasthya.himparivar.importer import CSV_COLUMNS
    from himswasthya.places.models import Block, GramPanchayat

    gps = gram_panchayat_slots()
    gp_code = dict(GramPanchayat.objects.values_list("id", "source_id"))
    block_lgd = dict(Block.objects.values_list("id", "lgd_code"))
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for family in generate_families(members, gps, seed):
            family_part = [
                family.family_id,
                "true" if family.is_temporary else "false",
                family.members[0].member_id,
                "RURAL",
                family.gp.district_lgd,
                block_lgd.get(family.gp.block_id, ""),
                gp_code[family.gp.gp_id],
                family.address,
                family.ration_card_no,
                family.ration_card_type,
                "true" if family.is_bpl else "false",
                family.income_band,
                family.social_category,
                family.verification_status,
                family.verified_on or "",
            ]
            for m in family.members:
                n += 1
                mobile = m.mobile or ""
                if changed_every and n % changed_every == 0:
                    mobile = f"9{n % 10**9:09d}"
                writer.writerow(
                    family_part
                    + [
                        m.member_id,
                        m.relation,
                        m.name_roman,
                        m.name_deva,
                        m.given_name,
                        m.family_name,
                        m.sex,
                        m.date_of_birth or "",
                        m.year_of_birth,
                        mobile,
                        m.aadhaar_last4,
                        m.marital_status,
                        m.status,
                        m.abha_number or "",
                        m.abha_address or "",
                    ]
                )


def _clear_imported() -> None:
    from django.db import connection, transaction

    from himswasthya.himparivar.models import Family, Member
    from himswasthya.people.models import Person, PersonIdentifier

    q = connection.ops.quote_name
    person, ident = q(Person._meta.db_table), q(PersonIdentifier._meta.db_table)
    family, member = q(Family._meta.db_table), q(Member._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {family} SET head_id = NULL WHERE is_synthetic = %s", [False])
        cursor.execute(
            f"DELETE FROM {ident} WHERE person_id IN (SELECT person_id FROM {member} "
            f"WHERE is_synthetic = %s)",
            [False],
        )
        cursor.execute(
            f"CREATE TEMP TABLE bench_people AS SELECT person_id FROM {member} WHERE is_synthetic = %s",
            [False],
        )
        cursor.execute(f"DELETE FROM {member} WHERE is_synthetic = %s", [False])
        cursor.execute(f"DELETE FROM {family} WHERE is_synthetic = %s", [False])
        cursor.execute(f"DELETE FROM {person} WHERE id IN (SELECT person_id FROM bench_people)")
        cursor.execute("DROP TABLE bench_people")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (person, member, family, ident):
                cursor.execute(f"VACUUM ANALYZE {table}")


def _timed_import(path: Path, label: str, batch: int) -> tuple[str, float, dict[str, int]]:
    from tqdm import tqdm

    from himswasthya.himparivar.importer import import_file

    with tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=label, dynamic_ncols=True) as bar:
        started = time.perf_counter()
        result = import_file(path, batch_families=batch, on_progress=lambda b, _m: bar.update(b - bar.n))
        seconds = time.perf_counter() - started
    return label, seconds, result.counts.as_dict()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=500, help="families per transaction")
    parser.add_argument("--no-results", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    _setup_django()
    from django.db import connection

    _prepare_database()
    scratch = ROOT / "var" / "bench"
    scratch.mkdir(parents=True, exist_ok=True)
    export = scratch / f"himparivar_{args.members}_{args.seed}.csv"
    changed = scratch / f"himparivar_{args.members}_{args.seed}_changed.csv"
    started = time.perf_counter()
    if not export.exists():
        _write_export(export, args.members, args.seed)
    if not changed.exists():
        _write_export(changed, args.members, args.seed, changed_every=100)
    print(f"exports ready in {time.perf_counter() - started:.1f} s ({export.stat().st_size / 1e6:.0f} MB)")
    _clear_imported()
    runs = [
        _timed_import(export, "clean import", args.batch),
        _timed_import(export, "unchanged rerun", args.batch),
        _timed_import(changed, "1% changed", args.batch),
    ]
    engine = (
        f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
    )
    if connection.vendor == "postgresql":
        engine = f"postgresql {connection.pg_version // 10000}"
    lines = []
    for label, seconds, counts in runs:
        rate = counts["members_read"] / seconds
        line = (
            f"| {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} | {engine} | {label} | "
            f"{counts['members_read']:,} | {counts['members_created']:,} | {counts['members_updated']:,} | "
            f"{counts['members_unchanged']:,} | {seconds:.1f} | {rate:,.0f} |"
        )
        print(line)
        lines.append(line)
    if not args.no_results:
        _append_results(lines, args)


def _append_results(lines: list[str], args: argparse.Namespace) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    header = (
        "| when (UTC) | database | run | members read | created | updated | unchanged | seconds | "
        "members/s |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n"
    )
    if SECTION not in text:
        text = text.rstrip("\n") + (
            f"\n\n{SECTION}\n\n"
            f"CSV export generated from the synthetic population's names (`--members N`), imported with "
            f"`himparivar.importer.import_file` (validation, per-family upsert, COPY on PostgreSQL), "
            f"then rerun unchanged and with 1% of members changed. Machine: {platform.machine()}, "
            f"{os.cpu_count()} cores shared with other work.\n\n{header}"
        )
    text = text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
