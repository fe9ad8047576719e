"""The register importer: CSV and JSON, idempotent upsert, per-row errors, whole families, crash and rerun."""

from __future__ import annotations

import csv

import pytest

from himswasthya.himparivar.importer import ImportAborted, import_file
from himswasthya.himparivar.models import Family, Member
from himswasthya.himparivar.tests.register_files import (
    ABHA_1,
    csv_rows,
    database_state,
    sample_families,
    with_change,
    write_csv,
    write_json,
)
from himswasthya.people.models import IdentifierType, Person, PersonIdentifier

pytestmark = pytest.mark.django_db


def _errors(path) -> list[dict[str, str]]:
    with open(f"{path}.errors.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_it_imports_a_good_csv(tmp_path, geography):
    result = import_file(write_csv(tmp_path / "export.csv", sample_families()))

    assert result.counts.families_created == 3 and result.counts.members_created == 7
    assert result.error_report is None and not (tmp_path / "export.csv.errors.csv").exists()
    family = Family.objects.get(family_id="HPF-T-0001")
    assert family.head_id == "HPM-T-0001" and family.gram_panchayat.source_id == "9001-0"
    assert family.ration_card_type == "PHH" and family.is_bpl
    wife = Member.objects.get(member_id="HPM-T-0002")
    assert wife.person.name_deva == "सुनीता ठाकुर" and wife.person.district == family.district
    assert wife.person.identifiers.get(id_type=IdentifierType.ABHA_NUMBER).value == ABHA_1
    son = Member.objects.get(member_id="HPM-T-0005")
    assert son.mobile == "9418000005" and son.person.mobile == "9418000005"
    assert son.person.given_name == "Vijay" and son.person.family_name == "Kumar"
    assert son.person.name_key and son.person.name_deva_key  # people's search keys, filled by the bulk write
    assert PersonIdentifier.objects.filter(id_type=IdentifierType.HIM_PARIVAR_MEMBER).count() == 7
    head = Family.objects.get(family_id="HPF-T-0003").head_id
    assert head == "HPM-T-0006"  # the SELF member when no head is named


def test_rerunning_an_import_changes_nothing(tmp_path, geography):
    path = write_csv(tmp_path / "export.csv", sample_families())
    import_file(path)
    before = database_state()
    stamps = sorted(Member.objects.values_list("member_id", "updated_at"))

    result = import_file(path)

    assert result.counts.members_unchanged == 7 and result.counts.families_unchanged == 3
    assert result.counts.members_created == result.counts.members_updated == 0
    assert database_state() == before
    assert sorted(Member.objects.values_list("member_id", "updated_at")) == stamps


def test_a_changed_member_is_updated_with_its_person(tmp_path, geography):
    import_file(write_csv(tmp_path / "a.csv", sample_families()))
    person_id = Member.objects.get(member_id="HPM-T-0004").person_id
    changed = with_change(sample_families(), 1, 0, status="DECEASED", mobile="9418000099")

    result = import_file(write_csv(tmp_path / "b.csv", changed))

    assert result.counts.members_updated == 1 and result.counts.members_unchanged == 6
    member = Member.objects.get(member_id="HPM-T-0004")
    assert member.status == "DECEASED" and member.person_id == person_id
    assert Person.objects.get(pk=person_id).mobile == "9418000099"
    assert Person.objects.count() == 7


def test_a_broken_row_is_reported_and_the_other_families_go_in(tmp_path, geography):
    families = with_change(sample_families(), 0, 1, date_of_birth="1974-13-40")
    families = with_change(families, 1, 1, mobile="12345")
    families = with_change(families, 2, None, panchayat_code="NOPE")
    families.append(
        {
            "family_id": "HPF-T-0009",
            "district_lgd": 23,
            "members": [
                {
                    "member_id": "HPM-T-0090",
                    "relation": "SELF",
                    "name_roman": "Good Man",
                    "sex": "M",
                    "year_of_birth": 1980,
                }
            ],
        }
    )
    path = write_csv(tmp_path / "export.csv", families)

    result = import_file(path)

    assert result.counts.families_created == 1 and result.counts.families_skipped == 3
    assert list(Family.objects.values_list("family_id", flat=True)) == ["HPF-T-0009"]
    errors = _errors(path)
    reasons = {(e["row"], e["field"]) for e in errors}
    assert ("3", "date_of_birth") in reasons  # the CSV line of the wife (header is line 1)
    assert ("6", "mobile") in reasons
    assert ("7", "panchayat_code") in reasons
    skipped = [e for e in errors if e["row"] == "2"]
    assert skipped and skipped[0]["reason"].startswith("Skipped")
    assert result.counts.rows_rejected == len(errors) == 7


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"district_lgd": 999}, "district_lgd"),
        ({"block_lgd": 999}, "block_lgd"),
        ({"block_lgd": 9002}, "block_lgd"),  # a block of Kangra for a family of Shimla
        ({"panchayat_code": "NOPE"}, "panchayat_code"),
        ({"panchayat_code": "9002-1"}, "panchayat_code"),  # a panchayat of Kangra
        ({"relation": "COUSIN"}, "relation"),
        ({"member_id": ""}, "member_id"),
        ({"abha_number": ABHA_1[:-1] + str((int(ABHA_1[-1]) + 1) % 10)}, "abha_number"),
        ({"sex": "X"}, "sex"),
        ({"date_of_birth": "", "year_of_birth": ""}, "date_of_birth"),
    ],
)
def test_each_kind_of_bad_value_is_named(tmp_path, geography, change, field):
    rows = csv_rows(sample_families())
    rows[1].update(change)
    path = write_csv(tmp_path / "export.csv", rows=rows)

    import_file(path)

    errors = _errors(path)
    assert {e["field"] for e in errors if e["row"] == "3"} == {field}
    assert not Family.objects.filter(family_id="HPF-T-0001").exists()
    assert Family.objects.count() == 2


