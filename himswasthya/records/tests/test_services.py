import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from himswasthya.audit.actions import AuditAction
from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import Conflict, Forbidden, NotFound
from himswasthya.records import services
from himswasthya.records.models import (
    Allergy,
    Diagnosis,
    Encounter,
    EncounterStatus,
    PrescriptionLine,
    Vitals,
)

pytestmark = pytest.mark.django_db


def _actions(encounter_id=None):
    qs = AuditEntry.objects.all()
    if encounter_id is not None:
        qs = qs.filter(object_type="records.Encounter", object_id=str(encounter_id))
    return list(qs.order_by("pk").values_list("action", flat=True))


# --- opening ------------------------------------------------------------------------------------------


def test_it_opens_a_draft_once_per_source(doctor, patient, persona_facility):
    first = services.open_encounter(doctor, patient, persona_facility, source_ref="opd:OPD-1")
    again = services.open_encounter(doctor, patient, persona_facility, source_ref="opd:OPD-1")
    assert first.pk == again.pk
    assert first.status == EncounterStatus.DRAFT and first.practitioner == doctor
    assert _actions(first.pk) == [AuditAction.ENCOUNTER_OPEN]


def test_it_refuses_the_same_source_for_another_patient(doctor, patient, stranger, persona_facility):
    services.open_encounter(doctor, patient, persona_facility, source_ref="opd:OPD-1")
    with pytest.raises(Conflict) as exc:
        services.open_encounter(doctor, stranger, persona_facility, source_ref="opd:OPD-1")
    assert exc.value.field == "source_ref"


def test_only_doctors_and_admins_at_their_own_facility_open(
    doctor, clerk, other_doctor, patient, persona_facility, persona_other_facility
):
    with pytest.raises(Forbidden):
        services.open_encounter(clerk, patient, persona_facility)
    with pytest.raises(NotFound):  # another facility's doctor
        services.open_encounter(other_doctor, patient, persona_facility)
    with pytest.raises(NotFound):  # a doctor at someone else's facility
        services.open_encounter(doctor, patient, persona_other_facility)
    assert not Encounter.objects.exists()


def test_a_doctor_does_not_open_a_record_of_another_districts_patient(
    other_doctor, patient, persona_other_facility
):
    # The patient lives in the persona district; the other doctor's facility is in another district.
    with pytest.raises(NotFound):
        services.open_encounter(other_doctor, patient, persona_other_facility)


# --- the draft -----------------------------------------------------------------------------------------


def test_it_saves_a_whole_draft(doctor, draft, good_draft, paracetamol):
    services.save_draft(doctor, draft, good_draft)
    draft.refresh_from_db()
    assert draft.chief_complaints == "Fever for three days"
    assert draft.vitals.bmi == Decimal("23.4")
    primary, other = draft.diagnoses.all()
    assert (primary.icd10.code, primary.is_primary, other.icd10.code, other.note) == (
        "J06.9",
        True,
        "I10",
        "known case",
    )
    listed, free = draft.prescriptions.all()
    assert listed.medicine == paracetamol and not listed.free_text
    assert free.free_text and free.name == "Betadine gargle" and free.medicine is None
    assert [(a.substance, a.person_id) for a in draft.allergies.all()] == [("Penicillin", draft.person_id)]
    assert AuditAction.ENCOUNTER_SAVE_DRAFT in _actions(draft.pk)


def test_saving_again_replaces_the_draft(doctor, draft, good_draft):
    services.save_draft(doctor, draft, good_draft)
    services.save_draft(doctor, draft, {"diagnoses": [{"code": "I10"}]})
    assert [(d.icd10.code, d.is_primary) for d in draft.diagnoses.all()] == [("I10", True)]
    assert not PrescriptionLine.objects.exists() and not Allergy.objects.exists()
    assert not Vitals.objects.exists()


