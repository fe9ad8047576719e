"""Admission records (issue #13 item 3): admission time, procedures and the discharge summary; who writes
and reads them; bad input refused with its field and code, nothing half-saved."""

import datetime

import pytest
from django.utils import timezone

from himswasthya.core.errors import Forbidden, NotFound
from himswasthya.records import services
from himswasthya.records.models import DischargeSummary, Encounter, EncounterKind, Procedure

pytestmark = pytest.mark.django_db

NOW = timezone.now()
ADMITTED = NOW - datetime.timedelta(days=3)
DISCHARGED = NOW - datetime.timedelta(hours=2)


def good_admission(**changes):
    data = {
        "chief_complaints": "Pain in the right upper abdomen",
        "admitted_at": ADMITTED,
        "diagnoses": [{"code": "I10"}],
        "procedures": [
            {
                "name": "Open cholecystectomy",
                "code": "SG039A",
                "performed_on": timezone.localdate(ADMITTED) + datetime.timedelta(days=1),
            }
        ],
        "discharge": {
            "discharged_at": DISCHARGED,
            "course_in_hospital": "Uneventful recovery",
            "condition_at_discharge": "recovered",
            "discharge_advice": "Review after a week",
        },
    }
    data.update(changes)
    return data


@pytest.fixture
def admission(scheme_desk, patient, persona_facility):
    return services.open_encounter(
        scheme_desk, patient, persona_facility, source_ref="himcare:CASE-T-1", kind=EncounterKind.ADMISSION
    )


def test_the_desk_writes_and_signs_an_admission(scheme_desk, admission, codes):
    services.save_draft(scheme_desk, admission, good_admission())
    assert services.has_signed_discharge_summary(admission.facility_id, "himcare:CASE-T-1") is False
    services.sign(scheme_desk, admission)
    assert services.has_signed_discharge_summary(admission.facility_id, "himcare:CASE-T-1") is True
    shown = services.get_encounter(scheme_desk, admission.pk)
    assert shown.admitted_at == ADMITTED
    assert [p.code for p in shown.procedures.all()] == ["SG039A"]
    assert shown.discharge_summary.condition_at_discharge == "recovered"
    assert [d.icd10.code for d in shown.diagnoses.all()] == ["I10"]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"admitted_at": None}, "admitted_at", "record_invalid"),
        ({"admitted_at": NOW + datetime.timedelta(days=1)}, "admitted_at", "record_invalid"),
        (
            {
                "discharge": {
                    "discharged_at": ADMITTED - datetime.timedelta(hours=1),
                    "course_in_hospital": "x",
                }
            },
            "discharge.discharged_at",
            "discharge_before_admission",
        ),
        ({"discharge": {"course_in_hospital": "x"}}, "discharge.discharged_at", "record_invalid"),
        (
            {"discharge": {"discharged_at": DISCHARGED, "condition_at_discharge": "recovered"}},
            "discharge.course_in_hospital",
            "record_invalid",
        ),
        (
            {
                "discharge": {
                    "discharged_at": DISCHARGED,
                    "course_in_hospital": "x",
                    "condition_at_discharge": "?",
                }
            },
            "discharge.condition_at_discharge",
            "record_invalid",
        ),
        (
            {
                "procedures": [
                    {"name": "Dressing", "performed_on": timezone.localdate(ADMITTED)},
                    {"name": "X"},
                ]
            },
            "procedures[1].performed_on",
            "record_invalid",
        ),
        (
            {"procedures": [{"name": "", "performed_on": timezone.localdate(ADMITTED)}]},
            "procedures[0].name",
            "record_invalid",
        ),
        (
            {
                "procedures": [
                    {
                        "name": "Dressing",
                        "performed_on": timezone.localdate(ADMITTED) - datetime.timedelta(days=1),
                    }
                ]
            },
            "procedures[0].performed_on",
            "procedure_outside_stay",
        ),
        (
            {
                "procedures": [
                    {
                        "name": "Dressing",
                        "performed_on": timezone.localdate(DISCHARGED) + datetime.timedelta(days=1),
                    }
                ]
            },
            "procedures[0].performed_on",
            "procedure_outside_stay",
        ),
        (
            {
                "procedures": [
                    {"name": "Dressing", "code": "C" * 31, "performed_on": timezone.localdate(ADMITTED)}
                ]
            },
            "procedures[0].code",
            "record_invalid",
        ),
        ({"diagnoses": [{"code": "ZZZ.9"}]}, "diagnoses[0].code", "icd10_unknown"),
    ],
)
def test_bad_admission_input_is_refused_and_nothing_half_saved(
    scheme_desk, admission, codes, changes, field, code
):
    services.save_draft(scheme_desk, admission, good_admission())
    before = (Procedure.objects.count(), DischargeSummary.objects.get().course_in_hospital)
    with pytest.raises(services.RecordError) as caught:
        services.save_draft(scheme_desk, admission, good_admission(chief_complaints="changed", **changes))
    assert (caught.value.field, caught.value.code) == (field, code)
    admission.refresh_from_db()
    assert admission.chief_complaints == "Pain in the right upper abdomen"
    assert (Procedure.objects.count(), DischargeSummary.objects.get().course_in_hospital) == before


