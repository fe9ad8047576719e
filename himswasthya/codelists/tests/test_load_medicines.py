import pytest
from django.core.management import CommandError, call_command

from himswasthya.codelists.management.commands.load_medicines import read_medicines
from himswasthya.codelists.models import Medicine

HEADER = "section_number,section_name,medicine,level_of_care,dosage_form,strength\n"


@pytest.mark.django_db
def test_it_loads_the_whole_list_and_reloads_without_duplicates():
    call_command("load_medicines")
    call_command("load_medicines")
    # 951 rows, 836 distinct products (a medicine listed in several sections repeats).
    assert Medicine.objects.count() == 836
    paracetamol = Medicine.objects.get(name="Paracetamol", dosage_form="Tablet", strength="500 mg")
    assert paracetamol.section_number == 2  # the first section it is listed in
    assert Medicine.objects.values("name").distinct().count() > 380


def test_it_reports_a_row_without_a_name_and_keeps_the_others(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + '2,Analgesics,,P,Tablet,500 mg\n2,Analgesics,Ibuprofen,"P,S,T",Tablet,200 mg\n')
    medicines, errors = read_medicines(path)
    assert [m.name for m in medicines] == ["Ibuprofen"]
    assert [(e.row, e.field) for e in errors] == [(2, "medicine")]


def test_it_refuses_a_file_without_the_columns(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("medicine\nIbuprofen\n")
    with pytest.raises(CommandError, match="Line 1: columns missing"):
        call_command("load_medicines", file=path)