BAD = [
    ({"diagnoses": [{"code": "X99.99"}]}, "diagnoses[0].code", "icd10_unknown"),
    ({"diagnoses": [{"code": "I10"}, {"code": "E11"}]}, "diagnoses[1].code", "icd10_not_codable"),
    (
        {"diagnoses": [{"code": "I10", "is_primary": True}, {"code": "E11.9", "is_primary": True}]},
        "diagnoses[1].is_primary",
        "record_invalid",
    ),
    ({"vitals": {"bp_systolic": 400, "bp_diastolic": 20}}, "vitals.bp_systolic", "vital_implausible"),
    ({"vitals": {"spo2": 120}}, "vitals.spo2", "vital_implausible"),
    ({"vitals": {"bp_systolic": 80, "bp_diastolic": 120}}, "vitals.bp_diastolic", "vital_implausible"),
    ({"vitals": {"bp_systolic": 120}}, "vitals.bp_diastolic", "vital_implausible"),
    ({"vitals": {"temperature_c": "NaN"}}, "vitals.temperature_c", "vital_implausible"),
    ({"vitals": {"pulse": 72.5}}, "vitals.pulse", "vital_implausible"),
    (
        {"prescriptions": [{"medicine_id": "PARA", "frequency": "TDS", "duration_days": 3}]},
        "prescriptions[0].dose",
        "prescription_incomplete",
    ),
    (
        {"prescriptions": [{"medicine_id": "PARA", "dose": "1 tablet", "frequency": "TDS"}]},
        "prescriptions[0].duration_days",
        "prescription_incomplete",
    ),
    (
        {"prescriptions": [{"medicine_id": "PARA", "dose": "1", "frequency": "TDS", "duration_days": 0}]},
        "prescriptions[0].duration_days",
        "prescription_incomplete",
    ),
    (
        {"prescriptions": [{"medicine_id": 999999, "dose": "1", "frequency": "TDS", "duration_days": 3}]},
        "prescriptions[0].medicine_id",
        "medicine_unknown",
    ),
    (
        {"prescriptions": [{"name": "Betadine gargle", "dose": "1", "frequency": "BD", "duration_days": 3}]},
        "prescriptions[0].medicine_id",
        "medicine_unknown",
    ),
    (
        {"prescriptions": [{"free_text": True, "dose": "1", "frequency": "BD", "duration_days": 3}]},
        "prescriptions[0].name",
        "prescription_incomplete",
    ),
    ({"allergies": [{"substance": " "}]}, "allergies[0].substance", "record_invalid"),
    ({"follow_up_on": datetime.date(2000, 1, 1)}, "follow_up_on", "record_invalid"),
    ({"chief_complaints": "x" * 4001}, "chief_complaints", "record_invalid"),
]


@pytest.mark.parametrize(("change", "field", "code"), BAD, ids=[b[1] + ":" + b[2] for b in BAD])
def test_a_bad_value_is_refused_with_its_field_and_nothing_is_saved(
    doctor, draft, good_draft, paracetamol, change, field, code
):
    services.save_draft(doctor, draft, good_draft)
    before = _snapshot(draft)
    data = {**good_draft, **change}
    for line in data.get("prescriptions", []):
        if line.get("medicine_id") == "PARA":
            line["medicine_id"] = paracetamol.pk
    with pytest.raises(services.RecordError) as exc:
        services.save_draft(doctor, draft, data)
    assert (exc.value.field, exc.value.code) == (field, code)
    assert _snapshot(draft) == before


def _snapshot(encounter):
    encounter = Encounter.objects.get(pk=encounter.pk)
    return (
        encounter.chief_complaints,
        encounter.follow_up_on,
        list(Vitals.objects.filter(encounter=encounter).values()),
        list(Diagnosis.objects.filter(encounter=encounter).values("icd10_id", "is_primary", "note")),
        list(PrescriptionLine.objects.filter(encounter=encounter).values("medicine_id", "name", "dose")),
        list(Allergy.objects.filter(noted_in=encounter).values("substance")),
    )


