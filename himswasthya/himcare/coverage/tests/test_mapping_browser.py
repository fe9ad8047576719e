"""In Chromium, in English and in Hindi: the district officer opens their district report, drills from the
district to a block and a panchayat (its outreach list), and downloads the CSV of every panchayat."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from himswasthya.himcare.tests.browser import signed_in_page
from himswasthya.himcare.tests.monitoring_factories import build_small_geography

LABELS = {
    "en": {
        "theog": "Theog",
        "alpha": "Alpha",
        "outreach": "Eligible families not enrolled",
        "csv": "Download CSV",
    },
    "hi": {
        "theog": "ठियोग",
        "alpha": "अल्फ़ा",
        "outreach": "पात्र परिवार जिनका नामांकन नहीं हुआ",
        "csv": "CSV डाउनलोड करें",
    },
}


def _context(browser, live_server, language, user):
    return signed_in_page(browser, live_server, user, language)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "hi"])
def test_district_officer_drills_down_and_downloads_csv(
    language,
    browser,
    live_server,
    district_officer,
    persona_district,
    persona_other_district,
    persona_facility,
    persona_other_facility,
):
    from himswasthya.himcare.tests.factories import make_scheme_year

    year = make_scheme_year()
    build_small_geography(
        persona_district, persona_other_district, year, persona_facility, persona_other_facility
    )
    text = LABELS[language]
    context, page = _context(browser, live_server, language, district_officer)
    try:
        page.goto(reverse("himcare:monitoring_coverage"))
        table = page.get_by_test_id("coverage")
        # The district report: Shimla's blocks only (Kangra's Nurpur is not there).
        assert table.get_by_role("link", name=text["theog"]).is_visible()
        assert "Nurpur" not in table.inner_text() and "नूरपुर" not in table.inner_text()
        table.get_by_role("link", name=text["theog"]).click()
        page.wait_for_url("**block=*")
        alpha_row = page.get_by_test_id("row").filter(has_text=text["alpha"])
        assert "50.0%" in alpha_row.inner_text()
        alpha_row.get_by_test_id("outreach-link").click()
        page.wait_for_url("**/monitoring/outreach/**")
        families = page.get_by_test_id("family")
        assert families.count() == 1 and "SG-F2" in families.first.inner_text()
        assert page.get_by_role("heading", level=1).inner_text() == text["outreach"]
        page.go_back()
        with page.expect_download() as info:
            page.get_by_test_id("csv").click()
        download = info.value
        content = open(download.path(), encoding="utf-8-sig").read()
        rows = list(csv.reader(io.StringIO(content)))
        assert rows[0][0] == "district_lgd_code"
        alpha = next(r for r in rows if r[5] == "Alpha")
        assert alpha[6:10] == ["5", "2", "1", "50.0"]
        assert {r[1] for r in rows[1:]} == {"Shimla"}
        assert text["csv"] in page.get_by_test_id("csv").inner_text()
    finally:
        context.close()
