"""Helpers shared by the PostgreSQL benchmarks that bulk-load their data (bench/himcare.py, bench/records.py).

- `setup_django()`: Django on the PostgreSQL database of DATABASE_URL (refuses anything else);
- `timed_sql(cursor, statement)`: run one statement and print how long it took;
- `CHECK_FUNCTIONS`: SQL functions for the check characters the loaders write (MOD 11-2 of UHIDs and HIMCARE
  cards, Luhn of ABHA numbers), the same algorithms as people/uhid.py and core/validators.py;
- `drop_secondary_indexes(cursor, tables)` / `restore_indexes(cursor)`: drop the loaded tables' secondary
  indexes before a load and rebuild them after; the definitions are kept in a table (`bench_saved_index`) so
  that a load interrupted half-way gets them back on the next run;
- `reset_sequences`, `build_seconds` / `save_build_seconds` (bench_meta), `percentile`, `load_average`,
  `write_results(section, text)` (replaces the section in bench/RESULTS.md).
"""

# ruff: noqa: E501  (SQL reads better unwrapped)
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "himswasthya.settings")
    os.environ.setdefault("DEBUG", "1")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (this benchmark is meant for PostgreSQL).")
    import django

    django.setup()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed_sql(cursor, statement: str, params=None) -> None:
    started = time.perf_counter()
    cursor.execute(statement, params if params is not None else ())
    first = " ".join(statement.split())[:70]
    print(f"  {time.perf_counter() - started:7.1f} s  {first}", flush=True)


CHECK_FUNCTIONS = """
CREATE OR REPLACE FUNCTION bench_mod11_2(digits text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE total int := 0; i int; v int;
BEGIN
  FOR i IN 1..length(digits) LOOP total := ((total + substr(digits, i, 1)::int) * 2) % 11; END LOOP;
  v := (12 - total) % 11;
  RETURN CASE WHEN v = 10 THEN 'X' ELSE v::text END;
END $$;
CREATE OR REPLACE FUNCTION bench_luhn(payload text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE total int := 0; pos int := 0; i int; d int;
BEGIN
  FOR i IN REVERSE length(payload)..1 LOOP
    d := substr(payload, i, 1)::int;
    IF pos % 2 = 0 THEN d := d * 2; IF d > 9 THEN d := d - 9; END IF; END IF;
    total := total + d; pos := pos + 1;
  END LOOP;
  RETURN payload || ((total * 9) % 10)::text;
END $$;
"""


def _secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        [tables],
    )
    return list(cursor.fetchall())


def drop_secondary_indexes(c, tables: list[str]) -> None:
    """Drop the secondary indexes of `tables` (not those of primary keys and unique constraints), keeping
    their definitions in bench_saved_index for restore_indexes."""
    c.execute("CREATE TABLE IF NOT EXISTS bench_saved_index (name text PRIMARY KEY, definition text)")
    found = _secondary_indexes(c, tables)
    c.execute(
        "INSERT INTO bench_saved_index SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT DO NOTHING",
        [[n for n, _d in found], [d for _n, d in found]],
    )
    c.execute("SELECT name, definition FROM bench_saved_index")
    indexes = list(c.fetchall())
    print(f"dropping {len(indexes)} secondary indexes for the load")
    for name, _definition in indexes:
        c.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore_indexes(c) -> None:
    """Rebuild the indexes drop_secondary_indexes dropped (also after an interrupted load)."""
    c.execute("CREATE TABLE IF NOT EXISTS bench_saved_index (name text PRIMARY KEY, definition text)")
    c.execute("SELECT name, definition FROM bench_saved_index")
    saved = list(c.fetchall())
    if saved:
        print(f"rebuilding {len(saved)} secondary indexes")
    for name, definition in saved:
        c.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
        if c.fetchone() is None:
            timed_sql(c, definition)
        c.execute("DELETE FROM bench_saved_index WHERE name = %s", [name])


def reset_sequences(c, tables: list[str]) -> None:
    for table in tables:
        c.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce((SELECT max(id) FROM {table}), 1))"
        )


def build_seconds() -> float:
    """How long the data build that is in the database took (0 when unknown)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("CREATE TABLE IF NOT EXISTS bench_meta (k text PRIMARY KEY, v text)")
        c.execute("SELECT v FROM bench_meta WHERE k = 'build_seconds'")
        row = c.fetchone()
    return float(row[0]) if row else 0.0


def save_build_seconds(seconds: float) -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("CREATE TABLE IF NOT EXISTS bench_meta (k text PRIMARY KEY, v text)")
        c.execute(
            "INSERT INTO bench_meta VALUES ('build_seconds', %s) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v",
            [str(round(seconds))],
        )


def load_average() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def write_results(section_title: str, section: str) -> None:
    """Put `section` (starting with `section_title`) into bench/RESULTS.md in place of the old one."""
    existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = existing.find(section_title)
    if start >= 0:
        end = existing.find("\n## ", start + len(section_title))
        existing = existing[:start] + existing[end + 1 :] if end >= 0 else existing[:start]
    RESULTS.write_text(existing.rstrip("\n") + "\n\n" + section, encoding="utf-8")


def add_run(section_title: str, intro: str, run: str) -> None:
    """Add one run (a "### ..." block) at the top of its section of bench/RESULTS.md, newest first, keeping
    the earlier runs; the section (title + intro) is made when missing, and its intro replaced by `intro`."""
    existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = existing.find(section_title)
    if start < 0:
        existing = existing.rstrip("\n") + f"\n\n{section_title}\n\n{intro.strip()}\n\n{run.strip()}\n"
    else:
        end = existing.find("\n## ", start + len(section_title))
        end = len(existing) if end < 0 else end + 1
        body = existing[start:end]
        first_run = body.find("\n### ")
        earlier = body[first_run + 1 :].rstrip("\n") + "\n" if first_run >= 0 else ""
        new = f"{section_title}\n\n{intro.strip()}\n\n{run.strip()}\n" + (f"\n{earlier}" if earlier else "")
        existing = existing[:start] + new + ("\n" if end < len(existing) else "") + existing[end:]
    RESULTS.write_text(existing, encoding="utf-8")
