"""The counters' QR page and the clerk's live list of scan-and-share tokens."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from himswasthya.accounts.tests.fixtures import sign_in_page
from himswasthya.audit.models import AuditEntry
from himswasthya.registration import scan_share
from himswasthya.registration.scan_share_models import ScanShareCounter, ScanShareToken
from himswasthya.registration.tests.booking_fixtures import make_person
from himswasthya.registration.tests.scan_share_fixtures import DEMO_ADDRESS, HIP_ID


def _token(facility, number: int = 1, **fields) -> ScanShareToken:
    values = {
        "facility": facility,
        "date": timezone.localdate(),
        "token_number": number,
        "hip_id": HIP_ID,
        "context": "12",
        "abha_address": f"patient{number}@sbx",
        "name": f"Patient Number{number}",
        "gender": "F",
        "year_of_birth": 1990,
        "expires_at": timezone.now() + datetime.timedelta(minutes=30),
    }
    return ScanShareToken.objects.create(**{**values, **fields})


@pytest.mark.django_db
def test_the_counter_page_shows_a_qr_with_the_share_profile_url(hip_facility, clerk, login_as, settings):
    settings.ABDM_CM_ID = "sbx"
    response = login_as(clerk).get(f"/opd/scan-share/{hip_facility.code}/counters/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "https://phrsbx.abdm.gov.in/share-profile?hip-id=IN0210000001&amp;counter-id=12" in html
    assert "<svg" in html and 'name="code"' not in html  # clerks print; only admins add counters


@pytest.mark.django_db
def test_the_share_profile_host_follows_the_environment(hip_facility, settings):
    counter = ScanShareCounter.objects.get()
    settings.ABDM_CM_ID = "abdm"
    assert scan_share.share_profile_url(hip_facility, counter).startswith(
        "https://phr.abdm.gov.in/share-profile?"
    )
    settings.ABDM_SHARE_PROFILE_HOST = "https://example.test"
    assert scan_share.share_profile_url(hip_facility, counter) == (
        "https://example.test/share-profile?hip-id=IN0210000001&counter-id=12"
    )


@pytest.mark.django_db
def test_the_demo_facility_answers_to_the_configured_hip_id(persona_facility, settings):
    settings.ABDM_HIP_ID = "IN0210000001"
    assert scan_share.facility_for_hip("IN0210000001") is None
    settings.SCAN_SHARE_DEMO_FACILITY_CODE = persona_facility.code
    assert scan_share.facility_for_hip("IN0210000001") == persona_facility
    assert scan_share.hip_id_of(persona_facility) == "IN0210000001"


@pytest.mark.django_db
def test_a_facility_admin_adds_a_counter(hip_facility, facility_admin, login_as):
    client = login_as(facility_admin)
    department = hip_facility.departments.get()
    response = client.post(
        f"/opd/scan-share/{hip_facility.code}/counters/",
        {"code": "OPD-2", "name": "Counter 2", "department": department.pk},
        follow=True,
    )
    assert response.status_code == 200 and "counter-id=OPD-2" in response.content.decode()
    assert ScanShareCounter.objects.filter(
        facility=hip_facility, code="OPD-2", department=department
    ).exists()
    assert AuditEntry.objects.filter(action="scan_share.counter_add").exists()
    client.post(f"/opd/scan-share/{hip_facility.code}/counters/", {"code": "bad code!", "name": "x"})
    assert ScanShareCounter.objects.count() == 2
    bad_department = client.post(
        f"/opd/scan-share/{hip_facility.code}/counters/",
        {"code": "OPD-3", "name": "Counter 3", "department": "abc"},
        follow=True,
    )
    assert bad_department.status_code == 200
    assert "Enter a counter code" in bad_department.content.decode()
    assert ScanShareCounter.objects.count() == 2


@pytest.mark.django_db
def test_other_facilities_staff_and_citizens_cannot_open_the_counter_page(
    hip_facility, other_facility_clerk, citizen, clerk, login_as
):
    url = f"/opd/scan-share/{hip_facility.code}/counters/"
    assert login_as(other_facility_clerk).get(url).status_code == 403
    assert login_as(citizen).get(url).status_code == 403
    assert login_as(clerk).post(url, {"code": "X", "name": "X"}).status_code == 403


@pytest.mark.django_db
def test_the_clerk_list_shows_todays_tokens_of_the_own_facility_newest_first(
    hip_facility, persona_other_facility, clerk, other_facility_clerk, login_as
):
    _token(hip_facility, 1)
    _token(hip_facility, 2)
    _token(hip_facility, 3, date=timezone.localdate() - datetime.timedelta(days=1), abha_address="old@sbx")
    _token(persona_other_facility, 1, name="Elsewhere Patient", abha_address="elsewhere@sbx")
    response = login_as(clerk).get("/opd/scan-share/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("patient2@sbx") < html.index("patient1@sbx")
    assert "old@sbx" not in html and "Elsewhere" not in html
    assert AuditEntry.objects.filter(action="scan_share.list", actor=clerk).count() == 1
    rows = login_as(clerk).get("/opd/scan-share/rows/").content.decode()
    assert "patient1@sbx" in rows and "<html" not in rows
    other = login_as(other_facility_clerk).get("/opd/scan-share/rows/").content.decode()
    assert "Elsewhere Patient" in other and "patient1@sbx" not in other


@pytest.mark.django_db
def test_the_clerk_list_is_for_registration_staff_only(doctor, citizen, login_as, client):
    assert login_as(doctor).get("/opd/scan-share/").status_code == 403
    assert login_as(citizen).get("/opd/scan-share/rows/").status_code == 403
    assert client.get("/opd/scan-share/").status_code == 302


@pytest.mark.django_db
def test_a_token_without_a_person_cannot_be_registered(hip_facility, clerk, login_as):
    token = _token(hip_facility, 1)
    response = login_as(clerk).post(
        f"/opd/scan-share/tokens/{token.pk}/register/",
        {"department": hip_facility.departments.get().pk},
        follow=True,
    )
    assert "not yet in the patient index" in response.content.decode()
    token.refresh_from_db()
    assert token.status == "waiting"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "posted", [{}, {"department": "abc"}, {"department": "the facility's", "fee_exemption": "x"}]
)
def test_a_bad_registration_post_is_a_message_and_registers_nothing(hip_facility, clerk, login_as, posted):
    if posted.get("department") == "the facility's":  # a real department (its id differs per engine)
        posted = {**posted, "department": hip_facility.departments.get().pk}
    person = make_person(hip_facility.district)
    token = _token(hip_facility, 1, person=person)
    response = login_as(clerk).post(f"/opd/scan-share/tokens/{token.pk}/register/", posted, follow=True)
    html = response.content.decode()
    expected = "Unknown fee exemption category." if "fee_exemption" in posted else "Choose a department"
    assert response.status_code == 200 and expected in html
    token.refresh_from_db()
    assert token.status == "waiting"


@pytest.mark.django_db
def test_another_facilitys_token_is_a_404_even_with_a_bad_post(
    hip_facility, persona_other_facility, clerk, login_as
):
    token = _token(persona_other_facility, 1)
    url = f"/opd/scan-share/tokens/{token.pk}/register/"
    assert login_as(clerk).post(url, {"department": "abc"}).status_code == 404


@pytest.mark.django_db
def test_the_pages_speak_hindi(hip_facility, clerk, login_as):
    _token(hip_facility, 1)
    client = login_as(clerk, HTTP_ACCEPT_LANGUAGE="hi")
    client.cookies["django_language"] = "hi"
    html = client.get("/opd/scan-share/").content.decode()
    assert "स्कैन और शेयर टोकन" in html
    assert "काउंटर" in client.get(f"/opd/scan-share/{hip_facility.code}/counters/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_shared_profile_appears_on_the_clerk_screen_without_reload(
    share, demo_account, hip_facility, clerk, page, live_server
):
    sign_in_page(page, live_server, clerk)
    page.goto("/opd/scan-share/")
    assert page.get_by_text("No scan-and-share tokens yet today.").is_visible()
    page.evaluate("window.__noReload = true")
    result = share()
    assert result.status_code == 202
    card = page.get_by_test_id("scan-share-token")
    card.wait_for(timeout=10_000)
    assert "Ramesh Thakur" in card.inner_text() and DEMO_ADDRESS in card.inner_text()
    assert "Token 1" in card.inner_text()
    assert page.evaluate("window.__noReload") is True  # the same page: rows refreshed in place


@pytest.mark.django_db
def test_the_api_lists_todays_tokens_and_refuses_other_roles(hip_facility, clerk, doctor, login_as):
    first = _token(hip_facility, 1)
    _token(hip_facility, 2)
    client = login_as(clerk)
    tokens = client.get("/api/registration/scan-share/tokens/").json()
    assert [t["token_number"] for t in tokens] == [2, 1]
    assert tokens[0]["abha_address"] == "patient2@sbx" and tokens[0]["age"] is not None
    newer = client.get(f"/api/registration/scan-share/tokens/?since_id={first.pk}").json()
    assert [t["token_number"] for t in newer] == [2]
    assert login_as(doctor).get("/api/registration/scan-share/tokens/").status_code == 403
    assert AuditEntry.objects.filter(action="scan_share.list", actor=clerk).exists()


@pytest.mark.django_db
def test_the_api_refuses_to_register_a_token_without_a_person(hip_facility, clerk, login_as):
    token = _token(hip_facility, 1)
    client = login_as(clerk, enforce_csrf_checks=False)
    response = client.post(
        f"/api/registration/scan-share/tokens/{token.pk}/register/",
        {"department_id": hip_facility.departments.get().pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "token"
