"""Writes generated families to the database in batches with the register's bulk writers
(`himparivar.bulk`: bulk INSERTs, executemany on SQLite, or COPY on PostgreSQL).

One transaction per batch, so a million people never sit in memory and an interrupted run leaves whole
families only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from himswasthya.demo.population.generator import FamilySpec
from himswasthya.himparivar.bulk import Writer
from himswasthya.himparivar.identifiers import member_detail_columns, member_identifier_rows
from himswasthya.himparivar.models import Family, Member
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
                mobile=m.mobile,  # search keys: added by the writer (himparivar.bulk.prepare_rows)
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
