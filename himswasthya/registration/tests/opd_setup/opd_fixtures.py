"""Fixtures of the OPD configuration tests: the persona medical college with three departments."""

from __future__ import annotations

import pytest

from himswasthya.facilities.departments import ensure_departments
from himswasthya.facilities.models import Department

OFFERED = ("general-medicine", "paediatrics", "general-opd")


@pytest.fixture
def opd_facility(persona_facility):
    ensure_departments()
    persona_facility.departments.add(*Department.objects.filter(code__in=OFFERED))
    return persona_facility


@pytest.fixture
def medicine(opd_facility):
    return Department.objects.get(code="general-medicine")


@pytest.fixture
def not_offered(opd_facility):
    return Department.objects.get(code="cardiology")
