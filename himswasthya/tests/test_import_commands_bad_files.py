"""Issue #10 item 4 (SEC-28): every import command ends a malformed file with a CommandError naming the file,
the line and the reason - never a traceback (before: 8 of 19 malformed files ended in one: binary, Latin-1,
over-long lines, a 200,000-character field, JSON nested 100,000 deep)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from himswasthya.himcare.hospitals.packages import COLUMNS as PACKAGE_COLUMNS
from himswasthya.places.loader import DATA_DIR as PLACES_DATA
from himswasthya.places.loader import DISTRICTS_CSV

pytestmark = pytest.mark.django_db

PACKAGE_ROW = "SG,General Surgery,SG001,Appendicectomy,SG001A,Appendicectomy,22800,Y,3,surgical,N"
HEADERS = {
    "packages": ",".join(PACKAGE_COLUMNS),
    "pmjay": "family_id,source,listed_on",
    "facilities": "code,name,facility_type,district_lgd_code",
    "himparivar": "family_id,member_id,district_lgd,relation,name_roman,sex",
    "icd10": "code,title,type,parent_code,chapter",
}
GOOD_ROW = {
    "packages": PACKAGE_ROW,
    "pmjay": "HP-1,PMJAY 2011,2019-01-01",
    "facilities": "F1,Facility One,PHC,23",
    "himparivar": "HP-1,M-1,23,SELF,Asha Devi,F",
    "icd10": "A00,Cholera,category,,I",
}

# name -> (bytes of line 3 (after the header and one good row), expected words in the message)
BAD_LINES: dict[str, tuple[bytes, list[str]]] = {
    "latin1": (b"Kamla D\xe9vi,x,y\n", ["Line 3", "UTF-8"]),
    "windows1252": (b"\x93quoted\x94,x,y\n", ["Line 3", "UTF-8"]),
    "nul": (b"abc\x00def,x,y\n", ["Line 3", "NUL"]),
    "overlong_line": (b"x" * 1_200_000 + b"\n", ["Line 3", "longer than 1,000,000"]),
    "overlong_field": (
        b'"' + b"y" * 200_000 + b'",x,y\n',
        ["Line 3", "field {first} is longer than 131,072"],
    ),
    "overlong_no_newline": (b"z" * 3_000_000, ["Line 3", "longer than"]),
}


def _file(tmp_path: Path, kind: str, bad: bytes, suffix: str = ".csv") -> Path:
    path = tmp_path / f"{kind}{suffix}"
    path.write_bytes((HEADERS[kind] + "\n" + GOOD_ROW[kind] + "\n").encode() + bad)
    return path


def _places_dir(tmp_path: Path, bad: bytes) -> Path:
    data = tmp_path / "places"
    shutil.copytree(PLACES_DATA, data, ignore=shutil.ignore_patterns("boundaries"))
    lines = (PLACES_DATA / DISTRICTS_CSV).read_bytes().splitlines(keepends=True)
    (data / DISTRICTS_CSV).write_bytes(b"".join(lines[:2]) + bad)
    return data


COMMANDS: dict[str, Callable[[Path, Path], object]] = {
    "packages": lambda path, tmp: call_command("import_himcare_packages", str(path)),
    "pmjay": lambda path, tmp: call_command("import_pmjay_families", str(path)),
    "facilities": lambda path, tmp: call_command("load_facilities", "--csv", str(path)),
    "himparivar": lambda path, tmp: call_command("import_himparivar", str(path), verbosity=0),
    "icd10": lambda path, tmp: call_command("load_icd10", "--file", str(path)),
}


def _assert_clear(exc: CommandError, path: Path, words: list[str]) -> None:
    message = str(exc)
    assert str(path) in message, message[:300]
    for word in words:
        assert word in message, (word, message[:300])
    assert len(message) < 1000  # the reason, never the file's content


@pytest.mark.parametrize("bad", list(BAD_LINES))
@pytest.mark.parametrize("kind", list(COMMANDS))
def test_malformed_csv_ends_in_a_command_error(tmp_path, persona_district, kind, bad):
    content, words = BAD_LINES[bad]
    words = [w.format(first=HEADERS[kind].split(",")[0]) for w in words]
    path = _file(tmp_path, kind, content)
    with pytest.raises(CommandError) as caught:
        COMMANDS[kind](path, tmp_path)
    _assert_clear(caught.value, path, words)


@pytest.mark.parametrize("bad", list(BAD_LINES))
def test_load_places_names_the_file_and_line(tmp_path, bad):
    content, words = BAD_LINES[bad]
    words = [w.format(first="district_lgd_code") for w in words]
    data = _places_dir(tmp_path, content)
    with pytest.raises(CommandError) as caught:
        call_command("load_places", "--data-dir", str(data), "--report", str(tmp_path / "report.csv"))
    _assert_clear(caught.value, data / DISTRICTS_CSV, words)


def test_load_places_names_a_missing_column(tmp_path):
    data = tmp_path / "places"
    shutil.copytree(PLACES_DATA, data, ignore=shutil.ignore_patterns("boundaries"))
    (data / DISTRICTS_CSV).write_text("district_lgd_code,district_name\n15,BILASPUR\n")
    with pytest.raises(CommandError) as caught:
        call_command("load_places", "--data-dir", str(data), "--report", str(tmp_path / "report.csv"))
    _assert_clear(caught.value, data / DISTRICTS_CSV, ["Line 1", "state_lgd_code"])


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_a_binary_file_is_named(tmp_path, persona_district, kind):
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    with pytest.raises(CommandError) as caught:
        COMMANDS[kind](path, tmp_path)
    message = str(caught.value)
    assert str(path) in message and ("UTF-8" in message or "text file" in message), message[:300]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, ["nested more than 64 levels"]),
        (b'[{"family_id": "HP-1", "members": ' + b"[" * 500 + b"]" * 500 + b"}]", ["nested more than 64"]),
        (b'[{"family_id": "HP-1", "members": []}, {"x": "caf\xe9"}]', ["UTF-8"]),
    ],
    ids=["deep_100000", "deep_500", "latin1"],
)
def test_himparivar_json_files(tmp_path, persona_district, content, words):
    path = tmp_path / "register.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("import_himparivar", str(path), verbosity=0)
    _assert_clear(caught.value, path, words)


def test_himparivar_json_lone_surrogate_is_a_row_error(tmp_path, persona_district):
    """A name with "\\ud800" is reported against its row, in the error report; the import goes on."""
    path = tmp_path / "register.json"
    path.write_text(
        '[{"family_id": "HP-1", "district_lgd": 23, "members": [{"member_id": "M-1", "relation": "SELF",'
        ' "name_roman": "Asha \\ud800", "sex": "F"}]}]'
    )
    call_command("import_himparivar", str(path), verbosity=0)
    report = Path(f"{path}.errors.csv").read_text(encoding="utf-8")
    assert "name_roman" in report and "not valid text" in report


def test_a_good_file_still_loads(tmp_path, persona_district):
    path = tmp_path / "packages.csv"
    path.write_text(HEADERS["packages"] + "\n" + PACKAGE_ROW + "\n", encoding="utf-8")
    call_command("import_himcare_packages", str(path))
    from himswasthya.himcare.models import Package

    assert Package.objects.get(code="SG001A").rate_paise == 22_800_00


def test_a_package_rate_in_devanagari_digits_is_a_row_error(tmp_path, persona_district):
    from himswasthya.himcare.hospitals.packages import import_packages
    from himswasthya.himcare.models import Package

    row = PACKAGE_ROW.replace("22800", "२२८००")
    report = import_packages(
        __import__("io").BytesIO((HEADERS["packages"] + "\n" + row + "\n").encode()), dry_run=False
    )
    assert [(e.row, e.field) for e in report.errors] == [(2, "rate_inr")]
    assert "0-9" in report.errors[0].reason
    assert not Package.objects.exists()


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", ["Line 3", "UTF-8"]), ("hi", ["पंक्ति 3", "UTF-8"])],
)
def test_the_package_upload_page_shows_the_line(login_as, himcare_officer, tmp_path, lang, words):
    """The same reader behind the web upload: a Latin-1 master is a 400 with the line, in both languages."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (HEADERS["packages"] + "\n" + PACKAGE_ROW + "\n").encode() + b"Cr\xe8me,x\n"
    response = login_as(himcare_officer, HTTP_ACCEPT_LANGUAGE=lang).post(
        "/himcare/packages/", {"file": SimpleUploadedFile("hbp.csv", content, "text/csv")}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert all(word in body for word in words), body[:2000]
