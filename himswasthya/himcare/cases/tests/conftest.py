"""Fixtures of the case tests: a member of the active enrolment at a hospital empanelled for the surgery
package, and a pre-authorisation the scheme desk raised (or raises) for them."""

from __future__ import annotations

import pytest

from himswasthya.himcare.cases import services as cases
from himswasthya.himcare.models import Case
from himswasthya.himcare.tests.factories import needed_papers


@pytest.fixture
def world(active_enrolment, surgery_package, empanelment, gallstone_icd10):
    return {"member": active_enrolment.members.order_by("id")[0], "package": surgery_package}


@pytest.fixture
def raise_preauth(scheme_desk, world):
    """Raises a pre-authorisation of the world's package (provisional diagnosis K80.2) with `documents`,
    by default the papers the package needs."""

    def raise_(documents=None) -> Case:
        return cases.do_raise_preauth(
            actor=scheme_desk,
            enrolled_member=world["member"],
            facility=scheme_desk.facility,
            package_ids=[world["package"].pk],
            provisional_icd10_codes=["K80.2"],
            documents=needed_papers([world["package"]]) if documents is None else documents,
        )

    return raise_


@pytest.fixture
def raised(raise_preauth) -> Case:
    """A pending pre-authorisation: the world's package, provisional diagnosis K80.2."""
    return raise_preauth()
