"""Fixtures of the case tests: a member of the active enrolment at a hospital empanelled for the surgery
package, and a pre-authorisation the scheme desk raised (or raises) for them, or already discharged."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from himswasthya.himcare.cases import services as cases
from himswasthya.himcare.models import Case
from himswasthya.himcare.tests.factories import make_preauth, sign_discharge_summary


@pytest.fixture
def world(active_enrolment, surgery_package, empanelment, gallstone_icd10):
    return {"member": active_enrolment.members.order_by("id")[0], "package": surgery_package}


@pytest.fixture
def raise_preauth(scheme_desk, world):
    """Raises a pre-authorisation of the world's package (provisional diagnosis K80.2) with `documents`,
    by default the papers the package needs."""

    def raise_(documents=None) -> Case:
        return make_preauth(scheme_desk, world["member"], world["package"], documents=documents)

    return raise_


@pytest.fixture
def raised(raise_preauth) -> Case:
    """A pending pre-authorisation: the world's package, provisional diagnosis K80.2."""
    return raise_preauth()


@pytest.fixture
def discharged_unsigned(raised, scheme_desk, himcare_officer) -> Case:
    """The raised pre-authorisation approved by the officer; the patient admitted three days ago and
    discharged an hour ago (final diagnosis K80.2) by the scheme desk. No admission record yet, and the
    claim's papers are not attached yet."""
    cases.do_decide_preauth(actor=himcare_officer, case=raised, decision="approve")
    cases.do_admit(actor=scheme_desk, case=raised, admitted_at=timezone.now() - datetime.timedelta(days=3))
    return cases.do_discharge(
        actor=scheme_desk,
        case=raised,
        discharged_at=timezone.now() - datetime.timedelta(hours=1),
        final_icd10_codes=["K80.2"],
        discharge_summary="Recovered",
    )


@pytest.fixture
def discharged(discharged_unsigned, scheme_desk) -> Case:
    """`discharged_unsigned` with its admission record's discharge summary signed by the desk (as a claim
    needs). The claim's papers are not attached yet."""
    sign_discharge_summary(scheme_desk, discharged_unsigned)
    discharged_unsigned.refresh_from_db()
    return discharged_unsigned
