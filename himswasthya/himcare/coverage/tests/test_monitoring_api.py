"""The monitoring API: flags, review, coverage drill-down, CSV and outreach; outsiders refused."""

from __future__ import annotations

import csv
import io

import pytest

from himswasthya.himcare.models import FlagStatus, MisuseFlag
from himswasthya.himcare.tests.monitoring_factories import EXPECTED

pytestmark = pytest.mark.django_db
BASE = "/api/himcare/monitoring"


def test_flags_listed_by_scope(flags, login_as, himcare_officer, district_officer, other_district_officer):
    assert len(login_as(himcare_officer).get(f"{BASE}/flags").json()) == 2
    mine = login_as(district_officer).get(f"{BASE}/flags").json()
    assert [f["facility_code"] for f in mine] == ["PERSONA-MC-SML"]
    assert mine[0]["rule"] == "concurrent_admission" and mine[0]["details"]["overlap_hours"] > 0
    theirs = login_as(other_district_officer).get(f"{BASE}/flags").json()
    assert [f["facility_code"] for f in theirs] == ["PERSONA-CH-KGR"]


def test_review_through_the_api(flags, login_as, himcare_officer, district_officer):
    flag = flags.first()
    url = f"{BASE}/flags/{flag.pk}/review"
    refused = login_as(district_officer).post(
        url, {"decision": "cleared", "note": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    officer = login_as(himcare_officer)
    bad = officer.post(url, {"decision": "cleared", "note": ""}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "note"
    ok = officer.post(url, {"decision": "confirmed", "note": "checked"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    assert MisuseFlag.objects.get(pk=flag.pk).status == FlagStatus.CONFIRMED
    again = officer.post(url, {"decision": "cleared", "note": "again"}, content_type="application/json")
    assert again.status_code == 409
    assert (
        officer.post(
            f"{BASE}/flags/999999/review",
            {"decision": "cleared", "note": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_coverage_drilldown(geo, login_as, himcare_officer, persona_district):
    client = login_as(himcare_officer)
    state = client.get(f"{BASE}/coverage").json()
    assert state["level"] == "district" and state["total"]["families"] == 10
    district = client.get(f"{BASE}/coverage", {"district_id": persona_district.pk}).json()
    assert district["level"] == "block"
    block = client.get(
        f"{BASE}/coverage", {"district_id": persona_district.pk, "block_id": geo.theog.pk}
    ).json()
    alpha = next(r for r in block["rows"] if r["name"] == "Alpha")["figures"]
    assert (alpha["families"], alpha["eligible_families"], alpha["enrolled_families"]) == EXPECTED["Alpha"][
        :3
    ]
    assert alpha["coverage_percent"] == 50.0 and alpha["approved_paise"] == 15_000_00


def test_district_officer_report_is_their_district(
    geo, login_as, district_officer, other_district_officer, persona_district
):
    mine = login_as(district_officer).get(f"{BASE}/coverage").json()
    assert mine["district_id"] == persona_district.pk and mine["level"] == "block"
    other = login_as(other_district_officer)
    assert other.get(f"{BASE}/coverage", {"district_id": persona_district.pk}).status_code == 404
    assert other.get(f"{BASE}/coverage.csv", {"district_id": persona_district.pk}).status_code == 404
    assert other.get(f"{BASE}/outreach/{geo.alpha.pk}").status_code == 404


def test_csv(geo, login_as, district_officer):
    response = login_as(district_officer).get(f"{BASE}/coverage.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["district_lgd_code", "district", "block_lgd_code"]
    names = {r[5] for r in rows[1:]}
    assert names == {"Alpha", "Beta", "Gamma", "Delta", "Not mapped"}  # Shimla only


def test_outreach(geo, login_as, district_officer):
    body = login_as(district_officer).get(f"{BASE}/outreach/{geo.alpha.pk}").json()
    assert [f["family_id"] for f in body["families"]] == ["SG-F2"]
    assert body["families"][0]["mobile"] == "9811100002"


@pytest.mark.parametrize("who", ["clerk", "citizen", "scheme_desk", "doctor"])
def test_outsiders_refused(geo, flags, login_as, request, who):
    client = login_as(request.getfixturevalue(who))
    for url in (
        f"{BASE}/flags",
        f"{BASE}/coverage",
        f"{BASE}/coverage.csv",
        f"{BASE}/outreach/{geo.alpha.pk}",
    ):
        assert client.get(url).status_code == 403, url
    review = client.post(
        f"{BASE}/flags/{flags.first().pk}/review",
        {"decision": "cleared", "note": "x"},
        content_type="application/json",
    )
    assert review.status_code == 403


def test_anonymous_refused(geo):
    from django.test import Client

    assert Client().get(f"{BASE}/coverage").status_code == 401
