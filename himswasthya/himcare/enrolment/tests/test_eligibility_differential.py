"""HIMCARE eligibility is decided in three places (issue #11 item 1): in Python (`evaluate_family`, the
enrolment desk), as an ORM filter (`coverage.mapping.eligible_family_q`: coverage figures on SQLite and for a
district or block, the outreach list) and in raw SQL (`coverage.mapping._pg_family_sql`: the whole state's
figures on PostgreSQL). The two database forms stay for speed (one grouped pass over 1.5 M families), so this
property test proves all three equal to each other and to the contract's rule, on generated families and
scheme years, on both databases:

    eligible = some member is living here
               and not on the AB-PMJAY list (when the year excludes AB-PMJAY families)
               and no living member is a government employee or pensioner (when the year excludes them)

(The Python decision also picks a category; with the notified categories "everyone else" always fits, so a
family is refused only for the reasons above. A year whose rules leave some families without a category
would make the figures count families the desk refuses: the category rules are not in the SQL.)

One family per example, so the grouped figures answer for that family alone. Derandomized, no example
database, deadline off.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from hypothesis import example, given
from hypothesis import strategies as st

from himswasthya.core.tests.differential import differential_settings
from himswasthya.himcare.coverage import mapping
from himswasthya.himcare.enrolment.eligibility import (
    COVERED_BY_AB_PMJAY,
    GOVERNMENT_EMPLOYEE_FAMILY,
    NO_LIVING_MEMBERS,
    evaluate_family,
)
from himswasthya.himcare.models import PmjayFamily
from himswasthya.himcare.tests.factories import make_family, make_scheme_year
from himswasthya.himparivar.models import Family, MemberStatus, Occupation

FAMILY_REFUSALS = {NO_LIVING_MEMBERS, COVERED_BY_AB_PMJAY, GOVERNMENT_EMPLOYEE_FAMILY}
OCCUPATIONS = [
    Occupation.NONE,
    Occupation.GOVERNMENT_EMPLOYEE,
    Occupation.GOVERNMENT_PENSIONER,
    Occupation.FARMER,
    Occupation.STREET_VENDOR,
]
STATUSES = [MemberStatus.ALIVE, MemberStatus.DECEASED, MemberStatus.MIGRATED]

cases = st.fixed_dictionaries(
    {
        "exclude_ab_pmjay": st.booleans(),
        "exclude_government_employees": st.booleans(),
        "pmjay": st.booleans(),
        "bpl": st.booleans(),
        # (status, occupation, year of birth) per member; a family may have nobody left
        "members": st.lists(
            st.tuples(st.sampled_from(STATUSES), st.sampled_from(OCCUPATIONS), st.sampled_from([1990, 1950])),
            max_size=4,
        ),
    }
)


def contract_rule(case: dict[str, Any]) -> bool:
    alive = [occupation for status, occupation, _born in case["members"] if status == MemberStatus.ALIVE]
    government = {Occupation.GOVERNMENT_EMPLOYEE, Occupation.GOVERNMENT_PENSIONER}
    return (
        bool(alive)
        and not (case["exclude_ab_pmjay"] and case["pmjay"])
        and not (case["exclude_government_employees"] and government.intersection(alive))
    )


class _Rollback(Exception):
    pass


def decide_three_ways(case: dict[str, Any], district: Any) -> dict[str, bool]:
    """Python, ORM and the figures (SQL on PostgreSQL) for one generated family; nothing is kept."""
    answers: dict[str, bool] = {}
    try:
        with transaction.atomic():
            year = make_scheme_year(
                code="DIFF",
                exclude_ab_pmjay=case["exclude_ab_pmjay"],
                exclude_government_employees=case["exclude_government_employees"],
            )
            members = [
                {
                    "name_roman": f"Member {i} Negi",
                    "status": status,
                    "occupation": occupation,
                    "year_of_birth": born,
                    "sex": "F" if i % 2 else "M",
                }
                for i, (status, occupation, born) in enumerate(case["members"], start=1)
            ]
            if members:
                family, _members = make_family(district, members, is_bpl=case["bpl"])
            else:  # a family with nobody left on the register
                family = Family.objects.create(
                    family_id="HC-DIFF-EMPTY", district=district, is_bpl=case["bpl"]
                )
            if case["pmjay"]:
                PmjayFamily.objects.create(
                    family=family, source="test list", listed_on=datetime.date(2019, 1, 1)
                )
            assert Family.objects.count() == 1  # the figures below are this family's alone
            family = Family.objects.get(pk=family.pk)
            decision = evaluate_family(family, year)
            answers["python"] = decision.refusal_code not in FAMILY_REFUSALS
            assert decision.eligible == answers["python"]  # the notified categories fit everyone else
            answers["orm"] = Family.objects.filter(mapping.eligible_family_q(year), pk=family.pk).exists()
            answers["orm, through a member"] = (
                family.members.filter(mapping.eligible_family_q(year, prefix="family__")).exists()
                if members
                else answers["orm"]
            )
            for name, portable in (("figures (SQL on PostgreSQL)", False), ("figures, portable", True)):
                figures = mapping.compute_figures(year, portable=portable, concurrent=False)
                answers[name] = sum(f.eligible_families for f in figures.values()) == 1
            raise _Rollback
    except _Rollback:
        return answers


@pytest.mark.django_db
def test_python_orm_and_sql_eligibility_agree_with_the_contract(persona_district):
    checked = {"n": 0, "eligible": 0}

    @differential_settings(max_examples=40)
    @given(case=cases)
    @example(  # a deceased government pensioner does not exclude the family
        case={
            "exclude_ab_pmjay": True,
            "exclude_government_employees": True,
            "pmjay": False,
            "bpl": False,
            "members": [
                (MemberStatus.DECEASED, Occupation.GOVERNMENT_PENSIONER, 1950),
                (MemberStatus.ALIVE, Occupation.FARMER, 1990),
            ],
        }
    )
    @example(  # only migrated members: nobody to enrol
        case={
            "exclude_ab_pmjay": False,
            "exclude_government_employees": False,
            "pmjay": True,
            "bpl": True,
            "members": [(MemberStatus.MIGRATED, Occupation.NONE, 1990)],
        }
    )
    @example(  # AB-PMJAY listed, in a year that does not exclude it
        case={
            "exclude_ab_pmjay": False,
            "exclude_government_employees": True,
            "pmjay": True,
            "bpl": False,
            "members": [(MemberStatus.ALIVE, Occupation.STREET_VENDOR, 1950)],
        }
    )
    def check(case: dict[str, Any]) -> None:
        expected = contract_rule(case)
        answers = decide_three_ways(case, persona_district)
        assert answers == dict.fromkeys(answers, expected), case
        checked["n"] += 1
        checked["eligible"] += expected

    check()
    assert checked["n"] >= 40 and 0 < checked["eligible"] < checked["n"]  # both answers were exercised
