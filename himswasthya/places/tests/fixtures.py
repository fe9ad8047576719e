"""Shared pytest fixtures of this app (loaded by the root conftest via pytest_plugins).

`hp_places`: the real geography of HP (12 districts, 87 blocks, 177 tehsils, 68 ULBs, ~3,575 GPs) loaded with
the project's loader; returns the loader's result object. `hp_facilities` (the places plus the synthetic
facility network) is in facilities/tests/fixtures.py: places sits below facilities.

`hp_places` here and `hp_facilities` there run their loader for real the first time in a test process;
`replayed` then keeps the rows it wrote and, in later tests that start from the same database state, writes
the same rows again with plain INSERTs (the loaders' upserts cost ~1.5 s a test, the INSERTs a fraction of
that). Tests see the same rows and result.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

# (fixture, row counts of every table before) -> (result, [(table, columns, rows)]) or None: not replayable.
_SNAPSHOTS: dict[tuple[str, tuple[tuple[str, int], ...]], Any] = {}


def _table_rows(cursor, table: str) -> tuple[list[str], list[tuple]]:
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
    return [c[0] for c in cursor.description], sorted(cursor.fetchall(), key=repr)


def _counts(cursor, tables: list[str]) -> tuple[tuple[str, int], ...]:
    counts = []
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts.append((table, cursor.fetchone()[0]))
    return tuple(counts)


def _models_by_table() -> dict[str, Any]:
    return {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}


def replayed(name: str, run: Callable[[], Any]) -> Any:
    """`run()`, or the rows and result of its first run in this process when the database is in the same
    state. The first run is recorded only if it did nothing but insert rows into tables that were empty
    before; rows are written back as they were (same ids; auto_now timestamps set to now) and sequences are
    moved past them.
    """
    tables = sorted(connection.introspection.table_names())
    with connection.cursor() as cursor:
        before = _counts(cursor, tables)
    key = (name, before)
    snapshot = _SNAPSHOTS.get(key, ...)
    if snapshot is not ... and snapshot is not None:
        _restore(snapshot[1])
        return copy.deepcopy(snapshot[0])
    if snapshot is None:  # this state was seen and cannot be replayed
        return run()
    with connection.cursor() as cursor:
        old = {t: _table_rows(cursor, t) for t in tables}
    result = run()
    with connection.cursor() as cursor:
        new = {t: _table_rows(cursor, t) for t in tables}
    changed = [t for t in tables if old[t] != new[t]]
    if any(old[t][1] for t in changed):  # rows updated or deleted, not only inserted into empty tables
        _SNAPSHOTS[key] = None
    else:
        _SNAPSHOTS[key] = (copy.deepcopy(result), [(t, *new[t]) for t in changed])
    return result


def _value(i: int, v: Any, stamped: dict[int, Any], jsonb: Any) -> Any:
    if i in stamped:
        return stamped[i]
    return jsonb(v) if jsonb is not None and isinstance(v, dict | list) else v


def _restore(rows_by_table: list[tuple[str, list[str], list[tuple]]]) -> None:
    models = _models_by_table()
    now = timezone.now()
    quote = connection.ops.quote_name
    jsonb = None
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb as jsonb
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys are checked at the end
        for table, columns, rows in rows_by_table:
            model = models[table]
            fields = {f.column: f for f in model._meta.concrete_fields}
            stamped = {
                i: fields[c].get_db_prep_save(now, connection)
                for i, c in enumerate(columns)
                if c in fields
                and (getattr(fields[c], "auto_now", 0) or getattr(fields[c], "auto_now_add", 0))
            }
            if stamped or jsonb:
                rows = [tuple(_value(i, v, stamped, jsonb) for i, v in enumerate(row)) for row in rows]
            sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - introspected names
                quote(table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
            )
            cursor.executemany(sql, rows)
        for sql in connection.ops.sequence_reset_sql(no_style(), [models[t] for t, _c, _r in rows_by_table]):
            cursor.execute(sql)


@pytest.fixture
def hp_places(db):
    from himswasthya.places.loader import load_places

    return replayed("hp_places", load_places)
