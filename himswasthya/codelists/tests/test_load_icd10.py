import pytest
from django.core.management import call_command

from himswasthya.codelists.models import Icd10Code


@pytest.mark.django_db
def test_it_loads_the_whole_list_and_reloads_without_duplicates():
    call_command("load_icd10")
    call_command("load_icd10")
    assert Icd10Code.objects.count() == 12542
    assert Icd10Code.objects.filter(kind="chapter").count() == 22
    # E11.9 is a subcategory: codable. E11 has subcategories: not codable. A00-A09 is a block.
    assert Icd10Code.objects.get(code="E11.9").is_codable
    assert not Icd10Code.objects.get(code="E11").is_codable
    assert not Icd10Code.objects.get(code="A00-A09").is_codable
    # A category without subcategories is codable (e.g. I10 essential hypertension).
    assert Icd10Code.objects.get(code="I10").is_codable
