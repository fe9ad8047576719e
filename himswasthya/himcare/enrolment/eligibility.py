"""Who may join HIMCARE and in which category (the contract's shared rules; domain.md section 3).

`evaluate_family` looks only at the family: living members, the AB-PMJAY list, government employees and the
category criteria. Whether the enrolment window is open and whether the family is already enrolled are the
enrolment service's checks (`enrolment_window_refusal`, `already_enrolled_refusal` below give their wording),
so that coverage figures can count eligible families whether or not they have enrolled.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from himswasthya.himcare.models import Category, CategoryRule, Criterion, PmjayFamily, SchemeYear
from himswasthya.himparivar.models import (
    Family,
    MaritalStatus,
    Member,
    MemberStatus,
    Occupation,
    head_of,
)

GOVERNMENT_OCCUPATIONS = frozenset({Occupation.GOVERNMENT_EMPLOYEE, Occupation.GOVERNMENT_PENSIONER})
EKAL_NAARI_STATUSES = frozenset({MaritalStatus.WIDOWED, MaritalStatus.DIVORCED, MaritalStatus.SEPARATED})

NO_LIVING_MEMBERS = "no_living_members"
COVERED_BY_AB_PMJAY = "covered_by_ab_pmjay"
GOVERNMENT_EMPLOYEE_FAMILY = "government_employee_family"
OUTSIDE_ENROLMENT_WINDOW = "outside_enrolment_window"
ALREADY_ENROLLED = "already_enrolled"
NO_MATCHING_CATEGORY = "no_matching_category"

# The categories as notified (domain.md section 3; premiums in paise): the defaults of a new scheme year
# (demo data, tests). Any one criterion admits a family to a category.
CATEGORY_RULES = {
    Category.I: (
        0,
        [
            Criterion.BPL,
            Criterion.STREET_VENDOR,
            Criterion.MGNREGA_50_DAYS,
            Criterion.SENIOR_OVER_70,
            Criterion.CHILD_CARE_INSTITUTION,
        ],
    ),
    Category.II: (
        365_00,
        [
            Criterion.EKAL_NAARI,
            Criterion.DISABILITY_OVER_40,
            Criterion.MID_DAY_MEAL_WORKER,
            Criterion.GOVERNMENT_CONTRACT_WORKER,
            Criterion.ANGANWADI_OR_ASHA,
        ],
    ),
    Category.III: (1_000_00, [Criterion.EVERYONE_ELSE]),
}


@dataclass
class EligibilityDecision:
    eligible: bool
    refusal_code: str = ""
    refusal_message: str = ""
    category: str = ""
    premium_paise: int = 0
    matched_criteria: list[str] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)


def scheme_year_in_force(on_date: datetime.date | None = None) -> SchemeYear | None:
    """The active scheme year covering `on_date` (today by default); the latest start wins."""
    day = on_date or timezone.localdate()
    return (
        SchemeYear.objects.filter(is_active=True, starts_on__lte=day, ends_on__gte=day)
        .order_by("-starts_on", "-id")
        .first()
    )


def age_on(member: Member, day: datetime.date) -> int:
    """Completed years on `day`: from the date of birth when known, else from the year of birth."""
    born = member.date_of_birth
    if born:
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return day.year - member.year_of_birth


def _is_ekal_naari(head: Member | None, day: datetime.date) -> bool:
    if head is None or head.status != MemberStatus.ALIVE or head.sex != "F":
        return False
    if head.marital_status in EKAL_NAARI_STATUSES:
        return True
    return head.marital_status == MaritalStatus.NEVER_MARRIED and age_on(head, day) >= 35


def matched_criteria(family: Family, alive: list[Member], day: datetime.date) -> list[str]:
    """The criteria (Criterion values) this family meets on `day`; "everyone_else" always."""
    occupations = {m.occupation for m in alive}
    head = head_of(family, alive)
    checks = {
        Criterion.BPL: family.is_bpl,
        Criterion.STREET_VENDOR: Occupation.STREET_VENDOR in occupations,
        Criterion.MGNREGA_50_DAYS: any(m.mgnrega_days >= 50 for m in alive),
        Criterion.SENIOR_OVER_70: any(age_on(m, day) > 70 for m in alive),
        Criterion.CHILD_CARE_INSTITUTION: any(m.in_child_care_institution for m in alive),
        Criterion.EKAL_NAARI: _is_ekal_naari(head, day),
        Criterion.DISABILITY_OVER_40: any(m.disability_percent > 40 for m in alive),
        Criterion.MID_DAY_MEAL_WORKER: Occupation.MID_DAY_MEAL_WORKER in occupations,
        Criterion.GOVERNMENT_CONTRACT_WORKER: Occupation.GOVERNMENT_CONTRACT_WORKER in occupations,
        Criterion.ANGANWADI_OR_ASHA: Occupation.ANGANWADI_OR_ASHA in occupations,
        Criterion.EVERYONE_ELSE: True,
    }
    return [str(criterion.value) for criterion, met in checks.items() if met]


def choose_category(rules: list[CategoryRule], criteria: list[str]) -> tuple[CategoryRule | None, list[str]]:
    """The matching rule with the lowest premium (ties: the first category) and the criteria it matched."""
    met = set(criteria)
    matching = [r for r in rules if met.intersection(r.criteria or [])]
    if not matching:
        return None, []
    best = min(matching, key=lambda r: (r.premium_paise, r.category))
    return best, [c for c in criteria if c in (best.criteria or [])]


def _pmjay_listing(family: Family) -> PmjayFamily | None:
    try:
        return family.pmjay_listing
    except PmjayFamily.DoesNotExist:
        return None


def category_rules(scheme_year: SchemeYear) -> list[CategoryRule]:
    """The year's category rules, read once per SchemeYear object."""
    cache = getattr(scheme_year, "_category_rules_cache", None)
    if cache is None:
        cache = list(scheme_year.category_rules.all())
        scheme_year._category_rules_cache = cache  # type: ignore[attr-defined]
    return cache


