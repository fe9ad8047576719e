"""Monitoring pages: flag queue and review, coverage drill-down (district officer report), CSV, outreach;
English and Hindi; outsiders refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from himswasthya.audit.models import AuditEntry
from himswasthya.himcare.models import FlagStatus, MisuseFlag, MisuseRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(flags, persona_facility):
    return flags.get(facility=persona_facility)


def test_flag_queue_and_review(flag, login_as, himcare_officer):
    client = login_as(himcare_officer)
    page = client.get(reverse("himcare:monitoring_flags"))
    assert page.status_code == 200
    assert "Same person admitted in two hospitals at once" in page.content.decode()
    detail = client.get(reverse("himcare:monitoring_flag", args=[flag.pk]))
    assert 'data-testid="review-form"' in detail.content.decode()
    missing = client.post(
        reverse("himcare:monitoring_flag", args=[flag.pk]), {"decision": "cleared", "note": ""}
    )
    assert missing.status_code == 400
    done = client.post(
        reverse("himcare:monitoring_flag", args=[flag.pk]),
        {"decision": "cleared", "note": "Referral, verified"},
    )
    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED and flag.review_note == "Referral, verified"


def test_flag_details_read_in_the_page_language(flag, login_as, himcare_officer, persona_other_facility):
    """Issue #12 item 4: the page shows what the rule found by labels, not "reasons: ['not_in_family', ...]";
    the stored details keep their codes."""
    non_member = MisuseFlag.objects.create(
        rule=MisuseRule.NON_MEMBER_ADMISSION,
        case=flag.case,
        facility=flag.facility,
        details={
            "reasons": ["not_in_family", "member_deceased"],
            "other_facility_id": persona_other_facility.pk,
        },
    )
    url = reverse("himcare:monitoring_flag", args=[non_member.pk])
    client = login_as(himcare_officer)
    english = client.get(url).content.decode()
    assert "Reasons: not a member of the enrolled family; member had died" in english
    assert "Other hospital: Persona Civil Hospital Kangra" in english and "not_in_family" not in english
    client.cookies["django_language"] = "hi"
    hindi = client.get(url).content.decode()
    assert "कारण: पंजीकृत परिवार का सदस्य नहीं; सदस्य की मृत्यु हो चुकी थी" in hindi
    assert "दूसरा अस्पताल: पर्सोना सिविल अस्पताल कांगड़ा" in hindi
    non_member.refresh_from_db()
    assert non_member.details["reasons"] == ["not_in_family", "member_deceased"]


def test_district_officer_sees_flags_without_review(flag, login_as, district_officer, other_district_officer):
    client = login_as(district_officer)
    detail = client.get(reverse("himcare:monitoring_flag", args=[flag.pk]))
    assert detail.status_code == 200 and 'data-testid="review-form"' not in detail.content.decode()
    assert (
        client.post(
            reverse("himcare:monitoring_flag", args=[flag.pk]), {"decision": "cleared", "note": "x"}
        ).status_code
        == 404
    )
    assert (
        login_as(other_district_officer).get(reverse("himcare:monitoring_flag", args=[flag.pk])).status_code
        == 404
    )


def test_coverage_drilldown_pages(geo, login_as, himcare_officer, persona_district):
    client = login_as(himcare_officer)
    url = reverse("himcare:monitoring_coverage")
    state = client.get(url).content.decode()
    assert "Shimla" in state and "Kangra" in state
    district = client.get(url, {"district": persona_district.pk}).content.decode()
    assert "Theog" in district and "Mashobra" in district and "Not mapped" in district
    block = client.get(url, {"district": persona_district.pk, "block": geo.theog.pk}).content.decode()
    assert "Alpha" in block and "50.0%" in block and "Families not enrolled" in block
    assert "<meter" in block
    assert client.get(url, {"district": 999999}).status_code == 404


def test_district_officer_report_in_hindi(geo, login_as, district_officer, persona_district):
    client = login_as(district_officer, HTTP_ACCEPT_LANGUAGE="hi")
    client.cookies["django_language"] = "hi"
    page = client.get(reverse("himcare:monitoring_coverage")).content.decode()
    assert "शिमला" in page and "ठियोग" in page
    assert "पात्र परिवार" in page  # "Eligible families"
    block = client.get(
        reverse("himcare:monitoring_coverage"), {"district": persona_district.pk, "block": geo.theog.pk}
    ).content.decode()
    assert "अल्फ़ा" in block


def test_csv_and_outreach_pages(geo, login_as, district_officer):
    client = login_as(district_officer)
    csv_page = client.get(reverse("himcare:monitoring_coverage_csv"))
    assert csv_page.status_code == 200 and b"Alpha" in csv_page.content
    outreach = client.get(reverse("himcare:monitoring_outreach", args=[geo.alpha.pk]))
    body = outreach.content.decode()
    assert "SG-F2" in body and "9811100002" in body and "SG-F1" not in body
    assert AuditEntry.objects.filter(action="himcare_outreach.read", actor=district_officer).exists()


def test_refresh_button(geo, login_as, himcare_officer, district_officer):
    from himswasthya.himcare.models import PanchayatCoverage

    assert login_as(district_officer).post(reverse("himcare:monitoring_coverage_refresh")).status_code == 403
    response = login_as(himcare_officer).post(reverse("himcare:monitoring_coverage_refresh"))
    assert response.status_code == 302 and PanchayatCoverage.objects.count() == 5


@pytest.mark.parametrize("who", ["clerk", "citizen", "scheme_desk"])
def test_outsiders_refused(geo, flag, login_as, request, who):
    client = login_as(request.getfixturevalue(who))
    for url in (
        reverse("himcare:monitoring_flags"),
        reverse("himcare:monitoring_flag", args=[flag.pk]),
        reverse("himcare:monitoring_coverage"),
        reverse("himcare:monitoring_coverage_csv"),
        reverse("himcare:monitoring_outreach", args=[geo.alpha.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_other_district_officer_refused(geo, login_as, other_district_officer, persona_district):
    client = login_as(other_district_officer)
    assert (
        client.get(reverse("himcare:monitoring_coverage"), {"district": persona_district.pk}).status_code
        == 404
    )
    assert client.get(reverse("himcare:monitoring_outreach", args=[geo.alpha.pk])).status_code == 404


def test_verification_alerts_are_listed_for_officers(
    active_enrolment, login_as, himcare_officer, district_officer, scheme_desk, settings
):
    # Issue #10 item 6: a desk verifying unusually many beneficiaries raises an alert the officers see.
    from django.core.cache import cache

    from himswasthya.himcare.enrolment.verification import do_verify_beneficiary

    cache.clear()
    settings.HIMCARE_VERIFY_ALERT_PER_HOUR = 2
    for _ in range(2):
        do_verify_beneficiary(actor=scheme_desk, query="HP-FAM-HC-1-1", second_fact="1980")
    cache.clear()
    html = login_as(himcare_officer).get(reverse("himcare:monitoring_flags")).content.decode()
    assert 'data-testid="verify-alert"' in html and "scheme_desk" in html
    assert "2 verifications in an hour" in html
    html = login_as(district_officer).get(reverse("himcare:monitoring_flags")).content.decode()
    assert 'data-testid="verify-alerts"' not in html
