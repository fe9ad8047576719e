"""Issue #12 item 2: Himachal has 12 districts. The HIMCARE demo adds districts of other states where
empanelled hospitals outside Himachal stand (PGIMER, Chandigarh); they stay out of the state's geography:
its page and counts, the district filters of patient search, the facility directory and the OPD booking,
and the HIMCARE coverage table. (The empanelled-hospital list keeps them: it filters by hospitals.)"""

from __future__ import annotations

import pytest

from himswasthya.facilities.forms import DirectoryFilterForm
from himswasthya.himcare.coverage.mapping import _district_rows
from himswasthya.people.forms import PersonSearchForm
from himswasthya.places.models import District, State

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
