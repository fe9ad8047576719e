"""HIMCARE enrolment pages: enrol at the counter, detail with payment and card, list, My HIMCARE card."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from himswasthya.accounts.models import User
from himswasthya.himcare.enrolment import services as svc
from himswasthya.himcare.models import Document, Enrolment, PmjayFamily
from himswasthya.himcare.tests.factories import make_active_enrolment, make_family


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.SMS_BACKEND = "memory"


def test_clerk_enrols_and_takes_the_premium(scheme_year, citizen_family, clerk, login_as):
    client = login_as(clerk)
    page = client.get("/himcare/enrol/", {"family_id": citizen_family.family_id})
    assert page.status_code == 200
    assert "Asha Devi" in page.content.decode() and 'data-testid="category"' in page.content.decode()
    members = [m.member_id for m in citizen_family.members.all()][:2]
    response = client.post("/himcare/enrol/", {"family_id": citizen_family.family_id, "member_ids": members})
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302 and response.url == f"/himcare/enrolments/{enrolment.pk}/"
    assert enrolment.members.count() == 2 and enrolment.channel == "counter"
    detail = client.get(response.url).content.decode()
    assert 'data-testid="take-payment"' in detail
    client.post(f"/himcare/enrolments/{enrolment.pk}/counter-payment/", {"receipt_no": "R-5"})
    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    detail = client.get(f"/himcare/enrolments/{enrolment.pk}/").content.decode()
    assert enrolment.card_number in detail and 'data-testid="download-card"' in detail
    pdf = client.get(f"/himcare/enrolments/{enrolment.pk}/card.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_refusal_shown_with_reason(scheme_year, citizen_family, clerk, login_as):
    PmjayFamily.objects.create(family=citizen_family, source="SECC", listed_on=datetime.date(2019, 1, 1))
    page = login_as(clerk).get("/himcare/enrol/", {"family_id": citizen_family.family_id}).content.decode()
    assert 'data-testid="refusal"' in page and "AB-PMJAY" in page and "01-01-2019" in page


def test_unknown_or_other_district_family(scheme_year, citizen_family, other_facility_clerk, login_as):
    page = login_as(other_facility_clerk).get("/himcare/enrol/", {"family_id": citizen_family.family_id})
    assert page.status_code == 404 and "No family with this id in your area" in page.content.decode()


def test_officer_overrides_with_an_uploaded_document(scheme_year, citizen_family, himcare_officer, login_as):
    upload = SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf")
    response = login_as(himcare_officer).post(
        "/himcare/enrol/",
        {
            "family_id": citizen_family.family_id,
            "member_ids": [m.member_id for m in citizen_family.members.all()],
            "category_override": "I",
            "override_reason": "BPL certificate",
            "override_kind": "category_cert",
            "override_file": upload,
        },
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.category == "I" and enrolment.status == "active"
    assert Document.objects.get(enrolment=enrolment).content_type == "application/pdf"


def test_pages_refuse_outsiders(active_enrolment, district_officer, login_as, db):
    other = User.objects.create(username="other-citizen", role="citizen", mobile="9000000009")
    assert login_as(other).get(f"/himcare/enrolments/{active_enrolment.pk}/").status_code == 404
    assert login_as(other).get(f"/himcare/enrolments/{active_enrolment.pk}/card.pdf").status_code == 404
    assert login_as(district_officer).get("/himcare/enrol/").status_code == 403
    assert login_as(other).get("/himcare/enrolments/").status_code == 403


def test_officer_cancels_from_the_page(active_enrolment, himcare_officer, login_as):
    client = login_as(himcare_officer)
    client.post(f"/himcare/enrolments/{active_enrolment.pk}/cancel/", {"reason": "Duplicate"})
    active_enrolment.refresh_from_db()
    assert active_enrolment.status == "cancelled"


def test_list_scoped_for_district_officer(
    scheme_year, active_enrolment, persona_other_district, district_officer, login_as
):
    other_family, _m = make_family(persona_other_district)
    other = make_active_enrolment(other_family, scheme_year)
    page = login_as(district_officer).get("/himcare/enrolments/").content.decode()
    assert active_enrolment.enrolment_no in page and other.enrolment_no not in page


def test_my_card_shows_card_balance_in_hindi(active_enrolment, citizen, login_as):
    client = login_as(citizen)
    client.cookies["django_language"] = "hi"
    page = client.get("/himcare/my-card/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "मेरा हिमकेयर कार्ड" in page
    assert active_enrolment.card_number in page
    assert "₹5,00,000" in page  # the family cover, in Indian digit grouping like every HIMCARE page
    assert 'data-testid="download-card"' in page


def test_my_card_offers_enrolment_and_sends_to_the_gateway(scheme_year, citizen_family, citizen, login_as):
    client = login_as(citizen)
    page = client.get("/himcare/my-card/").content.decode()
    assert 'data-testid="enrol-online"' in page and "₹365" in page
    # The gateway is the simulator of this site; in this test nothing listens, so the page reports the error.
    response = client.post("/himcare/my-card/", {"family_id": citizen_family.family_id})
    enrolment = Enrolment.objects.get()
    assert enrolment.channel == "citizen" and enrolment.status == "pending_payment"
    assert response.status_code == 302


def test_home_pages_link_himcare(citizen, clerk, himcare_officer, login_as, db):
    assert "/himcare/my-card/" in login_as(citizen).get("/home/").content.decode()
    assert "/himcare/enrol/" in login_as(clerk).get("/home/").content.decode()
    assert "/himcare/enrol/" in login_as(himcare_officer).get("/home/").content.decode()


def test_callback_with_failure_changes_nothing(scheme_year, citizen_family, citizen, login_as):
    enrolment = svc.do_enrol_family(actor=citizen, family=citizen_family, channel="citizen")
    from himswasthya.himcare.models import PremiumPayment

    PremiumPayment.objects.create(
        enrolment=enrolment, amount_paise=365_00, method="online", order_id="order_q"
    )
    client = login_as(citizen)
    response = client.get("/himcare/payment/callback/", {"razorpay_order_id": "order_q", "error_code": "X"})
    assert response.status_code == 302 and response.url == "/himcare/my-card/"
    response = client.get(
        "/himcare/payment/callback/",
        {"razorpay_order_id": "order_q", "razorpay_payment_id": "pay_1", "razorpay_signature": "0" * 64},
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "pending_payment"
