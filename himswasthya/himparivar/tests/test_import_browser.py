"""The state administrator uploads a register CSV with one bad row in a real browser."""

from __future__ import annotations

import pytest

from himswasthya.accounts.tests.fixtures import sign_in_page
from himswasthya.himparivar.models import Family
from himswasthya.himparivar.tests.register_files import csv_rows, sample_families, write_csv


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_state_admin_uploads_a_csv_and_sees_the_counts_and_the_error(
    page, live_server, state_admin, geography, tmp_path, settings
):
    settings.HIMPARIVAR_IMPORT_DIR = tmp_path / "imports"
    rows = csv_rows(sample_families())
    rows[5]["date_of_birth"] = "31/12/1990"  # the one bad row: family HPF-T-0003 is skipped whole
    path = write_csv(tmp_path / "register.csv", rows=rows)
    sign_in_page(page, live_server, state_admin)

    page.goto("/families/import/")
    page.get_by_label("Register export (CSV or JSON)").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()

    page.get_by_role("heading", name="Import result").wait_for()
    assert page.get_by_test_id("families-created").inner_text() == "2"
    assert page.get_by_test_id("families-skipped").inner_text() == "1"
    assert page.get_by_test_id("members-created").inner_text() == "5"
    errors = page.get_by_test_id("import-errors").inner_text()
    assert (
        "date_of_birth" in errors
        and "Not a date in the form YYYY-MM-DD." in errors
        and "HPM-T-0006" in errors
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the error report (CSV)").click()
    assert "date_of_birth" in open(download.value.path(), encoding="utf-8").read()
    assert sorted(Family.objects.values_list("family_id", flat=True)) == ["HPF-T-0001", "HPF-T-0002"]
