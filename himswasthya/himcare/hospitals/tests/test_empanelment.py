"""Empanelment: empanel, overlap, suspend/reinstate/withdraw, is_empanelled, the private-hospital rule."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import Conflict, DomainError, Forbidden
from himswasthya.facilities.models import FacilityType, Ownership
from himswasthya.himcare.hospitals import empanelment as emp
from himswasthya.himcare.models import EmpanelmentStatus
from himswasthya.himcare.tests.factories import make_empanelment, make_specialty

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def dialysis(db):
    return make_specialty("MN", "Nephrology and Dialysis", "गुर्दा रोग एवं डायलिसिस")


@pytest.fixture
def private_hospital(himcare_officer, persona_district):
    return emp.do_register_hospital(
        actor=himcare_officer, code="pvt-dial-1", name="Sunrise Dialysis Centre", district=persona_district
    )


def _empanel(actor, facility, specialties, start=TODAY, days=364, **kwargs):
    return emp.do_empanel(
        actor=actor,
        facility=facility,
        specialties=specialties,
        valid_from=start,
        valid_to=start + datetime.timedelta(days=days),
        order_ref=kwargs.pop("order_ref", "HPSBYS/EMP/2026/1"),
        **kwargs,
    )


def test_empanel_and_is_empanelled(himcare_officer, persona_facility, specialty, dialysis):
    made = _empanel(himcare_officer, persona_facility, [specialty, dialysis])
    assert [e.specialty.code for e in made] == ["SG", "MN"]
    assert made[0].created_by == himcare_officer and made[0].order_ref == "HPSBYS/EMP/2026/1"
    assert emp.is_empanelled(persona_facility, specialty, TODAY)
    assert emp.is_empanelled(persona_facility, specialty, TODAY + datetime.timedelta(days=364))
    assert not emp.is_empanelled(persona_facility, specialty, TODAY - datetime.timedelta(days=1))
    assert not emp.is_empanelled(persona_facility, specialty, TODAY + datetime.timedelta(days=365))
    entry = AuditEntry.objects.get(action="himcare.empanel")
    assert entry.detail["specialties"] == ["SG", "MN"]


def test_overlapping_empanelment_is_refused(himcare_officer, persona_facility, specialty):
    _empanel(himcare_officer, persona_facility, [specialty])
    with pytest.raises(Conflict) as exc:
        _empanel(himcare_officer, persona_facility, [specialty], start=TODAY + datetime.timedelta(days=100))
    assert exc.value.code == "already_empanelled"
    # the next period, after the first ends, is fine
    _empanel(himcare_officer, persona_facility, [specialty], start=TODAY + datetime.timedelta(days=365))


def test_dates_out_of_order_and_no_specialty(himcare_officer, persona_facility, specialty):
    with pytest.raises(DomainError) as exc:
        _empanel(himcare_officer, persona_facility, [specialty], days=-1)
    assert exc.value.field == "valid_to"
    with pytest.raises(DomainError) as exc:
        _empanel(himcare_officer, persona_facility, [])
    assert exc.value.field == "specialties"


@pytest.mark.parametrize("persona", ["scheme_desk", "facility_admin", "district_officer", "citizen"])
def test_only_officers_empanel(request, persona, persona_facility, specialty):
    with pytest.raises(Forbidden):
        _empanel(request.getfixturevalue(persona), persona_facility, [specialty])


def test_suspend_reinstate_withdraw(himcare_officer, state_admin, persona_facility, specialty):
    [row] = _empanel(himcare_officer, persona_facility, [specialty])
    with pytest.raises(DomainError):
        emp.do_suspend(actor=himcare_officer, empanelment=row, reason="  ")
    emp.do_suspend(actor=himcare_officer, empanelment=row, reason="Inspection found no ICU")
    assert row.status == EmpanelmentStatus.SUSPENDED
    assert not emp.is_empanelled(persona_facility, specialty, TODAY)
    with pytest.raises(Conflict):
        emp.do_suspend(actor=himcare_officer, empanelment=row, reason="again")
    emp.do_reinstate(actor=state_admin, empanelment=row, reason="ICU ready")
    assert emp.is_empanelled(persona_facility, specialty, TODAY)
    emp.do_withdraw(actor=himcare_officer, empanelment=row, reason="Order withdrawn")
    assert row.status == EmpanelmentStatus.WITHDRAWN
    with pytest.raises(Conflict):
        emp.do_reinstate(actor=himcare_officer, empanelment=row, reason="no")
    actions = list(
        AuditEntry.objects.filter(object_type="himcare.Empanelment")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "himcare.empanelment_suspend",
        "himcare.empanelment_reinstate",
        "himcare.empanelment_withdraw",
    ]


def test_register_private_hospital(himcare_officer, clerk, persona_district, private_hospital):
    assert private_hospital.code == "PVT-DIAL-1"
    assert private_hospital.facility_type == FacilityType.OTHER_HOSPITAL
    assert private_hospital.ownership == Ownership.PRIVATE
    with pytest.raises(Conflict):
        emp.do_register_hospital(
            actor=himcare_officer, code="PVT-DIAL-1", name="x", district=persona_district
        )
    with pytest.raises(Forbidden):
        emp.do_register_hospital(actor=clerk, code="PVT-2", name="x", district=persona_district)


def test_private_hospitals_only_for_dialysis_after_cut_off(
    himcare_officer, private_hospital, specialty, dialysis
):
    with pytest.raises(DomainError) as exc:
        _empanel(himcare_officer, private_hospital, [specialty])
    assert exc.value.code == "private_not_allowed"
    _empanel(himcare_officer, private_hospital, [dialysis])
    assert emp.is_empanelled(private_hospital, dialysis, TODAY)


def test_private_rule_applies_to_old_empanelments_and_is_configurable(private_hospital, specialty, settings):
    make_empanelment(
        private_hospital, specialty, valid_from=datetime.date(2024, 4, 1), valid_to=datetime.date(2027, 3, 31)
    )
    assert emp.is_empanelled(private_hospital, specialty, datetime.date(2024, 8, 31))
    assert not emp.is_empanelled(private_hospital, specialty, datetime.date(2024, 9, 1))
    settings.HIMCARE_PRIVATE_HOSPITALS_UNTIL = None  # the rule lifted by a new notification
    assert emp.is_empanelled(private_hospital, specialty, datetime.date(2024, 9, 1))
    settings.HIMCARE_PRIVATE_HOSPITALS_UNTIL = "2025-03-31"
    assert emp.is_empanelled(private_hospital, specialty, datetime.date(2025, 3, 31))
    assert not emp.is_empanelled(private_hospital, specialty, datetime.date(2025, 4, 1))


def test_public_list_by_district_and_specialty(
    himcare_officer, persona_facility, persona_other_facility, persona_other_district, specialty, dialysis
):
    today = timezone.localdate()
    _empanel(
        himcare_officer, persona_facility, [specialty, dialysis], start=today - datetime.timedelta(days=5)
    )
    _empanel(himcare_officer, persona_other_facility, [dialysis], start=today - datetime.timedelta(days=5))
    everything = emp.empanelled_hospitals()
    assert [(h.facility.code, [s.code for s in h.specialties]) for h in everything] == [
        ("PERSONA-CH-KGR", ["MN"]),
        ("PERSONA-MC-SML", ["MN", "SG"]),
    ]
    assert [h.facility.code for h in emp.empanelled_hospitals(specialty="sg")] == ["PERSONA-MC-SML"]
    assert [h.facility.code for h in emp.empanelled_hospitals(district=persona_other_district.pk)] == [
        "PERSONA-CH-KGR"
    ]
    assert emp.empanelled_hospitals(on_date=today + datetime.timedelta(days=400)) == []
