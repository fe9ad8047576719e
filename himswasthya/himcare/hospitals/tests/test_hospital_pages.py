"""Hospital-side HIMCARE pages: verify, packages (search, import report), empanelment, public hospitals."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from himswasthya.himcare.enrolment.verification import format_card_number
from himswasthya.himcare.hospitals.packages import import_illustrative
from himswasthya.himcare.models import Empanelment, EmpanelmentStatus, Package
from himswasthya.himcare.tests.factories import card_verification_fixtures, make_past_case, make_specialty

CARD = format_card_number(2026, 23, 55)


_fresh_rate_window, enrolled = card_verification_fixtures(CARD)


def test_verify_page_shows_balance_members_and_preauth_link(login_as, scheme_desk, enrolled):
    client = login_as(scheme_desk)
    assert client.get("/himcare/verify/").status_code == 200
    response = client.post("/himcare/verify/", {"q": CARD, "second_fact": "1980"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Active cover" in html and "₹5,00,000" in html and "Asha Devi" in html
    member = enrolled.members.first()
    assert f"/himcare/cases/new/?enrolled_member={member.pk}" in html


def test_verify_page_in_hindi(login_as, scheme_desk, enrolled):
    client = login_as(scheme_desk, HTTP_ACCEPT_LANGUAGE="hi")
    html = client.post("/himcare/verify/", {"q": CARD, "second_fact": "1980"}).content.decode()
    assert "सक्रिय कवर" in html and "₹5,00,000" in html


def test_verify_page_lists_past_packages_in_the_page_language(
    login_as, scheme_desk, enrolled, other_scheme_desk, persona_other_facility, surgery_package
):
    surgery_package.name_hi = "पित्ताशय की थैली निकालना (कोलेसिस्टेक्टॉमी)"
    surgery_package.save(update_fields=["name_hi"])
    make_past_case(
        enrolled, facility=persona_other_facility, raised_by=other_scheme_desk, package=surgery_package
    )
    for language, shown, hidden in (
        ("en", surgery_package.name, surgery_package.name_hi),
        ("hi", surgery_package.name_hi, surgery_package.name),
    ):
        client = login_as(scheme_desk, HTTP_ACCEPT_LANGUAGE=language)
        html = client.post("/himcare/verify/", {"q": CARD, "second_fact": "1980"}).content.decode()
        assert f"SG039A {shown}" in html and hidden not in html


def test_verify_page_errors_and_no_cover(login_as, scheme_desk, enrolled):
    client = login_as(scheme_desk)
    wrong = CARD[:-1] + ("0" if CARD[-1] != "0" else "1")
    response = client.post("/himcare/verify/", {"q": wrong, "second_fact": "1980"})
    assert response.status_code == 400 and "check character" in response.content.decode()
    enrolled.valid_from = timezone.localdate() - datetime.timedelta(days=400)
    enrolled.valid_to = timezone.localdate() - datetime.timedelta(days=40)
    enrolled.save(update_fields=["valid_from", "valid_to"])
    html = client.post("/himcare/verify/", {"q": CARD, "second_fact": "1980"}).content.decode()
    assert "No active cover" in html and "expired" in html and "cases/new" not in html


def test_verify_page_asks_for_a_second_fact_and_shows_nothing_without_it(login_as, scheme_desk, enrolled):
    client = login_as(scheme_desk)
    response = client.post("/himcare/verify/", {"q": CARD})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="second-fact-error"' in html
    assert "Enter a second fact" in html
    assert "Asha Devi" not in html and "Active cover" not in html and "₹" not in html


def test_verify_page_wrong_second_fact_is_the_unknown_card_refusal(login_as, scheme_desk, enrolled):
    client = login_as(scheme_desk)
    wrong_fact = client.post("/himcare/verify/", {"q": CARD, "second_fact": "Sunita"})
    unknown = client.post("/himcare/verify/", {"q": format_card_number(2026, 23, 56), "second_fact": "1980"})
    assert wrong_fact.status_code == unknown.status_code == 404
    html = wrong_fact.content.decode()
    assert "No beneficiary matches this identifier and second fact" in html and "Asha Devi" not in html


def test_family_choice_carries_the_second_fact(login_as, scheme_desk, enrolled, persona_district, citizen):
    from himswasthya.himcare.tests.factories import make_family

    make_family(
        persona_district,
        [{"name_roman": "Kusum Lata", "sex": "F", "year_of_birth": 1980, "mobile": citizen.mobile}],
        family_id="HP-FAM-HC-2",
    )
    client = login_as(scheme_desk)
    html = client.post("/himcare/verify/", {"q": citizen.mobile, "second_fact": "1980"}).content.decode()
    assert 'data-testid="family-choices"' in html
    assert '<input type="hidden" name="second_fact" value="1980">' in html
    chosen = client.post("/himcare/verify/", {"q": "HP-FAM-HC-1-1", "second_fact": "1980"})
    assert "Active cover" in chosen.content.decode()


def test_clerk_verifies_but_cannot_raise_preauth(login_as, clerk, enrolled):
    html = login_as(clerk).post("/himcare/verify/", {"q": CARD, "second_fact": "1980"}).content.decode()
    assert "Active cover" in html and "cases/new" not in html


@pytest.mark.parametrize("persona", ["citizen", "district_officer", "doctor"])
def test_verify_page_refused(request, login_as, persona):
    response = login_as(request.getfixturevalue(persona)).get("/himcare/verify/")
    assert response.status_code == 403


def test_verify_page_needs_sign_in():
    response = Client().get("/himcare/verify/")
    assert response.status_code in (302, 403)


def test_package_page_search_and_illustrative_banner(login_as, scheme_desk):
    import_illustrative()
    client = login_as(scheme_desk)
    html = client.get("/himcare/packages/", {"specialty": "SO"}).content.decode()
    assert "Illustrative rates" in html and "Abdominal hysterectomy" in html and "Cataract" not in html
    assert "Import a package master" not in html  # only officers import
    assert client.post("/himcare/packages/", {}).status_code == 403


def test_package_page_shows_package_names_in_the_page_language(login_as, scheme_desk):
    import_illustrative()
    client = login_as(scheme_desk)
    english = client.get(
        "/himcare/packages/", {"specialty": "SG"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Cholecystectomy - open" in english and "पित्ताशय की थैली" not in english
    hindi = client.get("/himcare/packages/", {"specialty": "SG"}, HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "पित्ताशय की थैली निकालना (कोलेसिस्टेक्टॉमी) - ओपन सर्जरी" in hindi
    assert "Cholecystectomy - open" not in hindi


def test_package_import_page_shows_the_row_report(login_as, himcare_officer):
    client = login_as(himcare_officer)
    csv_text = (
        "specialty_code,specialty_name,package_code,package_name,procedure_code,procedure_name,rate_inr,"
        "preauth_required,min_los_days,package_type,one_time\n"
        "SG,General Surgery,SG001,Appendicectomy,SG001A,Appendicectomy,20000,Y,3,surgical,Y\n"
        "SG,General Surgery,SG002,Hernia,SG002A,Hernia,20000,Y,2,keyhole,N\n"
    )
    upload = SimpleUploadedFile("hbp.csv", csv_text.encode(), content_type="text/csv")
    response = client.post("/himcare/packages/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "Import finished" in html
    assert "package_type" in html and "<td>3</td>" in html
    assert Package.objects.count() == 1


def test_empanelment_pages(login_as, himcare_officer, persona_facility, specialty):
    client = login_as(himcare_officer)
    assert client.get("/himcare/empanelments/new/").status_code == 200
    today = timezone.localdate()
    response = client.post(
        "/himcare/empanelments/new/",
        {
            "facility": persona_facility.code,
            "specialties": [specialty.pk],
            "valid_from": today.isoformat(),
            "valid_to": (today + datetime.timedelta(days=364)).isoformat(),
            "order_ref": "HPSBYS/7",
        },
    )
    assert response.status_code == 302
    row = Empanelment.objects.get()
    html = client.get("/himcare/empanelments/").content.decode()
    assert persona_facility.name in html and "HPSBYS/7" in html
    client.post(f"/himcare/empanelments/{row.pk}/status/", {"action": "suspend", "reason": "inspection"})
    row.refresh_from_db()
    assert row.status == EmpanelmentStatus.SUSPENDED
    # the same again is a form error, not a crash
    response = client.post(
        "/himcare/empanelments/new/",
        {
            "facility": persona_facility.code,
            "specialties": [specialty.pk],
            "valid_from": today.isoformat(),
            "valid_to": today.isoformat(),
        },
    )
    assert response.status_code == 409 and "already empanelled" in response.content.decode()


def test_register_hospital_page(login_as, himcare_officer, persona_district):
    client = login_as(himcare_officer)
    response = client.post(
        "/himcare/hospitals/new/",
        {"code": "PVT-9", "name": "Hill Dialysis", "ownership": "PVT", "district": persona_district.pk},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["scheme_desk", "district_officer", "citizen"])
def test_officer_pages_refused(request, login_as, persona):
    client = login_as(request.getfixturevalue(persona))
    for url in ("/himcare/empanelments/", "/himcare/empanelments/new/", "/himcare/hospitals/new/"):
        assert client.get(url).status_code == 403


def test_public_hospital_list_in_both_languages(empanelment, persona_district):
    html = Client().get("/himcare/hospitals/").content.decode()
    assert "Persona Medical College Shimla" in html and "General Surgery" in html
    html = Client(HTTP_ACCEPT_LANGUAGE="hi").get("/himcare/hospitals/").content.decode()
    assert "पर्सोना मेडिकल कॉलेज शिमला" in html and "सामान्य शल्य चिकित्सा" in html
    make_specialty("MN", "Nephrology and Dialysis")
    html = Client().get("/himcare/hospitals/", {"specialty": "MN"}).content.decode()
    assert "Persona Medical College" not in html


def test_home_pages_link_the_hospital_pages(login_as, scheme_desk, himcare_officer, citizen):
    assert "/himcare/verify/" in login_as(scheme_desk).get("/home/").content.decode()
    html = login_as(himcare_officer).get("/home/").content.decode()
    assert "/himcare/empanelments/" in html and "/himcare/packages/" in html
    assert "/himcare/hospitals/" in login_as(citizen).get("/home/").content.decode()


def test_verify_page_says_whether_the_desk_hospital_is_empanelled(login_as, scheme_desk, specialty):
    client = login_as(scheme_desk)
    assert "not empanelled for HIMCARE today" in client.get("/himcare/verify/").content.decode()
    from himswasthya.himcare.tests.factories import make_empanelment

    make_empanelment(scheme_desk.facility, specialty)
    html = client.get("/himcare/verify/").content.decode()
    assert "empanelled today for: General Surgery." in html


def test_card_qr_link_prefills_the_box_but_looks_nobody_up(login_as, scheme_desk, enrolled):
    from himswasthya.audit.models import AuditEntry

    html = login_as(scheme_desk).get("/himcare/verify/", {"q": CARD}).content.decode()
    assert f'value="{CARD}"' in html and "Active cover" not in html
    assert not AuditEntry.objects.filter(action="himcare.verify").exists()