def test_an_opd_visit_refuses_the_admission_sections(doctor, draft, codes):
    for name, value in (
        ("admitted_at", ADMITTED),
        ("procedures", [{"name": "Dressing", "performed_on": timezone.localdate()}]),
        ("discharge", {"discharged_at": DISCHARGED, "course_in_hospital": "x"}),
    ):
        with pytest.raises(services.AdmissionOnly) as caught:
            services.save_draft(doctor, draft, {name: value})
        assert caught.value.field == name and caught.value.code == "admission_only"
    assert not Procedure.objects.exists() and not DischargeSummary.objects.exists()


def test_a_correction_keeps_the_signed_admission_and_copies_it(scheme_desk, admission, codes):
    services.save_draft(scheme_desk, admission, good_admission())
    services.sign(scheme_desk, admission)
    new = services.correct(scheme_desk, admission)
    assert new.admitted_at == ADMITTED and new.discharge_summary.course_in_hospital == "Uneventful recovery"
    assert new.procedures.count() == 1 and admission.procedures.count() == 1
    services.save_draft(scheme_desk, new, good_admission(procedures=[], discharge=None))
    assert admission.procedures.count() == 1 and DischargeSummary.objects.filter(encounter=admission).exists()
    # The newest version the writer sees is the draft; the signed one still counts for the claim.
    found = services.source_encounter(scheme_desk, admission.facility_id, "himcare:CASE-T-1")
    assert found.pk == new.pk
    assert services.has_signed_discharge_summary(admission.facility_id, "himcare:CASE-T-1")


def test_the_desk_writes_admissions_only(scheme_desk, patient, persona_facility, draft):
    with pytest.raises(Forbidden):
        services.open_encounter(scheme_desk, patient, persona_facility, source_ref="opd:X")
    with pytest.raises(NotFound):
        services.save_draft(scheme_desk, draft, {"chief_complaints": "x"})
    with pytest.raises(NotFound):
        services.get_encounter(scheme_desk, draft.pk)  # an OPD visit: not the desk's to read


def test_another_hospitals_desk_finds_nothing(other_scheme_desk, admission, persona_facility, patient):
    with pytest.raises(NotFound):
        services.save_draft(other_scheme_desk, admission, good_admission())
    with pytest.raises(NotFound):
        services.get_encounter(other_scheme_desk, admission.pk)
    with pytest.raises(NotFound):  # not at its own facility
        services.open_encounter(other_scheme_desk, patient, persona_facility, kind=EncounterKind.ADMISSION)


def test_claims_officers_read_signed_himcare_admissions_only(
    scheme_desk, himcare_officer, state_admin, admission, doctor, draft, codes
):
    services.save_draft(scheme_desk, admission, good_admission())
    assert services.source_encounter(himcare_officer, admission.facility_id, "himcare:CASE-T-1") is None
    services.sign(scheme_desk, admission)
    services.sign(doctor, draft)
    for officer in (himcare_officer, state_admin):
        shown = services.source_encounter(
            officer, admission.facility_id, "himcare:CASE-T-1", purpose="himcare_claims"
        )
        assert shown.pk == admission.pk
        assert list(services.visible_encounters(officer)) == [admission]  # never the OPD visit
    with pytest.raises(Forbidden):
        services.save_draft(himcare_officer, admission, good_admission())


def test_a_source_check_vouches_for_a_patient_outside_the_writers_scope(
    scheme_desk, persona_facility, persona_other_district
):
    from himswasthya.people.tests.factories import named_person

    elsewhere = named_person(persona_other_district, "Kamla Devi", sex="F", year_of_birth=1960)
    with pytest.raises(NotFound):
        services.open_encounter(
            scheme_desk, elsewhere, persona_facility, source_ref="test:1", kind="admission"
        )
    seen = []
    services.register_source_check("test:", lambda *args: seen.append(args[-1]) or True)
    try:
        opened = services.open_encounter(
            scheme_desk, elsewhere, persona_facility, source_ref="test:1", kind="admission"
        )
    finally:
        services._SOURCE_CHECKS.pop("test:")
    assert seen == ["test:1"] and Encounter.objects.get(pk=opened.pk).person == elsewhere
