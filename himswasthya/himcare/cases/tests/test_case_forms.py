"""Issue #11: the case pages read their POST bodies with the forms of cases/forms.py. A value no page sends
(a package id that is not a number, a time that is not one) is a field error on a 400 page in English and
Hindi, never a 500 (regression: a package id "²" passed str.isdigit() and int() failed); good values reach
the services under their argument names. Bad amounts: test_money_input.py."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from himswasthya.core.errors import DomainError
from himswasthya.himcare.cases import forms
from himswasthya.himcare.cases import services as cases
from himswasthya.himcare.models import Case, CaseStatus
from himswasthya.himcare.tests.factories import verify_at_desk

NEW = "/himcare/cases/new/"


def _approved(himcare_officer, case: Case) -> Case:
    return cases.do_decide_preauth(actor=himcare_officer, case=case, decision="approve")


def _refused(response, text: str, testid: str = 'role="alert"') -> None:
    assert response.status_code == 400, response.status_code
    body = response.content.decode()
    assert testid in body
    assert text in body, body[body.find('role="alert"') - 200 : body.find('role="alert"') + 400]


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "Package ²</script> does not exist"), ("hi", "पैकेज ²</script> मौजूद नहीं है")],
)
@pytest.mark.parametrize("bad", ["²</script>", "-1", "99999999999999999999"])
def test_a_package_id_that_is_no_row_id_is_a_field_error(login_as, scheme_desk, world, bad, lang, text):
    desk = login_as(scheme_desk, HTTP_ACCEPT_LANGUAGE=lang)
    verify_at_desk(desk, world["member"].enrolment)
    response = desk.post(
        NEW,
        {
            "enrolled_member": world["member"].pk,
            "packages": [world["package"].pk, bad],
            "icd10_codes": "K80.2",
        },
    )
    escaped = text.replace("²</script>", bad.replace("<", "&lt;").replace(">", "&gt;"))
    _refused(response, escaped, 'data-testid="error-package_ids"')
    assert not Case.objects.exists()


@pytest.mark.parametrize(("lang", "text"), [("en", "Enter a date and time."), ("hi", "तारीख और समय दर्ज करें।")])
@pytest.mark.parametrize("bad", ["yesterday", "2026-02-30T10:00", "10:00", "0001-01-01T00:00"])
def test_an_admission_time_that_is_no_time_is_a_field_error(
    login_as, scheme_desk, himcare_officer, raised, bad, lang, text
):
    case = _approved(himcare_officer, raised)
    response = login_as(scheme_desk, HTTP_ACCEPT_LANGUAGE=lang).post(
        f"/himcare/cases/{case.pk}/admit/", {"admitted_at": bad}
    )
    _refused(response, text, 'data-testid="action-error"')
    assert Case.objects.get(pk=case.pk).status == CaseStatus.PREAUTH_APPROVED


@pytest.mark.parametrize("member", ["abc", "-3", "1.5", "99999999999999999999999"])
def test_a_member_id_that_is_no_row_id_is_refused_like_an_unknown_one(login_as, scheme_desk, world, member):
    desk = login_as(scheme_desk)
    verify_at_desk(desk, world["member"].enrolment)
    assert desk.get(NEW, {"enrolled_member": member}).status_code == 403
    response = desk.post(NEW, {"enrolled_member": member, "packages": [world["package"].pk]})
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_the_forms_give_the_services_their_arguments():
    preauth = forms.PreauthForm(
        {
            "packages": ["7", "7", "9"],
            "icd10_codes": "k80.2; K81.0 ,,K82",
            "estimated": "₹ 20,000.50",
            "treating_doctor": " Dr. Negi ",
            "is_emergency": "1",
            "document_kind": "",
        }
    )
    assert preauth.arguments() == {
        "package_ids": [7, 7, 9],
        "provisional_icd10_codes": ["k80.2", "K81.0", "K82"],
        "estimated_paise": 20_000_50,
        "treating_doctor": "Dr. Negi",
        "is_emergency": True,
        "documents": [],
    }
    decide = forms.DecidePreauthForm({"decision": "approve", "approved": "", "next": "/x/"})
    assert decide.arguments() == {"decision": "approve", "approved_paise": None, "note": ""}
    assert decide.cleaned_data["next"] == "/x/"
    admitted = forms.AdmitForm({"admitted_at": "2026-03-04T10:30"}).arguments()["admitted_at"]
    assert admitted == timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 30))
    assert forms.AdmitForm({}).arguments() == {"admitted_at": None}


def test_a_refused_field_is_a_domain_error_named_after_the_services_argument():
    with pytest.raises(DomainError) as refused:
        forms.SubmitClaimForm({"claimed": "NaN"}).arguments()
    assert refused.value.field == "claimed_paise" and refused.value.status == 400
    assert "Enter the amount in rupees" in str(refused.value.message)
