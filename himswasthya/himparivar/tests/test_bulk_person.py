"""Writers that bypass Person.save() (issue #11 item 1): the register import, the register sync's raw UPDATE
and the demo population write people through himparivar/bulk.py, which prepares every row as save() would
(`prepare_rows`: people.models.person_row for the search keys, core.crypto.seal_rows for the identifiers
that are stored encrypted). A person written in bulk must equal one written by save(), on either database and
with either writer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from himswasthya.core.crypto import IDENTIFIER_CONTEXT, decrypt, is_encrypted
from himswasthya.himparivar import importer
from himswasthya.himparivar.bulk import OrmWriter, writer_for_connection
from himswasthya.people.models import DERIVED_PERSON_FIELDS, IdentifierType, Person, PersonIdentifier

pytestmark = pytest.mark.django_db

IDENTIFIERS = [
    (IdentifierType.AADHAAR_LAST4, "1234", True),  # (type, value, stored encrypted)
    (IdentifierType.RATION_CARD, "HP-RC-000123", True),
    (IdentifierType.ABHA_ADDRESS, "rajesh.thakur@sbx", False),
]


def _columns(district, **changes):
    return {
        "given_name": "Rajesh",
        "family_name": "Thakur",
        "name_roman": "Rajesh Thakur",
        "name_deva": "राजेश ठाकुर",
        "sex": "M",
        "date_of_birth": None,
        "year_of_birth": 1980,
        "mobile": "9816000001",
        "gram_panchayat_id": None,
        "district_id": district.pk,
        "is_synthetic": False,
        **changes,
    }


def _row(pk: int) -> dict:
    values = Person.objects.filter(pk=pk).values().get()
    return {k: v for k, v in values.items() if k not in {"id", "created_at"}}


def _stored_value(pk: int) -> str:
    table = connection.ops.quote_name(PersonIdentifier._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("fast", [False, True], ids=["bulk_create", "COPY-or-executemany"])
def test_a_bulk_written_person_equals_a_saved_one(persona_district, fast):
    saved = Person(**_columns(persona_district))
    saved.save()
    writer = writer_for_connection(fast=True) if fast else OrmWriter()
    assert isinstance(writer, OrmWriter) is not fast
    now = timezone.now()
    # Without the search keys, and with stale ones: the writer derives them as save() does.
    bulk_ids = writer.insert(
        Person,
        [
            {**_columns(persona_district), "created_at": now},
            {**_columns(persona_district), "name_key": "stale", "name_blocks": " x", "created_at": now},
        ],
        want_ids=True,
    )
    expected = _row(saved.pk)
    assert all(expected[name] for name in DERIVED_PERSON_FIELDS)  # the keys are not empty
    for pk in bulk_ids:
        assert _row(pk) == expected

    # Identifiers: sealed exactly where save() seals them, and read back the same.
    for id_type, value, encrypted in IDENTIFIERS:
        by_save = PersonIdentifier.objects.create(
            person=saved, id_type=id_type, value=value, issuer="Him Parivar", source="register"
        )
        # A searched identifier is unique: the bulk-written person gets another one of the same shape.
        bulk_value = value if encrypted else value.replace("@", "2@")
        writer.insert(
            PersonIdentifier,
            [
                {
                    "person_id": bulk_ids[0],
                    "id_type": id_type.value,
                    "value": bulk_value,
                    "issuer": "Him Parivar",
                    "verified": False,
                    "source": "register",
                    "since": None,
                }
            ],
            want_ids=False,
        )
        by_bulk = PersonIdentifier.objects.get(person_id=bulk_ids[0], id_type=id_type)
        assert (by_save.value, by_bulk.value) == (value, bulk_value)
        for stored, plain in ((_stored_value(by_save.pk), value), (_stored_value(by_bulk.pk), bulk_value)):
            assert is_encrypted(stored) is encrypted, (id_type, stored)
            assert (decrypt(stored, context=IDENTIFIER_CONTEXT) if encrypted else stored) == plain


def test_the_register_syncs_raw_update_derives_the_keys_as_save_does(persona_district):
    person = Person(**_columns(persona_district))
    person.save()
    old_key = person.name_key
    renamed = _columns(
        persona_district, given_name="Rakesh", name_roman="Rakesh Thakur", name_deva="राकेश ठाकुर"
    )
    # The register sync's UPDATE of changed people (importer._update_rows), given rows without the keys.
    importer._update_rows(Person, [{"id": person.pk, **renamed}], importer.PERSON_UPDATE_FIELDS)

    twin = Person(**renamed)
    twin.save()
    assert _row(person.pk) == _row(twin.pk)
    assert _row(person.pk)["name_key"] != old_key  # the keys follow the new name
    person.refresh_from_db()
    before = {name: getattr(person, name) for name in DERIVED_PERSON_FIELDS}
    person.save()  # save() would not change anything the raw UPDATE wrote
    assert {name: getattr(person, name) for name in DERIVED_PERSON_FIELDS} == before