def test_another_facilitys_doctor_cannot_touch_the_draft(other_doctor, draft, good_draft):
    for attempt in (
        lambda: services.save_draft(other_doctor, draft, good_draft),
        lambda: services.sign(other_doctor, draft),
        lambda: services.get_encounter(other_doctor, draft.pk),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert not Diagnosis.objects.exists()
    draft.refresh_from_db()
    assert draft.status == EncounterStatus.DRAFT


# --- signing and correcting ------------------------------------------------------------------------------


def test_signing_locks_the_record(doctor, draft, good_draft):
    services.save_draft(doctor, draft, good_draft)
    services.sign(doctor, draft)
    draft.refresh_from_db()
    assert draft.status == EncounterStatus.SIGNED and draft.signed_at is not None
    with pytest.raises(services.RecordSigned):
        services.save_draft(doctor, draft, {"chief_complaints": "changed"})
    with pytest.raises(services.RecordSigned):
        services.sign(doctor, draft)
    draft.refresh_from_db()
    assert draft.chief_complaints == "Fever for three days"


def test_a_correction_is_a_new_version_and_the_signed_one_is_kept(doctor, facility_admin, draft, good_draft):
    services.save_draft(doctor, draft, good_draft)
    services.sign(doctor, draft)
    with pytest.raises(services.RecordNotSigned):
        services.correct(doctor, services.open_encounter(doctor, draft.person, draft.facility))
    new = services.correct(facility_admin, draft)
    assert (new.supersedes_id, new.status, new.practitioner) == (
        draft.pk,
        EncounterStatus.DRAFT,
        facility_admin,
    )
    assert new.started_at == draft.started_at
    assert [d.icd10.code for d in new.diagnoses.all()] == ["J06.9", "I10"]
    assert new.prescriptions.count() == 2 and new.allergies.count() == 1 and new.vitals.spo2 == 97
    services.save_draft(doctor, new, {**good_draft, "diagnoses": [{"code": "E11.9"}]})
    draft.refresh_from_db()
    assert [d.icd10.code for d in draft.diagnoses.all()] == ["J06.9", "I10"]  # the signed one unchanged
    assert draft.status == EncounterStatus.SIGNED
    with pytest.raises(Conflict):
        services.correct(doctor, draft)  # corrected once: correct the newest version
    services.sign(doctor, new)
    assert services.versions(services.correct(doctor, new)) == [new.pk, draft.pk]
    assert AuditAction.ENCOUNTER_CORRECT in _actions(new.pk)


# --- reading ---------------------------------------------------------------------------------------------


def test_history_shows_the_current_versions_with_their_parts(doctor, draft, good_draft, patient):
    services.save_draft(doctor, draft, good_draft)
    services.sign(doctor, draft)
    new = services.correct(doctor, draft)
    found = services.history(doctor, patient)
    assert [e.pk for e in found.encounters] == [new.pk, draft.pk]  # the correction is not signed yet
    services.sign(doctor, new)
    found = services.history(doctor, patient)
    assert [e.pk for e in found.encounters] == [new.pk]
    assert [a.substance for a in found.allergies] == ["Penicillin"]
    entry = AuditEntry.objects.filter(action=AuditAction.RECORDS_HISTORY_READ).last()
    assert (entry.object_type, entry.object_id, entry.actor) == ("people.Person", str(patient.pk), doctor)


def test_a_citizen_sees_the_familys_signed_records_only(citizen, doctor, family, stranger, persona_facility):
    child_visit = services.open_encounter(doctor, family["child"], persona_facility)
    services.sign(doctor, child_visit)
    services.open_encounter(doctor, family["head"], persona_facility)  # a draft
    strangers = services.open_encounter(doctor, stranger, persona_facility)
    services.sign(doctor, strangers)
    assert [e.pk for e in services.history(citizen, family["child"]).encounters] == [child_visit.pk]
    assert services.history(citizen, family["head"]).encounters == []
    assert services.get_encounter(citizen, child_visit.pk) == child_visit
    with pytest.raises(NotFound):
        services.history(citizen, stranger)
    with pytest.raises(NotFound):
        services.get_encounter(citizen, strangers.pk)
    reads = AuditEntry.objects.filter(action=AuditAction.ENCOUNTER_READ, actor=citizen)
    assert list(reads.values_list("object_id", flat=True)) == [str(child_visit.pk)]


def test_a_dead_member_is_not_the_citizens_family(citizen, doctor, family, persona_facility):
    from himswasthya.himparivar.models import Member, MemberStatus

    visit = services.open_encounter(doctor, family["child"], persona_facility)
    services.sign(doctor, visit)
    Member.objects.filter(person=family["child"]).update(status=MemberStatus.DECEASED)
    with pytest.raises(NotFound):
        services.get_encounter(citizen, visit.pk)


def test_follow_up_today_is_allowed(doctor, draft):
    services.save_draft(doctor, draft, {"follow_up_on": timezone.localdate()})


def test_the_department_must_be_one_of_the_facilitys(doctor, patient, persona_facility):
    from himswasthya.facilities.models import Department

    cardiology = Department.objects.create(code="cardio", name="Cardiology", name_hi="हृदय रोग")
    with pytest.raises(services.RecordError) as exc:
        services.open_encounter(doctor, patient, persona_facility, department=cardiology)
    assert exc.value.field == "department_id"
    persona_facility.departments.add(cardiology)
    encounter = services.open_encounter(doctor, patient, persona_facility, department=cardiology)
    assert encounter.department == cardiology
