"""Coverage and monitoring test set-up: the small made geography with its hand-counted figures, and the
misuse flags of two admissions of one family at two hospitals."""

from __future__ import annotations

import pytest

from himswasthya.himcare.cases import misuse
from himswasthya.himcare.models import MisuseFlag
from himswasthya.himcare.tests.monitoring_factories import build_small_geography, days_ago, make_case


@pytest.fixture
def geo(persona_district, persona_other_district, scheme_year, persona_facility, persona_other_facility):
    return build_small_geography(
        persona_district, persona_other_district, scheme_year, persona_facility, persona_other_facility
    )


@pytest.fixture
def flags(active_enrolment, persona_facility, persona_other_facility):
    """The flags raised on the citizen family's admissions 5 and 3 days ago at the persona hospitals."""
    make_case(active_enrolment, persona_facility, admitted_at=days_ago(5))
    make_case(active_enrolment, persona_other_facility, admitted_at=days_ago(3))
    misuse.run_misuse_rules()
    return MisuseFlag.objects.order_by("pk")