def test_a_full_aadhaar_number_is_refused_and_never_stored(tmp_path, geography):
    rows = csv_rows(sample_families())
    rows[0]["aadhaar_last4"] = "2345 6789 1234"
    path = write_csv(tmp_path / "export.csv", rows=rows)

    import_file(path)

    errors = _errors(path)
    assert errors[0]["field"] == "aadhaar_last4" and "full Aadhaar" in errors[0]["reason"]
    report = (tmp_path / "export.csv.errors.csv").read_text()
    assert "6789" not in report and "234567891234" not in report
    assert not Member.objects.filter(aadhaar_last4="1234").exists()
    assert not PersonIdentifier.objects.filter(value__contains="6789").exists()


def test_no_half_imported_family_when_the_database_refuses_a_member(tmp_path, geography):
    import_file(write_csv(tmp_path / "a.csv", sample_families()[:1]))
    # Another family claims the wife's ABHA: the whole of that family is refused, nothing of it is written.
    families = sample_families()[2:]
    families = with_change(families, 0, 1, abha_number=ABHA_1)
    path = write_csv(tmp_path / "b.csv", families)

    result = import_file(path)

    assert result.counts.families_skipped == 1
    assert not Family.objects.filter(family_id="HPF-T-0003").exists()
    assert not Member.objects.filter(member_id__in=["HPM-T-0006", "HPM-T-0007"]).exists()
    errors = _errors(path)
    assert errors[0]["field"] == "abha_number" and errors[0]["member_id"] == "HPM-T-0007"


def test_a_dry_run_writes_nothing_but_counts(tmp_path, geography):
    path = write_csv(tmp_path / "export.csv", with_change(sample_families(), 1, 0, sex="?"))

    result = import_file(path, dry_run=True)

    assert result.counts.families_created == 2 and result.counts.members_created == 5
    assert result.counts.families_skipped == 1
    assert Family.objects.count() == Member.objects.count() == Person.objects.count() == 0
    assert PersonIdentifier.objects.count() == 0
    assert _errors(path)[0]["field"] == "sex"


def test_json_and_csv_give_the_same_result(tmp_path, geography):
    import_file(write_json(tmp_path / "export.json", sample_families()))
    from_json = database_state()
    Family.objects.update(head=None)
    Member.objects.all().delete()
    Family.objects.all().delete()
    Person.objects.all().delete()

    import_file(write_csv(tmp_path / "export.csv", sample_families()))

    assert database_state() == from_json
    assert from_json["people"] == 7


def test_json_lines_are_read_too(tmp_path, geography):
    import json

    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(f) for f in sample_families()), encoding="utf-8")
    result = import_file(path)
    assert result.file_format == "json" and result.counts.members_created == 7


def test_the_json_reader_streams_across_small_chunks():
    import io
    import json

    from himswasthya.himparivar.importer import _json_objects

    text = json.dumps(sample_families(), ensure_ascii=False)
    objects = list(_json_objects(io.StringIO(text), chunk_size=7))
    assert [o["family_id"] for o in objects] == ["HPF-T-0001", "HPF-T-0002", "HPF-T-0003"]


def test_a_member_moved_to_another_family_follows_it(tmp_path, geography):
    import_file(write_csv(tmp_path / "a.csv", sample_families()))
    families = sample_families()
    son = families[0]["members"].pop(2)
    families[2]["members"].append({**son, "relation": "OTHER"})

    import_file(write_csv(tmp_path / "b.csv", families))

    son = Member.objects.get(member_id="HPM-T-0003")
    assert son.family.family_id == "HPF-T-0003" and son.person.gram_panchayat.source_id == "9001-2"
    assert Person.objects.count() == 7


def test_killing_an_import_midway_then_rerunning_equals_one_clean_run(tmp_path, geography):
    families = [
        {
            **f,
            "family_id": f"{f['family_id']}-{n}",
            "head_member_id": f"{f['head_member_id']}-{n}" if f.get("head_member_id") else "",
            "members": [
                {**m, "member_id": f"{m['member_id']}-{n}", "abha_number": "", "abha_address": ""}
                for m in f["members"]
            ],
        }
        for n in range(6)
        for f in sample_families()
    ]
    path = write_csv(tmp_path / "export.csv", families)
    import_file(path, batch_families=2)
    clean = database_state()
    Family.objects.update(head=None)
    Member.objects.all().delete()
    Family.objects.all().delete()
    Person.objects.all().delete()

    def crash(batches: int) -> None:
        if batches == 4:
            raise ImportAborted("simulated crash")

    with pytest.raises(ImportAborted):
        import_file(path, batch_families=2, after_batch=crash)
    assert Family.objects.count() == 8  # four whole batches committed, nothing of the fifth
    assert all(f.members.exists() for f in Family.objects.all())

    rerun = import_file(path, batch_families=2)

    assert rerun.counts.families_unchanged == 8 and rerun.counts.families_created == 10
    assert database_state() == clean
