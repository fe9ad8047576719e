import pytest
from django.db import IntegrityError, transaction

from himswasthya.records.models import VITAL_RANGES, Vitals


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VITAL_RANGES))
def test_the_database_refuses_a_vital_outside_the_one_table(draft, name):
    high = VITAL_RANGES[name].high
    with pytest.raises(IntegrityError), transaction.atomic():
        Vitals.objects.create(encounter=draft, **{name: high + 1})
    Vitals.objects.create(encounter=draft, **{name: high})


def test_the_api_schema_documents_the_same_ranges():
    from himswasthya.records.api import VitalsIn

    fields = VitalsIn.model_json_schema()["properties"]
    assert set(fields) == set(VITAL_RANGES)
    spo2 = VITAL_RANGES["spo2"]
    assert f"{spo2.low} to {spo2.high}" in fields["spo2"]["description"]
