"""SEC-30: Aadhaar last four and ration card numbers are sealed in the row; searched identifiers are plain."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from himswasthya.core import crypto
from himswasthya.people.models import IdentifierType, PersonIdentifier
from himswasthya.people.tests.conftest import abha_for, first

pytestmark = pytest.mark.django_db


def raw_value(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM people_personidentifier WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_aadhaar_last_four_and_ration_card_are_not_stored_in_plain_text(people):
    kamla = first(people, "Kamla Devi")
    aadhaar = PersonIdentifier.objects.create(
        person=kamla, id_type=IdentifierType.AADHAAR_LAST4, value="4821"
    )
    card = PersonIdentifier.objects.create(
        person=kamla, id_type=IdentifierType.RATION_CARD, value="HP0212345678"
    )
    for row, plain in ((aadhaar, "4821"), (card, "HP0212345678")):
        stored = raw_value(row.pk)
        assert stored.startswith("enc:v1:") and plain not in stored
        assert row.value == plain  # the instance keeps the plain text after save
        assert PersonIdentifier.objects.get(pk=row.pk).value == plain
    values = set(kamla.identifiers.values_list("value", flat=True))
    assert {"4821", "HP0212345678"} <= values


def test_searched_identifiers_stay_plain_unique_and_findable(people):
    kamla = first(people, "Kamla Devi")
    abha = kamla.identifiers.get(id_type=IdentifierType.ABHA_NUMBER)
    assert raw_value(abha.pk) == abha.value
    assert PersonIdentifier.objects.filter(id_type=IdentifierType.ABHA_NUMBER, value=abha.value).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonIdentifier.objects.create(
            person=first(people, "Anil Verma"), id_type=IdentifierType.ABHA_NUMBER, value=abha.value
        )
    assert abha.value == abha_for(3)


def test_bulk_create_seals_too(people):
    anil = first(people, "Anil Verma")
    (row,) = PersonIdentifier.objects.bulk_create(
        [PersonIdentifier(person=anil, id_type=IdentifierType.AADHAAR_LAST4, value="1111")]
    )
    pk = PersonIdentifier.objects.get(person=anil, id_type=IdentifierType.AADHAAR_LAST4).pk
    assert raw_value(pk).startswith("enc:v1:") and row.value == "1111"


def test_plain_values_from_older_writers_are_still_read(people):
    anil = first(people, "Anil Verma")
    row = PersonIdentifier.objects.create(person=anil, id_type=IdentifierType.RATION_CARD, value="RC-1")
    PersonIdentifier.objects.filter(pk=row.pk).update(value="RC-1")  # as a COPY writer would leave it
    assert raw_value(row.pk) == "RC-1" and PersonIdentifier.objects.get(pk=row.pk).value == "RC-1"


def test_a_tampered_row_fails_loudly_instead_of_reading_garbage(people):
    anil = first(people, "Anil Verma")
    row = PersonIdentifier.objects.create(person=anil, id_type=IdentifierType.AADHAAR_LAST4, value="2222")
    stored = raw_value(row.pk)
    forged = stored[:-2] + ("AA" if not stored.endswith("AA") else "BB")
    PersonIdentifier.objects.filter(pk=row.pk).update(value=forged)
    with pytest.raises(crypto.DecryptionError):
        PersonIdentifier.objects.get(pk=row.pk)


def test_the_database_still_refuses_a_full_aadhaar_number_sealed_or_plain(people):
    anil = first(people, "Anil Verma")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Sealed, but AES-GCM keeps the length: the constraint admits only a sealed four-character value.
        PersonIdentifier.objects.create(
            person=anil, id_type=IdentifierType.AADHAAR_LAST4, value="123456789012"
        )
    row = PersonIdentifier.objects.create(person=anil, id_type=IdentifierType.AADHAAR_LAST4, value="9012")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonIdentifier.objects.filter(pk=row.pk).update(value="123456789012")


def test_reencrypt_after_a_key_rotation_and_of_plain_rows(people, settings):
    from himswasthya.people.management.commands.reencrypt_identifiers import reencrypt_identifiers

    old, new = settings.FIELD_ENCRYPTION_KEYS[0], "bmV3LWtleS1uZXctbmV3LWtleS1uZXctbmV3LWtleS0="
    anil = first(people, "Anil Verma")
    sealed = PersonIdentifier.objects.create(person=anil, id_type=IdentifierType.AADHAAR_LAST4, value="3333")
    plain = PersonIdentifier.objects.create(person=anil, id_type=IdentifierType.RATION_CARD, value="RC-9")
    PersonIdentifier.objects.filter(pk=plain.pk).update(value="RC-9")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert reencrypt_identifiers() == 2
    assert reencrypt_identifiers() == 0  # idempotent
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key can now be dropped
    assert PersonIdentifier.objects.get(pk=sealed.pk).value == "3333"
    assert PersonIdentifier.objects.get(pk=plain.pk).value == "RC-9"
    assert raw_value(plain.pk).startswith("enc:v1:")


def test_seal_rows_gives_raw_writers_the_same_stored_form(people):
    anil = first(people, "Anil Verma")
    rows = [
        {"person_id": anil.pk, "id_type": "AADHAAR_LAST4", "value": "7777"},
        {"person_id": anil.pk, "id_type": "ABHA_ADDRESS", "value": "anil.x@abdm"},
    ]
    sealed = crypto.seal_rows(PersonIdentifier, rows)
    assert sealed[0]["value"].startswith("enc:v1:") and sealed[1]["value"] == "anil.x@abdm"
    assert rows[0]["value"] == "7777"  # the caller's rows are not changed
    assert crypto.seal_rows(PersonIdentifier, sealed) == sealed  # never sealed twice
    PersonIdentifier.objects.filter(person=anil, id_type="AADHAAR_LAST4").delete()
    PersonIdentifier.objects.bulk_create([PersonIdentifier(**sealed[0])])
    assert anil.identifiers.get(id_type="AADHAAR_LAST4").value == "7777"
