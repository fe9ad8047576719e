"""Issue #12 item 2: Himachal has 12 districts. The HIMCARE demo adds districts of other states where
empanelled hospitals outside Himachal stand (PGIMER, Chandigarh); they stay out of the state's geography:
its page and counts, the district filters of patient search, the facility directory and the OPD booking,
and the HIMCARE coverage table. (The empanelled-hospital list keeps them: it filters by hospitals.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from himswasthya.facilities.forms import DirectoryFilterForm
from himswasthya.himcare.coverage.mapping import _district_rows
from himswasthya.people.forms import PersonSearchForm
from himswasthya.places.models import Block, District, GramPanchayat, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def chandigarh(hp_places) -> District:
    ut = State.objects.create(lgd_code=4, name="Chandigarh", name_hi="चंडीगढ़")
    return District.objects.create(lgd_code=55, name="Chandigarh", name_hi="चंडीगढ़", state=ut)


def test_the_state_page_counts_twelve_districts(client, chandigarh):
    content = client.get("/places/").content.decode()
    assert "12 districts" in content and "Chandigarh" not in content
    client.cookies["django_language"] = "hi"
    assert "12 ज़िले" in client.get("/places/").content.decode()


def test_district_filters_and_the_coverage_table_list_only_himachals_districts(chandigarh):
    assert District.objects.of_home_state().count() == 12 and District.objects.count() == 13
    assert chandigarh not in PersonSearchForm().fields["district"].queryset
    assert chandigarh.lgd_code not in dict(DirectoryFilterForm().fields["district"].choices)
    rows = _district_rows({})
    assert len(rows) == 12 and chandigarh.pk not in {row.id for row in rows}


def test_the_readme_gives_the_counts_the_state_page_shows(client, hp_places):
    """The README's row for `places` states the counts that the loaded geography and its page show."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| `places` |"))
    counts = re.findall(r"([\d,]+) (districts|blocks|gram panchayats)", row)
    stated = {word: int(number.replace(",", "")) for number, word in counts}
    loaded = {
        "districts": District.objects.of_home_state().count(),
        "blocks": Block.objects.filter(district__state__lgd_code=2).count(),
        "gram panchayats": GramPanchayat.objects.count(),
    }
    assert stated == loaded
    page = client.get("/places/").content.decode()
    assert f"{loaded['gram panchayats']}" in page
