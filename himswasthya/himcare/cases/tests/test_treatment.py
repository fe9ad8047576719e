"""A HIMCARE case's treatment data (issue #13 item 3): the admission record the hospital desk writes, the
claim that needs its signed discharge summary, the officer who reads it while adjudicating, and another
hospital that finds nothing."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone, translation

from himswasthya.audit.actions import AuditAction
from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.himcare.cases import services as cases
from himswasthya.himcare.cases import treatment
from himswasthya.himcare.models import CaseStatus, Claim
from himswasthya.himcare.tests.factories import attach_claim_papers, sign_discharge_summary
from himswasthya.records.models import Encounter, EncounterStatus

pytestmark = pytest.mark.django_db


def summary_data(case, **changes):
    data = {
        "admitted_at": case.admitted_at,
        "chief_complaints": "Pain in the right upper abdomen",
        "diagnoses": [{"code": "K80.2"}],
        "procedures": [
            {
                "name": "Open cholecystectomy",
                "code": case.packages.get().package.code,
                "performed_on": timezone.localdate(case.admitted_at),
            }
        ],
        "discharge": {
            "discharged_at": case.discharged_at,
            "course_in_hospital": "Uneventful recovery after surgery",
            "condition_at_discharge": "recovered",
        },
    }
    data.update(changes)
    return data


def test_no_claim_without_a_signed_discharge_summary_then_accepted(scheme_desk, discharged_unsigned):
    case = discharged_unsigned
    attach_claim_papers(case, scheme_desk)
    for language, words in (("en", "needs a signed discharge summary"), ("hi", "हस्ताक्षरित डिस्चार्ज सारांश")):
        with translation.override(language):
            with pytest.raises(DomainError) as caught:
                cases.do_submit_claim(actor=scheme_desk, case=case)
            assert words in str(caught.value.message)  # the message in the user's language
        assert (caught.value.field, caught.value.code) == ("discharge_summary", "discharge_summary_missing")
    # A draft with the discharge summary is not enough: it must be signed.
    treatment.do_open_record(actor=scheme_desk, case=case)
    treatment.do_save_record(actor=scheme_desk, case=case, data=summary_data(case))
    with pytest.raises(DomainError) as caught:
        cases.do_submit_claim(actor=scheme_desk, case=case)
    assert caught.value.code == "discharge_summary_missing"
    # Signed admission notes without a discharge summary are not enough either.
    treatment.do_save_record(actor=scheme_desk, case=case, data=summary_data(case, discharge=None))
    treatment.do_sign_record(actor=scheme_desk, case=case)
    with pytest.raises(DomainError):
        cases.do_submit_claim(actor=scheme_desk, case=case)
    assert not Claim.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.DISCHARGED
    # The correction adds the summary; once signed, the claim goes.
    treatment.do_correct_record(actor=scheme_desk, case=case)
    treatment.do_save_record(actor=scheme_desk, case=case, data=summary_data(case))
    signed = treatment.do_sign_record(actor=scheme_desk, case=case)
    assert signed.supersedes_id is not None and signed.status == EncounterStatus.SIGNED
    claim = cases.do_submit_claim(actor=scheme_desk, case=case)
    assert claim.case.status == CaseStatus.CLAIM_SUBMITTED


def test_the_record_is_the_case_hospitals_and_locked_once_claimed(
    scheme_desk, other_scheme_desk, discharged, login_as
):
    case = discharged
    record = Encounter.objects.get(source_ref=case.record_source)
    assert record.facility_id == case.facility_id and record.person_id == case.person_id
    assert record.kind == "admission"
    # Another hospital's desk: not found, through the services, the page and the API.
    for service in (treatment.do_open_record, treatment.do_sign_record, treatment.do_correct_record):
        with pytest.raises(NotFound):
            service(actor=other_scheme_desk, case=case)
    assert treatment.case_record(other_scheme_desk, case) is None
    other = login_as(other_scheme_desk)
    assert other.get(f"/himcare/cases/{case.pk}/record/").status_code == 404
    assert other.get(f"/api/himcare/cases/{case.pk}/record").status_code == 404
    assert other.post(f"/api/himcare/cases/{case.pk}/record/correct").status_code == 404
    assert not treatment.treats_patient(
        other_scheme_desk, other_scheme_desk.facility, case.person, case.record_source
    )
    assert treatment.treats_patient(scheme_desk, case.facility, case.person, case.record_source)
    # Once the claim is submitted, the desk reads the record but does not change it.
    attach_claim_papers(case, scheme_desk)
    cases.do_submit_claim(actor=scheme_desk, case=case)
    with pytest.raises(DomainError) as caught:
        treatment.do_correct_record(actor=scheme_desk, case=case)
    assert (caught.value.code, caught.value.status) == ("record_locked", 409)
    page = login_as(scheme_desk).get(f"/himcare/cases/{case.pk}/record/").content.decode()
    assert "Recovered after treatment" in page and 'data-testid="record-form"' not in page


def test_a_procedure_code_names_one_of_the_cases_packages(scheme_desk, discharged_unsigned):
    case = discharged_unsigned
    treatment.do_open_record(actor=scheme_desk, case=case)
    bad = summary_data(case)
    bad["procedures"] = [{**bad["procedures"][0], "code": "XX999Z"}]
    with pytest.raises(DomainError) as caught:
        treatment.do_save_record(actor=scheme_desk, case=case, data=bad)
    assert (caught.value.field, caught.value.code) == ("procedures[0].code", "procedure_not_in_package")
    assert not Encounter.objects.get(source_ref=case.record_source).procedures.exists()


def test_the_officer_adjudicates_with_the_treatment_data_in_view(
    scheme_desk, himcare_officer, discharged_unsigned, login_as
):
    case = discharged_unsigned
    treatment.do_open_record(actor=scheme_desk, case=case)
    treatment.do_save_record(actor=scheme_desk, case=case, data=summary_data(case))
    treatment.do_sign_record(actor=scheme_desk, case=case)
    attach_claim_papers(case, scheme_desk)
    cases.do_submit_claim(actor=scheme_desk, case=case)
    officer = login_as(himcare_officer)
    before = AuditEntry.objects.filter(action=AuditAction.ENCOUNTER_READ).count()
    page = officer.get(f"/himcare/cases/{case.pk}/").content.decode()
    assert 'data-testid="adjudicate-form"' in page
    for shown in (
        "Pain in the right upper abdomen",
        "Open cholecystectomy",
        "Uneventful recovery after surgery",
    ):
        assert shown in page
    assert "K80.2" in page and 'data-testid="record-link"' not in page  # read-only for the officer
    read = AuditEntry.objects.filter(action=AuditAction.ENCOUNTER_READ).order_by("-pk")
    assert read.count() == before + 1 and read[0].purpose == "himcare_claims"
    answer = officer.get(f"/api/himcare/cases/{case.pk}/record").json()
    assert answer["discharge"]["course_in_hospital"] == "Uneventful recovery after surgery"
    assert [p["name"] for p in answer["procedures"]] == ["Open cholecystectomy"]
    # The officer reads; writing is the hospital's.
    refused = officer.put(
        f"/api/himcare/cases/{case.pk}/record/draft", data=json.dumps({}), content_type="application/json"
    )
    assert refused.status_code == 403


def test_the_desk_writes_the_record_in_hindi_with_field_named_errors(
    scheme_desk, discharged_unsigned, login_as
):
    case = discharged_unsigned
    desk = login_as(scheme_desk)
    url = f"/himcare/cases/{case.pk}/record/"
    desk.cookies["django_language"] = "hi"
    assert desk.post(url, {"do": "open"}).status_code == 302
    response = desk.post(
        url,
        {
            "do": "save",
            "rows": "3",
            "admitted_at": timezone.localtime(case.admitted_at).strftime("%Y-%m-%dT%H:%M"),
            "discharged_at": timezone.localtime(case.admitted_at).strftime("2000-01-01T10:00"),
            "course_in_hospital": "ठीक हुए",
            "condition_at_discharge": "recovered",
        },
    )
    assert response.status_code == 400
    assert "छुट्टी भर्ती" in response.content.decode()  # the discharge before the admission, in Hindi
    assert not Encounter.objects.get(source_ref=case.record_source).chief_complaints


def test_the_helper_records_a_signed_summary(scheme_desk, discharged_unsigned):
    signed = sign_discharge_summary(scheme_desk, discharged_unsigned)
    assert signed.is_signed and signed.discharge_summary.discharged_at == discharged_unsigned.discharged_at
