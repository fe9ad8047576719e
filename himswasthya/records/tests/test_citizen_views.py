"""The record pages: "My health records" (the citizen's own and living family members' signed records), one
record and its PDF (the family, the staff of its facility), a patient's history (the facility's doctors and
administrator). Drafts are never shown to citizens; another family's or facility's record is a 404; every read
is audited."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.urls import reverse

from himswasthya.audit.actions import AuditAction
from himswasthya.audit.models import AuditEntry
from himswasthya.himparivar.models import Family
from himswasthya.himparivar.tests.factories import member_of
from himswasthya.people.tests.factories import named_person
from himswasthya.records import services

pytestmark = pytest.mark.django_db
MINE = reverse("records:my_records")


def _signed(doctor, person, facility, source_ref, data=None):
    encounter = services.open_encounter(doctor, person, facility, source_ref=source_ref)
    if data:
        services.save_draft(doctor, encounter, data)
    return services.sign(doctor, encounter)


@pytest.fixture
def records(doctor, family, stranger, persona_facility, good_draft):
    """Signed records of the citizen and her daughter, a draft of the citizen, a stranger's signed record."""
    return {
        "mine": _signed(doctor, family["head"], persona_facility, "opd:OPD-A", good_draft),
        "child": _signed(doctor, family["child"], persona_facility, "opd:OPD-B"),
        "draft": services.open_encounter(doctor, family["head"], persona_facility, source_ref="opd:OPD-C"),
        "stranger": _signed(doctor, stranger, persona_facility, "opd:OPD-D"),
    }


def _detail(encounter) -> str:
    return reverse("records:record_detail", args=[encounter.pk])


def _pdf(encounter) -> str:
    return reverse("records:record_pdf", args=[encounter.pk])


def _audited(action, encounter, user) -> bool:
    return AuditEntry.objects.filter(
        action=action, object_type="records.Encounter", object_id=str(encounter.pk), actor_id=user.pk
    ).exists()


def test_it_lists_the_citizens_and_her_familys_signed_records_only(login_as, citizen, records, family):
    html = login_as(citizen).get(MINE).content.decode()
    assert _detail(records["mine"]) in html and _detail(records["child"]) in html
    assert _detail(records["draft"]) not in html  # drafts never
    assert _detail(records["stranger"]) not in html and "Vijay Negi" not in html
    assert html.index("Asha Devi") < html.index("Anu Devi")  # the citizen first
    assert "J06.9" in html  # the visit's primary diagnosis
    for person in (family["head"], family["child"]):
        assert AuditEntry.objects.filter(
            action=AuditAction.RECORDS_HISTORY_READ, object_id=str(person.pk), actor_id=citizen.pk
        ).exists()


def test_a_deceased_members_records_are_not_shown(
    login_as, citizen, doctor, persona_district, persona_facility
):
    family = Family.objects.create(family_id="HP-FAM-REC-9", district=persona_district)
    head = named_person(persona_district, "Asha Devi", mobile=citizen.mobile, sex="F", year_of_birth=1980)
    late = named_person(persona_district, "Kaushalya Devi", sex="F", year_of_birth=1940)
    member_of(family, head, "M-REC-91")
    member_of(family, late, "M-REC-92", "MOTHER", status="DECEASED")
    record = _signed(doctor, late, persona_facility, "opd:OPD-LATE")
    client = login_as(citizen)
    assert "Kaushalya Devi" not in client.get(MINE).content.decode()
    assert client.get(_detail(record)).status_code == 404


def test_the_records_are_grouped_by_visit_newest_first(login_as, citizen, doctor, records):
    correction = services.correct(doctor, records["mine"])
    services.sign(doctor, correction)
    html = login_as(citizen).get(MINE).content.decode()
    assert _detail(correction) in html and _detail(records["mine"]) not in html  # the current version
    assert html.count('data-testid="visit"') == 2  # the citizen's visit and her daughter's


