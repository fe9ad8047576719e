"""Bulk writers for the register's tables: bulk INSERTs, executemany on SQLite, or COPY on PostgreSQL.

Used by the register import (and by the demo's synthetic population). Row ids are taken up front (RETURNING
from bulk_create, or the sequences on PostgreSQL) so families, people, members and identifiers can be linked
without reading anything back. Every row is prepared as save() would write it (`prepare_rows`): a Person's
search keys, identifiers that are never searched encrypted (SEC-30).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from himswasthya.core.crypto import seal_rows
from himswasthya.people.models import Person, person_row


def prepare_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as save() would write them, for writers that bypass it: a Person's derived columns (search keys,
    `people.models.person_row`) and every encrypted field sealed (SEC-30, `core.crypto.seal_rows`)."""
    if model is Person:
        rows = [person_row(row) for row in rows]
    return seal_rows(model, rows)


class OrmWriter:
    """bulk_create on any database; ids come back through RETURNING (SQLite >= 3.35, PostgreSQL)."""

    def insert(self, model: type[models.Model], rows: list[dict[str, Any]], want_ids: bool) -> list[int]:
        rows = prepare_rows(model, rows)  # bulk_create does not call save()
        objs = model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
        return [obj.pk for obj in objs] if want_ids else []


class CopyWriter:
    """PostgreSQL: ids reserved from the table's sequence, rows streamed with COPY (several times faster)."""

    def _reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]

    def insert(self, model: type[models.Model], rows: list[dict[str, Any]], want_ids: bool) -> list[int]:
        rows = prepare_rows(model, rows)  # as save() would: search keys, encrypted identifiers (SEC-30)
        if not rows:
            return []
        ids = self._reserve_ids(model, len(rows))
        columns = ["id", *rows[0].keys()]
        quote = connection.ops.quote_name
        sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *row.values()))
        return ids


class SqliteWriter:
    """SQLite: ids follow the highest id handed out so far, rows go in with executemany - no model instances,
    about three times faster than bulk_create. A demo batch job: a concurrent writer to the same tables
    would make a batch fail with a duplicate key (and roll back), never mix rows up."""

    def _adapters(self, model: type[models.Model], columns: Sequence[str]) -> list[Any]:
        ops = connection.ops
        adapters = []
        for column in columns:
            field = model._meta.get_field(column)
            if isinstance(field, models.DateTimeField):
                adapters.append(ops.adapt_datetimefield_value)
            elif isinstance(field, models.DateField):
                adapters.append(ops.adapt_datefield_value)
            else:
                adapters.append(None)
        return adapters

    def insert(self, model: type[models.Model], rows: list[dict[str, Any]], want_ids: bool) -> list[int]:
        rows = prepare_rows(model, rows)  # as save() would: search keys, encrypted identifiers (SEC-30)
        if not rows:
            return []
        table = connection.ops.quote_name(model._meta.db_table)
        columns = list(rows[0].keys())
        adapters = self._adapters(model, columns)
        with connection.cursor() as cursor:
            # Past the highest id ever handed out (AUTOINCREMENT's sqlite_sequence), so that ids of deleted
            # rows - which audit entries may still name - are never reused.
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0),"
                " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [model._meta.db_table],
            )
            first = cursor.fetchone()[0] + 1
            ids = list(range(first, first + len(rows)))
            names = ", ".join(connection.ops.quote_name(c) for c in ["id", *columns])
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * (len(columns) + 1))})"
            cursor.executemany(
                sql,
                [
                    (pk, *(a(v) if a else v for a, v in zip(adapters, row.values(), strict=True)))
                    for pk, row in zip(ids, rows, strict=True)
                ],
            )
        return ids


Writer = OrmWriter | CopyWriter | SqliteWriter


def writer_for_connection(fast: bool = True) -> Writer:
    """COPY on PostgreSQL, executemany on SQLite; plain bulk_create elsewhere or when `fast` is off."""
    if fast and connection.vendor == "postgresql":
        return CopyWriter()
    if fast and connection.vendor == "sqlite":
        return SqliteWriter()
    return OrmWriter()
