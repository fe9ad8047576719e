"""The hospital demo: illustrative packages, the persona and synthetic hospitals empanelled; idempotent."""

from __future__ import annotations

import io

import pytest

from himswasthya.demo.himcare import hospital as demo_hospital
from himswasthya.himcare.hospitals import empanelment as emp
from himswasthya.himcare.models import Empanelment, Package

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(persona_facility, persona_other_facility, persona_other_district):
    demo_hospital.make_demo(io.StringIO())
    first = Empanelment.objects.count()
    demo_hospital.make_demo(io.StringIO())
    assert Empanelment.objects.count() == first and Package.objects.count() == 41
    codes = {h.facility.code: {s.code for s in h.specialties} for h in emp.empanelled_hospitals()}
    assert codes["PERSONA-MC-SML"] == set(demo_hospital.ALL)
    assert codes["PERSONA-CH-KGR"] == {"SG", "SO", "SE", "MG"}
    assert codes["EXT-HBCHRC-NCH"] == {"MO"} and "MO" in codes["EXT-PGIMER-CHD"]
    assert codes["SYN-PVT-DIAL-01"] == {"MN"}
