"""Import and sync pages and API: roles, district scope, upload checks, audit entries with counts only."""

from __future__ import annotations

import io
import json

import pytest

from himswasthya.audit.models import AuditEntry
from himswasthya.himparivar.models import Family, ImportRun
from himswasthya.himparivar.tests.register_files import csv_rows, sample_families, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.HIMPARIVAR_IMPORT_DIR = tmp_path / "imports"


def _csv_bytes(tmp_path, families=None, rows=None) -> bytes:
    return write_csv(tmp_path / "upload.csv", families, rows).read_bytes()


def _upload(content: bytes, name: str = "export.csv") -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


def test_the_state_admin_imports_through_the_page_and_sees_counts_and_errors(
    login_as, state_admin, geography, tmp_path
):
    rows = csv_rows(sample_families())
    rows[4]["mobile"] = "555"
    response = login_as(state_admin).post(
        "/families/import/", {"file": _upload(_csv_bytes(tmp_path, rows=rows))}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="families-created">2<' in page and 'data-testid="families-skipped">1<' in page
    assert "Not a 10-digit Indian mobile number." in page
    run = ImportRun.objects.get()
    assert run.counts["members_created"] == 5 and run.started_by == state_admin
    download = login_as(state_admin).get(f"/families/import/{run.pk}/errors.csv")
    assert download.status_code == 200
    report = b"".join(download.streaming_content).decode()
    assert report.startswith("row,family_id,member_id,field,reason") and ",mobile," in report


def test_the_import_is_audited_with_counts_only(login_as, state_admin, geography, tmp_path):
    login_as(state_admin).post(
        "/families/import/", {"file": _upload(_csv_bytes(tmp_path, sample_families()))}
    )
    entry = AuditEntry.objects.get(action="himparivar.import")
    assert entry.actor == state_admin and entry.detail["members_created"] == 7
    text = json.dumps(entry.detail, ensure_ascii=False)
    assert "Thakur" not in text and "HPM-T" not in text and "9816000001" not in text


def test_a_dry_run_from_the_page_saves_nothing(login_as, state_admin, geography, tmp_path):
    response = login_as(state_admin).post(
        "/families/import/", {"file": _upload(_csv_bytes(tmp_path, sample_families())), "dry_run": "on"}
    )
    assert "Dry run result" in response.content.decode()
    assert Family.objects.count() == 0


def test_a_district_officer_imports_only_their_own_district(login_as, district_officer, geography, tmp_path):
    response = login_as(district_officer).post(
        "/families/import/", {"file": _upload(_csv_bytes(tmp_path, sample_families()))}
    )
    assert response.status_code == 200
    assert set(Family.objects.values_list("district__lgd_code", flat=True)) == {
        district_officer.district.lgd_code
    }
    assert "This district is outside your area." in response.content.decode()


def test_other_roles_cannot_import_or_sync(
    client, login_as, clerk, himcare_officer, citizen, district_officer
):
    assert client.get("/families/import/").status_code == 302
    for user in (clerk, himcare_officer, citizen):
        assert login_as(user).get("/families/import/").status_code == 403
    assert login_as(district_officer).get("/families/sync/").status_code == 403
    assert login_as(district_officer).post("/families/sync/").status_code == 403


def test_a_binary_file_is_refused_by_content_whatever_its_name(login_as, state_admin, geography):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100)
    response = login_as(state_admin).post("/families/import/", {"file": _upload(png, "export.csv")})
    assert response.status_code == 400 and "not a text file" in response.content.decode()
    text = login_as(state_admin).post("/families/import/", {"file": _upload(b"hello,world\n1,2\n", "a.csv")})
    assert text.status_code == 400 and ImportRun.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(settings, login_as, state_admin, geography, tmp_path):
    settings.HIMPARIVAR_IMPORT_MAX_BYTES = 100
    response = login_as(state_admin).post(
        "/families/import/", {"file": _upload(_csv_bytes(tmp_path, sample_families()))}
    )
    assert response.status_code == 400 and Family.objects.count() == 0


def test_the_error_report_is_only_for_its_author(
    login_as, state_admin, district_officer, other_district_officer, geography, tmp_path
):
    login_as(district_officer).post(
        "/families/import/", {"file": _upload(_csv_bytes(tmp_path, sample_families()))}
    )
    run = ImportRun.objects.get()
    assert login_as(other_district_officer).get(f"/families/import/{run.pk}/errors.csv").status_code == 404
    assert login_as(district_officer).get(f"/families/import/{run.pk}/errors.csv").status_code == 200
    assert login_as(state_admin).get(f"/families/import/{run.pk}/errors.csv").status_code == 200


# --- API ------------------------------------------------------------------------------------------
def test_the_api_imports_json_and_returns_counts_and_errors(login_as, state_admin, geography):
    families = sample_families()
    families[2]["members"][0]["aadhaar_last4"] = "123456789012"
    body = json.dumps(families).encode()
    response = login_as(state_admin).post("/api/himparivar/imports", {"file": _upload(body, "export.json")})

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["format"] == "json" and data["counts"]["families_created"] == 2
    assert data["errors_total"] == 2 and data["errors"][0]["field"] == "aadhaar_last4"
    assert "123456789012" not in response.content.decode()


def test_the_api_refuses_other_roles(client, login_as, clerk, geography):
    files = {"file": _upload(b"family_id\n")}
    assert client.post("/api/himparivar/imports", files).status_code == 401
    assert login_as(clerk).post("/api/himparivar/imports", {"file": _upload(b"x")}).status_code == 403
    assert login_as(clerk).post("/api/himparivar/sync").status_code == 403


def test_the_api_refuses_a_file_that_is_not_an_export(login_as, state_admin, geography):
    response = login_as(state_admin).post("/api/himparivar/imports", {"file": _upload(b"\x00\x01\x02")})
    assert response.status_code == 400 and response.json()["code"] == "bad_file_type"


def test_the_pages_speak_hindi(login_as, state_admin, settings):
    from django.conf import settings as conf

    client = login_as(state_admin)
    client.cookies[conf.LANGUAGE_COOKIE_NAME] = "hi"
    assert "परिवार रजिस्टर आयात करें" in client.get("/families/import/").content.decode()
    assert "अभी सिंक करें" in client.get("/families/sync/").content.decode()
