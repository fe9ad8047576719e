"""The enrolment pages read their POST bodies through forms (enrolment/forms.py): a value no page sends is a
field error with the field's name and the reason, in English and Hindi (400), and nothing changes; blank
values still get the services' own messages."""

from __future__ import annotations

import pytest

from himswasthya.himcare.enrolment import services as svc
from himswasthya.himcare.models import Document, Enrolment

TOO_LONG = "x" * 301


@pytest.fixture
def pending(scheme_year, citizen_family, clerk):
    return svc.do_enrol_family(actor=clerk, family=citizen_family, channel="counter")


def _hindi(client, url, body):
    client.cookies["django_language"] = "hi"
    return client.post(url, body, HTTP_ACCEPT_LANGUAGE="hi").content.decode()


@pytest.mark.parametrize(
    ("path", "body", "english", "hindi"),
    [
        (
            "cancel/",
            {"reason": TOO_LONG},
            "Reason for cancelling: At most 300 characters (this has 301).",
            "रद्द करने का कारण: अधिकतम 300 अक्षर (इसमें 301 हैं)।",
        ),
        (
            "renew/",
            {"receipt_no": "R-9", "special_case_reason": TOO_LONG},
            "Special case outside the enrolment months: reason: At most 300 characters (this has 301).",
            "नामांकन महीनों के बाहर विशेष मामला: कारण: अधिकतम 300 अक्षर (इसमें 301 हैं)।",
        ),
    ],
)
def test_a_bad_field_on_the_enrolment_page_is_a_400(
    pending, himcare_officer, login_as, path, body, english, hindi
):
    svc.do_record_counter_payment(actor=himcare_officer, enrolment=pending, receipt_no="R-1")
    client = login_as(himcare_officer)
    url = f"/himcare/enrolments/{pending.pk}/{path}"
    response = client.post(url, body)
    assert response.status_code == 400
    assert english in response.content.decode()
    assert pending.enrolment_no in response.content.decode()  # the enrolment page again
    assert hindi in _hindi(client, url, body)
    assert list(Enrolment.objects.values_list("status", flat=True)) == ["active"]


@pytest.mark.parametrize(
    ("body", "english", "hindi"),
    [
        (
            {"member_ids": ["x" * 33]},
            "Members to enrol: At most 32 characters (this has 33).",
            "नामांकित किए जाने वाले सदस्य: अधिकतम 32 अक्षर (इसमें 33 हैं)।",
        ),
        (
            {"category_override": "I", "override_reason": "BPL", "override_reference": "x" * 101},
            "Document number: At most 100 characters (this has 101).",
            "दस्तावेज़ संख्या: अधिकतम 100 अक्षर (इसमें 101 हैं)।",
        ),
    ],
)
def test_a_bad_field_when_enrolling_is_a_400(
    scheme_year, citizen_family, himcare_officer, login_as, body, english, hindi
):
    client = login_as(himcare_officer)
    body = {"family_id": citizen_family.family_id, **body}
    response = client.post("/himcare/enrol/", body)
    assert response.status_code == 400
    page = response.content.decode()
    assert english in page
    assert 'data-testid="eligibility"' in page  # the family is still shown, to enrol it properly
    assert hindi in _hindi(client, "/himcare/enrol/", body)
    assert not Enrolment.objects.exists() and not Document.objects.exists()


def test_a_bad_field_on_my_card_is_a_400(scheme_year, citizen_family, citizen, login_as):
    response = login_as(citizen).post(
        "/himcare/my-card/", {"family_id": citizen_family.family_id, "member_ids": ["x" * 33]}
    )
    assert response.status_code == 400
    assert "Members to enrol: At most 32 characters (this has 33)." in response.content.decode()
    assert not Enrolment.objects.exists()


def test_text_that_cannot_be_stored_is_a_400(pending, clerk, login_as):
    """A NUL character (PostgreSQL cannot store it) is refused before the form (core.text's middleware)."""
    response = login_as(clerk).post(
        f"/himcare/enrolments/{pending.pk}/counter-payment/", {"receipt_no": "R\x00"}
    )
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == "pending_payment"


def test_blank_fields_keep_the_services_messages(pending, clerk, himcare_officer, login_as):
    """Blank values pass the forms; the services' rules and messages answer, as before."""
    page = login_as(clerk).post(f"/himcare/enrolments/{pending.pk}/counter-payment/", {}, follow=True)
    assert "Enter the receipt number." in page.content.decode()
    page = login_as(clerk).post(
        f"/himcare/enrolments/{pending.pk}/counter-payment/", {"receipt_no": "R" * 41}, follow=True
    )
    assert "The receipt number is too long." in page.content.decode()
    page = login_as(himcare_officer).post(f"/himcare/enrolments/{pending.pk}/cancel/", {}, follow=True)
    assert "Give the reason for cancelling." in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending_payment"
