"""The monitoring demo: misuse flags of three rules seeded, the panchayat table refreshed; idempotent."""

from __future__ import annotations

import io

import pytest

from himswasthya.demo.himcare import monitoring as demo_monitoring
from himswasthya.himcare.models import Case, MisuseFlag, PanchayatCoverage
from himswasthya.himcare.tests.factories import (
    make_active_enrolment,
    make_empanelment,
    make_family,
    make_package,
)

pytestmark = pytest.mark.django_db


def test_demo_seeds_flags_and_is_idempotent(
    scheme_year, persona_district, persona_facility, persona_other_facility, specialty
):
    make_empanelment(persona_facility, specialty)
    make_empanelment(persona_other_facility, specialty)
    make_package("OG012A", specialty=specialty, name="Hysterectomy", is_one_time=True)
    for _ in range(3):
        family, _members = make_family(persona_district)
        make_active_enrolment(family, scheme_year)
    out = io.StringIO()
    demo_monitoring.make_demo(out)
    rules = set(MisuseFlag.objects.values_list("rule", flat=True))
    assert rules == {"concurrent_admission", "repeat_one_time", "non_member"}
    # The demo cases' note reads in English and Hindi (issue #12 item 4).
    notes = set(
        Case.objects.filter(case_no__startswith=demo_monitoring.PREFIX).values_list(
            "decision_note", flat=True
        )
    )
    assert notes == {demo_monitoring.DECISION_NOTE} and "· दुरुपयोग" in demo_monitoring.DECISION_NOTE
    count = MisuseFlag.objects.count()
    demo_monitoring.make_demo(out)
    assert MisuseFlag.objects.count() == count
    assert PanchayatCoverage.objects.filter(scheme_year=scheme_year).exists() or "coverage" in out.getvalue()
