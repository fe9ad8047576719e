"""The package master import: good rows, bad rows reported by row/field/reason, idempotent, dry run."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError, Forbidden
from himswasthya.himcare.hospitals.packages import (
    ILLUSTRATIVE_CSV,
    do_import_packages,
    import_illustrative,
    import_packages,
    search_packages,
)
from himswasthya.himcare.models import Package, PackageKind, Specialty

HEADER = (
    "specialty_code,specialty_name,package_code,package_name,procedure_code,procedure_name,rate_inr,"
    "preauth_required,min_los_days,package_type,one_time\n"
)
# The first package of a good file, without the line's end: the optional columns' tests add cells to it.
APPENDICECTOMY = "SG,General Surgery,SG001,Appendicectomy,SG001A,Appendicectomy - open,20000,Y,3,surgical,Y"
GOOD = (
    f'{APPENDICECTOMY}\nSE,Ophthalmology,SE001,Cataract,SE001A,Cataract (per eye),"12,000.50",N,0,daycare,N\n'
)


def _csv(body: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO((header + body).encode("utf-8"))


def _with_columns(*names: str) -> str:
    """HEADER with optional columns after the required ones."""
    return HEADER.rstrip("\n") + "," + ",".join(names) + "\n"


@pytest.mark.django_db
def test_good_rows_are_created():
    report = import_packages(_csv(GOOD))
    assert report.ok and (report.rows, report.created, report.specialties_created) == (2, 2, 2)
    package = Package.objects.get(code="SE001A")
    assert package.rate_paise == 12_000_50 and package.kind == PackageKind.DAY_CARE
    assert not package.needs_preauth and not package.is_one_time and not package.is_illustrative
    assert package.package_code == "SE001" and package.specialty.name == "Ophthalmology"
    assert Package.objects.get(code="SG001A").is_one_time


@pytest.mark.django_db
def test_bad_rows_are_reported_with_row_field_and_reason_and_not_written():
    body = (
        GOOD
        + "SG,General Surgery,SG002,Hernia,SG002A,Hernia,abc,Y,2,surgical,N\n"  # line 4: rate
        + "SG,General Surgery,SG003,Piles,SG003A,Piles,9000,maybe,2,surgical,N\n"  # line 5: preauth
        + "SG,General Surgery,SG004,Abscess,SG004A,Abscess,4000,N,0,outpatient,N\n"  # line 6: type
        + "NEW,New Specialty,NW001,X,,X,4000,N,0,medical,N\n"  # line 7: no procedure code
        + "SG,General Surgery,SG001,Appendicectomy,SG001A,Again,1,Y,3,surgical,Y\n"  # line 8: duplicate
        + "SG,General Surgery,SG005,Drain,SG005A,Drain,0,N,0,daycare,N\n"  # line 9: zero rate
        + "SG,General Surgery,SG006,Long stay,SG006A,Long stay,100,N,-1,medical,N\n"  # line 10: los
    )
    report = import_packages(_csv(body))
    assert report.created == 2
    assert [(e.row, e.field) for e in report.errors] == [
        (4, "rate_inr"),
        (5, "preauth_required"),
        (6, "package_type"),
        (7, "procedure_code"),
        (8, "procedure_code"),
        (9, "rate_inr"),
        (10, "min_los_days"),
    ]
    assert all(e.reason for e in report.errors)
    assert "row 2" in report.errors[4].reason
    assert not Specialty.objects.filter(code="NEW").exists()  # nothing of a bad row is written
    assert set(Package.objects.values_list("code", flat=True)) == {"SG001A", "SE001A"}


@pytest.mark.django_db
def test_rerun_is_idempotent_and_changes_are_updates():
    import_packages(_csv(GOOD))
    again = import_packages(_csv(GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = import_packages(_csv(GOOD.replace("20000", "21000")))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Package.objects.get(code="SG001A").rate_paise == 21_000_00
    assert Package.objects.count() == 2


@pytest.mark.django_db
def test_dry_run_writes_nothing_but_counts():
    report = import_packages(_csv(GOOD), dry_run=True)
    assert report.dry_run and report.created == 2
    assert not Package.objects.exists() and not Specialty.objects.exists()


@pytest.mark.django_db
def test_missing_columns_are_refused_with_their_names():
    with pytest.raises(DomainError) as exc:
        import_packages(_csv("x\n", header="specialty_code,package_code\n"))
    assert exc.value.code == "columns_missing" and "rate_inr" in str(exc.value.message)


@pytest.mark.django_db
def test_hindi_messages_for_row_errors():
    from django.utils import translation

    with translation.override("hi"):
        report = import_packages(_csv("SG,General Surgery,SG002,Hernia,SG002A,Hernia,abc,Y,2,surgical,N\n"))
    assert any("\u0900" <= ch <= "\u097f" for ch in report.errors[0].reason)


@pytest.mark.django_db
def test_illustrative_file_imports_41_rows_marked_illustrative():
    report = import_illustrative()
    assert report.ok and report.created == 41 and report.specialties_created == 8
    assert not Package.objects.filter(is_illustrative=False).exists()
    assert Package.objects.filter(is_one_time=True).count() >= 4
    assert not Package.objects.get(code="SE001A").is_one_time  # cataract counts per eye
    assert Specialty.objects.get(code="MN").name_hi
    assert ILLUSTRATIVE_CSV.read_text(encoding="utf-8").startswith("# ILLUSTRATIVE RATES - NOT OFFICIAL")


@pytest.mark.django_db
def test_management_command(capsys):
    call_command("import_himcare_packages", str(ILLUSTRATIVE_CSV), "--illustrative", "--dry-run")
    assert not Package.objects.exists()
    call_command("import_himcare_packages", str(ILLUSTRATIVE_CSV), "--illustrative")
    call_command("import_himcare_packages", str(ILLUSTRATIVE_CSV), "--illustrative")
    out = capsys.readouterr().out
    assert "dry run: 41 rows: 41 created" in out and "41 unchanged" in out
    assert Package.objects.count() == 41


@pytest.mark.django_db
def test_search_by_name_code_and_specialty():
    import_illustrative()
    assert [p.code for p in search_packages("hysterectomy")] == ["SO002A", "SO002B"]
    assert {p.specialty.code for p in search_packages(specialty="se")} == {"SE"}
    assert search_packages("MN001A").get().name == "Haemodialysis - per session"


def test_import_needs_an_officer(clerk, scheme_desk, himcare_officer):
    for user in (clerk, scheme_desk):
        with pytest.raises(Forbidden):
            do_import_packages(actor=user, upload=_csv(GOOD))
    report = do_import_packages(actor=himcare_officer, upload=_csv(GOOD), file_name="hbp.csv")
    assert report.created == 2
    entry = AuditEntry.objects.get(action="himcare.package_import")
    assert entry.detail["created"] == 2 and entry.actor == himcare_officer


@pytest.mark.django_db
def test_optional_document_columns_set_what_each_package_needs():
    header = _with_columns("preauth_documents", "claim_documents")
    body = (
        f"{APPENDICECTOMY},investigation;clinical_notes,\n"
        "SE,Ophthalmology,SE001,Cataract,SE001A,Cataract,12000,N,0,daycare,N,,xray\n"
    )
    report = import_packages(_csv(body, header=header))
    assert report.created == 1 and report.errors_total == 1
    assert report.errors[0].field == "claim_documents" and "xray" in report.errors[0].reason
    package = Package.objects.get(code="SG001A")
    assert (package.preauth_documents, package.claim_documents) == ("clinical_notes,investigation", "")
    # A master without the columns keeps what was set.
    import_packages(_csv(GOOD))
    assert Package.objects.get(code="SG001A").preauth_documents == "clinical_notes,investigation"


@pytest.mark.django_db
def test_optional_hindi_name_column_is_kept_when_left_out_and_roman_letters_are_reported():
    header = _with_columns("package_name_hi")
    body = (
        f"{APPENDICECTOMY},अपेंडिक्स निकालना - ओपन सर्जरी\n"
        "SE,Ophthalmology,SE001,Cataract,SE001A,Cataract,12000,N,0,daycare,N,Cataract\n"  # line 3: Roman
    )
    report = import_packages(_csv(body, header=header))
    assert report.created == 1 and report.errors_total == 1
    assert (report.errors[0].row, report.errors[0].field) == (3, "package_name_hi")
    assert not Package.objects.filter(code="SE001A").exists()
    assert Package.objects.get(code="SG001A").name_hi == "अपेंडिक्स निकालना - ओपन सर्जरी"
    # The same file again changes nothing; a master without the column (or an empty cell) keeps the name.
    again = import_packages(_csv(body.splitlines(keepends=True)[0], header=header))
    assert (again.unchanged, again.updated) == (1, 0)
    without = import_packages(_csv(GOOD))
    assert without.ok and without.unchanged == 1
    empty_cell = f"{APPENDICECTOMY},\n"
    assert import_packages(_csv(empty_cell, header=header)).unchanged == 1
    assert Package.objects.get(code="SG001A").name_hi == "अपेंडिक्स निकालना - ओपन सर्जरी"


@pytest.mark.django_db
def test_illustrative_packages_have_hindi_names_in_devanagari():
    import_illustrative()
    assert not Package.objects.filter(name_hi="").exists()
    assert Package.objects.get(code="SG002A").name_hi.startswith("पित्ताशय की थैली निकालना")
    assert [p.code for p in search_packages("पित्ताशय")] == ["SG002A", "SG002B"]
