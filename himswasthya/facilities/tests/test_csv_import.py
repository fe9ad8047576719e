"""CSV import of a real facility list: good rows in, bad rows reported, nothing half-written, idempotent."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from himswasthya.facilities.csv_import import COLUMNS, import_facilities_csv
from himswasthya.facilities.models import Facility

pytestmark = pytest.mark.django_db


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


GOOD = [
    {
        "code": "HP-PHC-0001",
        "name": "PHC Seu",
        "facility_type": "PHC",
        "district_lgd_code": "15",
        "block_lgd_code": "137",
        "pincode": "174021",
        "departments": "general-opd;general-medicine",
        "email": "phc.seu@example.org",
    },
    {
        "code": "HP-CH-0002",
        "name": "Civil Hospital Ghumarwin",
        "name_hi": "सिविल अस्पताल घुमारवीं",
        "facility_type": "Civil hospital",
        "district_lgd_code": "15",
        "nin": "1234567890",
    },
]
BAD = [
    {"code": "HP-X-1", "name": "Nowhere", "facility_type": "PHC", "district_lgd_code": "99"},
    {"code": "HP-X-2", "name": "Odd", "facility_type": "HOSPITAL", "district_lgd_code": "15"},
    {"code": "HP-X-3", "name": "", "facility_type": "PHC", "district_lgd_code": "15"},
    {
        "code": "HP-X-4",
        "name": "Wrong block",
        "facility_type": "PHC",
        "district_lgd_code": "15",
        "block_lgd_code": "170",
    },
]


@pytest.fixture
def sample(tmp_path, hp_places) -> Path:
    return write_csv(tmp_path / "facilities.csv", GOOD[:1] + BAD + GOOD[1:])


def test_good_rows_go_in_and_bad_rows_are_reported(sample):
    result = import_facilities_csv(sample)
    assert result.counts.created == 2
    assert set(Facility.objects.values_list("code", flat=True)) == {"HP-PHC-0001", "HP-CH-0002"}
    reasons = {(e.row, e.field): e.reason for e in result.errors}
    assert reasons[(3, "district_lgd_code")] == "unknown district LGD code 99"
    assert "unknown facility type" in reasons[(4, "facility_type")]
    assert reasons[(5, "name")] == "missing name"
    assert "is not in district" in reasons[(6, "block_lgd_code")]
    assert result.bad_rows == 4
    phc = Facility.objects.get(code="HP-PHC-0001")
    assert phc.block.lgd_code == 137 and not phc.is_synthetic
    assert set(phc.departments.values_list("code", flat=True)) == {"general-opd", "general-medicine"}
    assert phc.name_hi_machine and phc.name_hi
    ch = Facility.objects.get(code="HP-CH-0002")
    assert (ch.facility_type, ch.name_hi, ch.name_hi_machine) == ("CH", "सिविल अस्पताल घुमारवीं", False)


def test_a_rerun_is_idempotent_and_updates_changed_rows(sample, tmp_path):
    import_facilities_csv(sample)
    again = import_facilities_csv(sample)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    changed = write_csv(
        tmp_path / "changed.csv", [{**GOOD[0], "phone": "01978-123456", "departments": "general-opd"}]
    )
    result = import_facilities_csv(changed)
    assert (result.counts.created, result.counts.updated) == (0, 1)
    phc = Facility.objects.get(code="HP-PHC-0001")
    assert phc.phone == "01978-123456"
    assert list(phc.departments.values_list("code", flat=True)) == ["general-opd"]


def test_a_dry_run_writes_nothing(sample):
    result = import_facilities_csv(sample, dry_run=True)
    assert result.counts.created == 2 and result.bad_rows == 4
    assert not Facility.objects.exists()


def test_a_repeated_code_is_an_error_not_an_overwrite(tmp_path, hp_places):
    path = write_csv(tmp_path / "dupe.csv", [GOOD[0], {**GOOD[0], "name": "Another"}])
    result = import_facilities_csv(path)
    assert Facility.objects.get().name == "PHC Seu"
    assert [(e.row, e.field) for e in result.errors] == [(3, "code")]


def test_a_missing_column_rejects_the_file(tmp_path, hp_places):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\nX,Y\n", encoding="utf-8")
    result = import_facilities_csv(path)
    assert result.errors and result.errors[0].row == 1
    assert not Facility.objects.exists()


def test_the_command_writes_the_errors_file(sample, capsys):
    call_command("load_facilities", "--csv", str(sample))
    out = capsys.readouterr()
    assert "2 created" in out.out and "4 rejected" in out.out
    assert "unknown district LGD code 99" in out.err
    errors = Path(str(sample) + ".errors.csv").read_text(encoding="utf-8")
    assert errors.splitlines()[0] == "row,field,reason"
    assert "unknown district LGD code 99" in errors


def test_the_command_dry_run(sample, capsys):
    call_command("load_facilities", "--csv", str(sample), "--dry-run")
    assert "DRY RUN" in capsys.readouterr().out
    assert not Facility.objects.exists()


def test_a_checked_hindi_name_survives_a_blank_but_not_a_written_one(tmp_path, hp_places):
    path = write_csv(tmp_path / "one.csv", [GOOD[0]])
    import_facilities_csv(path)
    Facility.objects.filter(code="HP-PHC-0001").update(name_hi="पीएचसी सेऊ", name_hi_machine=False)
    import_facilities_csv(path)  # name_hi blank in the file: the checked name stays
    assert Facility.objects.get(code="HP-PHC-0001").name_hi == "पीएचसी सेऊ"
    written = write_csv(tmp_path / "two.csv", [{**GOOD[0], "name_hi": "प्राथमिक स्वास्थ्य केंद्र सेऊ"}])
    import_facilities_csv(written)
    assert Facility.objects.get(code="HP-PHC-0001").name_hi == "प्राथमिक स्वास्थ्य केंद्र सेऊ"


def test_a_name_without_hindi_reuses_the_reviewed_place_names_and_stays_machine_made(tmp_path, hp_places):
    row = {
        "code": "HP-CH-0009",
        "name": "Civil Hospital Theog",
        "facility_type": "CH",
        "district_lgd_code": "23",
    }
    import_facilities_csv(write_csv(tmp_path / "theog.csv", [row]))
    theog = Facility.objects.get(code="HP-CH-0009")
    assert (theog.name_hi, theog.name_hi_machine) == ("सिविल अस्पताल ठियोग", True)  # not थेओग
