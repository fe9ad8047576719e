"""Writes generated families to the database in batches: bulk INSERTs, or COPY on PostgreSQL.

One transaction per batch, so a million people never sit in memory and an interrupted run leaves whole
families only. Row ids are taken up front (RETURNING from bulk_create, or the sequences on PostgreSQL) so
families, people, members and identifiers can be linked without reading anything back.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from himswasthya.core.crypto import seal_rows
from himswasthya.himparivar.identifiers import member_detail_columns, member_identifier_rows
from himswasthya.himparivar.models import Family, Member
from himswasthya.himparivar.population.generator import FamilySpec
from himswasthya.people import search_keys
from himswasthya.people.models import Person, PersonIdentifier

SOURCE = "synthetic"


def _identifier_rows(spec_member: Any, since: datetime.date | None) -> list[dict[str, Any]]:
    # Synthetic ABHAs count as verified: they stand for members already linked through ABDM.
    return member_identifier_rows(
        member_id=spec_member.member_id,
        abha_number=spec_member.abha_number,
        abha_address=spec_member.abha_address,
        aadhaar_last4=spec_member.aadhaar_last4,
        source=SOURCE,
        since=since,
        abha_verified=True,
    )


# Generated names repeat a lot: transliterating each distinct name once keeps the generator fast.
_cached_search_keys = functools.lru_cache(maxsize=200_000)(search_keys)


class BatchRows:
    """The rows of one batch as plain dicts, ids still to be filled in."""

    def __init__(self, families: Sequence[FamilySpec]):
        self.families = families
        self.people = sum(len(f.members) for f in families)

    def family_rows(self, now: datetime.datetime) -> list[dict[str, Any]]:
        return [
            dict(
                family_id=f.family_id,
                is_temporary=f.is_temporary,
                head_id=f.members[0].member_id,
                area_type="RURAL",
                district_id=f.gp.district_id,
                block_id=f.gp.block_id,
                gram_panchayat_id=f.gp.gp_id,
                address=f.address,
                ration_card_no=f.ration_card_no,
                ration_card_type=f.ration_card_type,
                is_bpl=f.is_bpl,
                income_band=f.income_band,
                social_category=f.social_category,
                verification_status=f.verification_status,
                verified_on=f.verified_on,
                is_synthetic=True,
                created_at=now,
            )
            for f in self.families
        ]

    def person_rows(self, now: datetime.datetime) -> list[dict[str, Any]]:
        return [
            dict(
                given_name=m.given_name,
                family_name=m.family_name,
                name_roman=m.name_roman,
                name_deva=m.name_deva,
                sex=m.sex,
                date_of_birth=m.date_of_birth,
                year_of_birth=m.year_of_birth,
                mobile=m.mobile,
                **_cached_search_keys(m.name_roman, m.name_deva),
                gram_panchayat_id=f.gp.gp_id,
                district_id=f.gp.district_id,
                is_synthetic=True,
                created_at=now,
            )
            for f in self.families
            for m in f.members
        ]

    def member_rows(self, family_ids: Sequence[int], person_ids: Sequence[int]) -> list[dict[str, Any]]:
        rows = []
        people = iter(person_ids)
        for f, family_pk in zip(self.families, family_ids, strict=True):
            for m in f.members:
                rows.append(
                    dict(
                        member_detail_columns(m),
                        family_id=family_pk,
                        person_id=next(people),
                        is_synthetic=True,
                        # HIMCARE eligibility facts (himcare helper)
                        occupation=m.occupation,
                        disability_percent=m.disability_percent,
                        mgnrega_days=m.mgnrega_days,
                        in_child_care_institution=m.in_child_care_institution,
                    )
                )
        return rows

    def identifier_rows(self, person_ids: Sequence[int]) -> list[dict[str, Any]]:
        rows = []
        people = iter(person_ids)
        for f in self.families:
            for m in f.members:
                person_pk = next(people)
                for row in _identifier_rows(m, f.verified_on):
                    row["person_id"] = person_pk
                    rows.append(row)
        return rows


class OrmWriter:
    """bulk_create on any database; ids come back through RETURNING (SQLite >= 3.35, PostgreSQL)."""

    def insert(self, model: type[models.Model], rows: list[dict[str, Any]], want_ids: bool) -> list[int]:
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
        rows = seal_rows(model, rows)  # SEC-30: identifiers that are never searched go in encrypted
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
        rows = seal_rows(model, rows)  # SEC-30: identifiers that are never searched go in encrypted
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


def write_batch(writer: Writer, families: Sequence[FamilySpec]) -> tuple[int, int]:
    """Insert one batch of families in one transaction; returns (people, identifiers) written."""
    batch = BatchRows(families)
    now = timezone.now()
    with transaction.atomic():
        # Family.head points at Member.member_id; the FK is checked at commit, after the members exist.
        family_ids = writer.insert(Family, batch.family_rows(now), want_ids=True)
        person_ids = writer.insert(Person, batch.person_rows(now), want_ids=True)
        writer.insert(Member, batch.member_rows(family_ids, person_ids), want_ids=False)
        identifiers = batch.identifier_rows(person_ids)
        writer.insert(PersonIdentifier, identifiers, want_ids=False)
    return batch.people, len(identifiers)


def batched(families: Iterable[FamilySpec], batch_people: int) -> Iterable[list[FamilySpec]]:
    batch: list[FamilySpec] = []
    people = 0
    for family in families:
        batch.append(family)
        people += len(family.members)
        if people >= batch_people:
            yield batch
            batch, people = [], 0
    if batch:
        yield batch


def delete_synthetic() -> int:
    """Delete the synthetic families, members, people and identifiers with set-based SQL; returns people.

    The ORM's delete() would load each row into Python first, which does not scale to millions.
    """
    quote = connection.ops.quote_name
    person, ident = quote(Person._meta.db_table), quote(PersonIdentifier._meta.db_table)
    family, member = quote(Family._meta.db_table), quote(Member._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {family} SET head_id = NULL WHERE is_synthetic = %s", [True])
        cursor.execute(
            f"DELETE FROM {ident} WHERE person_id IN (SELECT id FROM {person} WHERE is_synthetic = %s)",
            [True],
        )
        cursor.execute(f"DELETE FROM {member} WHERE is_synthetic = %s", [True])
        cursor.execute(f"DELETE FROM {family} WHERE is_synthetic = %s", [True])
        cursor.execute(f"DELETE FROM {person} WHERE is_synthetic = %s", [True])
        return cursor.rowcount