def test_a_citizen_reads_her_familys_record_and_downloads_its_pdf(login_as, citizen, records):
    client = login_as(citizen)
    page = client.get(_detail(records["mine"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fever for three days" in html and "Paracetamol" in html and "Betadine gargle" in html
    assert f'href="{_pdf(records["mine"])}"' in html
    assert _audited(AuditAction.ENCOUNTER_READ, records["mine"], citizen)

    pdf = client.get(_pdf(records["child"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    assert _audited(AuditAction.ENCOUNTER_PDF, records["child"], citizen)


def _fhir(encounter) -> str:
    return reverse("records:record_fhir", args=[encounter.pk])


def test_a_citizen_downloads_her_record_as_a_fhir_document_bundle(login_as, citizen, records):
    client = login_as(citizen)
    assert f'href="{_fhir(records["mine"])}"' in client.get(_detail(records["mine"])).content.decode()
    response = client.get(_fhir(records["mine"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "document"
    assert bundle["entry"][0]["resource"]["resourceType"] == "Composition"
    conditions = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"]
    assert any(c["code"]["coding"][0]["code"] == "J06.9" for c in conditions)
    assert _audited(AuditAction.ENCOUNTER_FHIR, records["mine"], citizen)


def test_a_citizen_gets_404_for_a_draft_or_another_familys_record(login_as, citizen, records):
    client = login_as(citizen)
    for encounter in (records["draft"], records["stranger"]):
        assert client.get(_detail(encounter)).status_code == 404
        assert client.get(_pdf(encounter)).status_code == 404
        assert client.get(_fhir(encounter)).status_code == 404
        assert not _audited(AuditAction.ENCOUNTER_READ, encounter, citizen)


def test_staff_of_the_facility_read_it_and_staff_elsewhere_get_404(
    login_as, doctor, facility_admin, other_doctor, records
):
    for user in (doctor, facility_admin):
        client = login_as(user)
        page = client.get(_detail(records["stranger"]))
        assert page.status_code == 200
        assert (
            reverse("records:patient_history", args=[records["stranger"].person_id]) in page.content.decode()
        )
        assert client.get(_pdf(records["stranger"])).status_code == 200
    other = login_as(other_doctor)
    assert other.get(_detail(records["mine"])).status_code == 404
    assert other.get(_pdf(records["mine"])).status_code == 404


def test_a_draft_is_shown_to_its_doctor_but_not_printed(login_as, doctor, records):
    client = login_as(doctor)
    page = client.get(_detail(records["draft"])).content.decode()
    assert 'data-testid="draft"' in page and _pdf(records["draft"]) not in page
    assert client.get(_pdf(records["draft"])).status_code == 404


def test_the_other_roles_are_refused(login_as, clerk, district_officer, records):
    for user in (clerk, district_officer):
        client = login_as(user)
        for url in (_detail(records["mine"]), _pdf(records["mine"]), MINE):
            assert client.get(url).status_code in (302, 403), (user, url)


def test_the_patient_history_shows_the_facilitys_records_of_the_patient(
    login_as, doctor, other_doctor, records, family
):
    url = reverse("records:patient_history", args=[family["head"].pk])
    html = login_as(doctor).get(url).content.decode()
    assert _detail(records["mine"]) in html and _detail(records["draft"]) in html
    assert _detail(records["child"]) not in html  # another person
    assert "Penicillin" in html  # the allergy, at a glance
    assert AuditEntry.objects.filter(
        action=AuditAction.RECORDS_HISTORY_READ, object_id=str(family["head"].pk), actor_id=doctor.pk
    ).exists()
    assert login_as(other_doctor).get(url).status_code == 404  # a person of another district
    assert login_as(doctor).get(reverse("records:patient_history", args=[999999])).status_code == 404


def test_the_person_page_links_the_history_for_doctors_only(login_as, doctor, clerk, family):
    url = reverse("people:person", args=[family["head"].pk])
    history = reverse("records:patient_history", args=[family["head"].pk])
    assert history in login_as(doctor).get(url).content.decode()
    assert history not in login_as(clerk).get(url).content.decode()


def test_the_citizens_home_links_my_health_records(login_as, citizen):
    assert f'href="{MINE}"' in login_as(citizen).get(reverse("accounts:home")).content.decode()


def test_the_pages_speak_hindi(login_as, citizen, records):
    client = login_as(citizen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    html = client.get(MINE).content.decode()
    assert "मेरे स्वास्थ्य रिकॉर्ड" in html
    detail = client.get(_detail(records["mine"])).content.decode()
    assert "पीडीएफ़ डाउनलोड करें" in detail and "निदान" in detail