def evaluate_family(
    family: Family, scheme_year: SchemeYear, on_date: datetime.date | None = None
) -> EligibilityDecision:
    """Is `family` eligible for `scheme_year` on `on_date`, in which category, at what premium per unit?

    Refusals carry a code and a translated message that explains the reason to the family or the clerk.
    """
    day = on_date or timezone.localdate()
    alive = [m for m in family.members.all() if m.status == MemberStatus.ALIVE]
    alive.sort(key=lambda m: (m.member_id != family.head_id, m.pk))
    if not alive:
        return EligibilityDecision(
            eligible=False,
            refusal_code=NO_LIVING_MEMBERS,
            refusal_message=_(
                "No member of this family is recorded as living here in Him Parivar, so there is nobody to "
                "enrol. Update the family in Him Parivar first."
            ),
        )
    if scheme_year.exclude_ab_pmjay:
        listing = _pmjay_listing(family)
        if listing is not None:
            return EligibilityDecision(
                eligible=False,
                refusal_code=COVERED_BY_AB_PMJAY,
                refusal_message=_(
                    "This family is covered by AB-PMJAY (listed on %(date)s); HIMCARE is for families not in "
                    "AB-PMJAY."
                )
                % {"date": formats.date_format(listing.listed_on, "d-m-Y")},
                members=alive,
            )
    if scheme_year.exclude_government_employees:
        government = [m for m in alive if m.occupation in GOVERNMENT_OCCUPATIONS]
        if government:
            return EligibilityDecision(
                eligible=False,
                refusal_code=GOVERNMENT_EMPLOYEE_FAMILY,
                refusal_message=_(
                    "%(name)s is recorded as a serving or retired government employee or pensioner; such "
                    "families are not covered by HIMCARE."
                )
                % {"name": government[0].name_roman},
                members=alive,
            )
    criteria = matched_criteria(family, alive, day)
    rule, matched = choose_category(category_rules(scheme_year), criteria)
    if rule is None:
        return EligibilityDecision(
            eligible=False,
            refusal_code=NO_MATCHING_CATEGORY,
            refusal_message=_("No category of scheme year %(year)s fits this family.")
            % {"year": scheme_year.code},
            members=alive,
        )
    return EligibilityDecision(
        eligible=True,
        category=rule.category,
        premium_paise=rule.premium_paise,
        matched_criteria=matched,
        members=alive,
    )


def units_for(member_count: int, scheme_year: SchemeYear) -> int:
    """Units of at most `max_members_per_unit` members (at least one)."""
    size = max(1, scheme_year.max_members_per_unit)
    return max(1, -(-member_count // size))


def in_enrolment_window(scheme_year: SchemeYear, on_date: datetime.date | None = None) -> bool:
    day = on_date or timezone.localdate()
    months = scheme_year.new_enrolment_months or []
    return not months or day.month in months


def enrolment_window_refusal(scheme_year: SchemeYear) -> str:
    """The translated explanation of why new enrolment is closed today."""
    months = ", ".join(str(MONTHS[m]) for m in sorted(scheme_year.new_enrolment_months or []))
    return _(
        "New families can enrol for scheme year %(year)s only in these months: %(months)s. Please come back "
        "then, or ask a HIMCARE officer if this is a special case."
    ) % {"year": scheme_year.code, "months": months}


def already_enrolled_refusal(card_or_application: str) -> str:
    return _("This family is already enrolled in HIMCARE (%(number)s).") % {"number": card_or_application}
