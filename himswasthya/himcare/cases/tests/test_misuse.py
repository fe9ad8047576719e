"""Checks against misuse: each rule with a case it must flag and one it must not; idempotence; the review."""

from __future__ import annotations

import datetime

import pytest

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import Conflict, DomainError, Forbidden, NotFound
from himswasthya.himcare.cases import misuse
from himswasthya.himcare.models import FlagStatus, MisuseFlag, MisuseRule
from himswasthya.himcare.tests.factories import make_family, make_package
from himswasthya.himcare.tests.monitoring_factories import days_ago, make_case
from himswasthya.himparivar.models import MemberStatus

pytestmark = pytest.mark.django_db


def _flags(rule):
    return MisuseFlag.objects.filter(rule=rule)


# --- concurrent admission -----------------------------------------------------------------------------------
def test_concurrent_admission_flags_both_cases(active_enrolment, persona_facility, persona_other_facility):
    first = make_case(active_enrolment, persona_facility, admitted_at=days_ago(5), discharged_at=days_ago(2))
    second = make_case(active_enrolment, persona_other_facility, admitted_at=days_ago(3))  # still admitted
    assert misuse.check_case(second)[MisuseRule.CONCURRENT_ADMISSION] == 2
    flagged = set(_flags(MisuseRule.CONCURRENT_ADMISSION).values_list("case_id", flat=True))
    assert flagged == {first.pk, second.pk}
    flag = MisuseFlag.objects.get(case=second)
    assert flag.details["other_case"] == first.case_no
    assert flag.details["overlap_hours"] == pytest.approx(24.0, abs=0.1)
    assert flag.facility_id == persona_other_facility.pk


def test_referral_and_same_hospital_are_not_concurrent(
    active_enrolment, persona_facility, persona_other_facility
):
    # Discharged from one hospital, admitted at another half an hour before (a referral): not flagged.
    make_case(active_enrolment, persona_facility, admitted_at=days_ago(6), discharged_at=days_ago(3))
    make_case(
        active_enrolment, persona_other_facility, admitted_at=days_ago(3) - datetime.timedelta(minutes=30)
    )
    # Two overlapping cases at the same hospital are a matter for the hospital, not this rule.
    make_case(active_enrolment, persona_facility, admitted_at=days_ago(4), discharged_at=days_ago(3.5))
    assert misuse.run_misuse_rules()[MisuseRule.CONCURRENT_ADMISSION] == 0
    assert not _flags(MisuseRule.CONCURRENT_ADMISSION).exists()


def test_concurrent_admission_of_other_family_members_is_fine(
    active_enrolment, persona_facility, persona_other_facility
):
    members = list(active_enrolment.family.members.order_by("pk"))
    make_case(active_enrolment, persona_facility, member=members[0], admitted_at=days_ago(3))
    make_case(active_enrolment, persona_other_facility, member=members[1], admitted_at=days_ago(3))
    assert misuse.run_misuse_rules()[MisuseRule.CONCURRENT_ADMISSION] == 0


# --- repeat of a once-in-a-lifetime procedure ---------------------------------------------------------------
def test_repeat_one_time_procedure_flags_the_second_case(active_enrolment, persona_facility, specialty):
    hysterectomy = make_package("OG012A", specialty=specialty, name="Hysterectomy", is_one_time=True)
    first = make_case(
        active_enrolment,
        persona_facility,
        packages=[hysterectomy],
        admitted_at=days_ago(200),
        discharged_at=days_ago(195),
        raised_at=days_ago(201),
    )
    second = make_case(active_enrolment, persona_facility, packages=[hysterectomy], admitted_at=days_ago(2))
    assert misuse.run_misuse_rules()[MisuseRule.REPEAT_ONE_TIME_PROCEDURE] == 1
    flag = _flags(MisuseRule.REPEAT_ONE_TIME_PROCEDURE).get()
    assert flag.case == second
    assert flag.details == {"package": "OG012A", "earlier_case": first.case_no}


def test_repeat_of_ordinary_or_untreated_procedure_is_not_flagged(
    active_enrolment, persona_facility, specialty, surgery_package
):
    hysterectomy = make_package("OG012A", specialty=specialty, name="Hysterectomy", is_one_time=True)
    # The same ordinary package twice, and a one-time package whose first case was rejected.
    make_case(active_enrolment, persona_facility, packages=[surgery_package], raised_at=days_ago(100))
    make_case(active_enrolment, persona_facility, packages=[surgery_package], admitted_at=days_ago(1))
    make_case(
        active_enrolment,
        persona_facility,
        packages=[hysterectomy],
        status="preauth_rejected",
        raised_at=days_ago(50),
    )
    later = make_case(active_enrolment, persona_facility, packages=[hysterectomy], admitted_at=days_ago(1))
    # Another member having the same one-time procedure is not a repeat either.
    other_member = list(active_enrolment.family.members.order_by("pk"))[1]
    make_case(
        active_enrolment,
        persona_facility,
        member=other_member,
        packages=[hysterectomy],
        raised_at=days_ago(30),
        admitted_at=days_ago(29),
    )
    assert misuse.run_misuse_rules()[MisuseRule.REPEAT_ONE_TIME_PROCEDURE] == 0
    assert misuse.check_case(later)[MisuseRule.REPEAT_ONE_TIME_PROCEDURE] == 0


# --- claims just under the package total clustering at one hospital -----------------------------------------
def _claims(enrolment, facility, package, amounts, *, age_days=10):
    return [
        make_case(
            enrolment,
            facility,
            packages=[package],
            admitted_at=days_ago(age_days + 3),
            discharged_at=days_ago(age_days + 1),
            claimed_paise=amount,
            submitted_at=days_ago(age_days),
        )
        for amount in amounts
    ]


def test_under_limit_cluster_flags_each_near_limit_claim(active_enrolment, persona_facility, surgery_package):
    rate = surgery_package.rate_paise  # 22,800 rupees
    near = [rate - 100_00, rate - 500_00, rate - 1_000_00, rate - 1, rate - 50_00]  # within 5% below
    near_cases = _claims(active_enrolment, persona_facility, surgery_package, near)
    _claims(active_enrolment, persona_facility, surgery_package, [rate, rate // 2])  # 5 of 7 = 71%
    result = misuse.run_misuse_rules()
    assert result[MisuseRule.UNDER_LIMIT_CLUSTERING] == 5
    flagged = set(_flags(MisuseRule.UNDER_LIMIT_CLUSTERING).values_list("case_id", flat=True))
    assert flagged == {c.pk for c in near_cases}
    details = _flags(MisuseRule.UNDER_LIMIT_CLUSTERING).first().details
    assert details["near_limit_claims"] == 5 and details["claims_in_window"] == 7
    assert details["window_days"] == misuse.UNDER_LIMIT_WINDOW_DAYS
    assert details["share_percent"] == pytest.approx(71.4)


def test_under_limit_below_the_thresholds_is_not_flagged(
    active_enrolment, persona_facility, persona_other_facility, surgery_package
):
    rate = surgery_package.rate_paise
    near = [rate - 100_00] * 5
    # Hospital 1: five near-limit claims but only 5 of 10 (50% < 60%).
    _claims(active_enrolment, persona_facility, surgery_package, near + [rate // 2] * 5)
    # Hospital 2: four near-limit claims out of four (count below 5), and old claims outside the window.
    _claims(active_enrolment, persona_other_facility, surgery_package, near[:4])
    _claims(active_enrolment, persona_other_facility, surgery_package, near, age_days=120)
    # Claims 6% below the rate are not "just under".
    assert misuse.run_misuse_rules()[MisuseRule.UNDER_LIMIT_CLUSTERING] == 0


# --- patient not a member of the enrolled family -----------------------------------------------------------
def test_non_member_admissions_are_flagged(active_enrolment, persona_facility, persona_district):
    _outsider_family, outsiders = make_family(persona_district)
    outsider_case = make_case(
        active_enrolment, persona_facility, person=outsiders[0].person, admitted_at=days_ago(1)
    )
    member = list(active_enrolment.family.members.order_by("pk"))[1]
    member.status = MemberStatus.DECEASED
    member.date_of_death = (days_ago(30)).date()
    member.save()
    dead_case = make_case(active_enrolment, persona_facility, member=member, admitted_at=days_ago(2))
    assert misuse.run_misuse_rules()[MisuseRule.NON_MEMBER_ADMISSION] == 2
    reasons = {f.case_id: f.details["reasons"] for f in _flags(MisuseRule.NON_MEMBER_ADMISSION)}
    assert "not_in_family" in reasons[outsider_case.pk]
    assert "not_enrolled_member" in reasons[outsider_case.pk]
    assert reasons[dead_case.pk] == ["member_deceased"]


def test_members_alive_on_admission_are_not_flagged(active_enrolment, persona_facility):
    members = list(active_enrolment.family.members.order_by("pk"))
    make_case(active_enrolment, persona_facility, member=members[0], admitted_at=days_ago(3))
    # Died after an admission 20 days ago: alive on the admission date.
    members[1].status = MemberStatus.DECEASED
    members[1].date_of_death = days_ago(5).date()
    members[1].save()
    make_case(active_enrolment, persona_facility, member=members[1], admitted_at=days_ago(20))
    make_case(active_enrolment, persona_facility, member=members[2])  # not admitted yet: nothing to check
    assert misuse.run_misuse_rules()[MisuseRule.NON_MEMBER_ADMISSION] == 0


def test_migrated_member_is_flagged(active_enrolment, persona_facility):
    member = list(active_enrolment.family.members.order_by("pk"))[2]
    member.status = MemberStatus.MIGRATED
    member.save()
    case = make_case(active_enrolment, persona_facility, member=member, admitted_at=days_ago(1))
    assert misuse.check_case(case)[MisuseRule.NON_MEMBER_ADMISSION] == 1


# --- idempotence, the queue and the review ------------------------------------------------------------------
def test_rules_are_idempotent(active_enrolment, persona_facility, persona_other_facility):
    make_case(active_enrolment, persona_facility, admitted_at=days_ago(5))
    case = make_case(active_enrolment, persona_other_facility, admitted_at=days_ago(3))
    assert misuse.run_misuse_rules()[MisuseRule.CONCURRENT_ADMISSION] == 2
    assert misuse.run_misuse_rules() == {r.value: 0 for r in MisuseRule}
    assert misuse.check_case(case)[MisuseRule.CONCURRENT_ADMISSION] == 0
    assert MisuseFlag.objects.count() == 2
    assert AuditEntry.objects.filter(action="misuse_flag.raise").count() == 2


@pytest.fixture
def open_flag(active_enrolment, persona_facility, persona_other_facility):
    make_case(active_enrolment, persona_facility, admitted_at=days_ago(5))
    make_case(active_enrolment, persona_other_facility, admitted_at=days_ago(3))
    misuse.run_misuse_rules()
    return MisuseFlag.objects.filter(facility=persona_facility).get()


def test_officer_reviews_a_flag(open_flag, himcare_officer):
    flag = misuse.do_review_flag(
        actor=himcare_officer,
        flag_id=open_flag.pk,
        decision=FlagStatus.CONFIRMED,
        note="Two admissions checked",
    )
    assert flag.status == FlagStatus.CONFIRMED and flag.reviewed_by == himcare_officer
    entry = AuditEntry.objects.get(action="misuse_flag.review")
    assert entry.actor == himcare_officer and entry.detail["decision"] == "confirmed"
    with pytest.raises(Conflict):
        misuse.do_review_flag(actor=himcare_officer, flag_id=open_flag.pk, decision="cleared", note="again")


def test_review_refusals(open_flag, himcare_officer, district_officer, scheme_desk):
    with pytest.raises(DomainError) as err:
        misuse.do_review_flag(actor=himcare_officer, flag_id=open_flag.pk, decision="cleared", note="  ")
    assert err.value.field == "note"
    with pytest.raises(DomainError):
        misuse.do_review_flag(actor=himcare_officer, flag_id=open_flag.pk, decision="open", note="x")
    for outsider in (district_officer, scheme_desk):
        with pytest.raises(Forbidden):
            misuse.do_review_flag(actor=outsider, flag_id=open_flag.pk, decision="cleared", note="x")
    with pytest.raises(NotFound):
        misuse.do_review_flag(actor=himcare_officer, flag_id=999_999, decision="cleared", note="x")


def test_queue_is_scoped(open_flag, himcare_officer, district_officer, other_district_officer, citizen):
    assert misuse.flag_queue(himcare_officer).count() == 2
    assert list(misuse.flag_queue(district_officer)) == [open_flag]  # the Shimla hospital's flag
    assert misuse.flag_queue(other_district_officer).count() == 1  # the Kangra hospital's flag
    assert misuse.flag_queue(citizen).count() == 0


def test_check_case_finds_the_cluster_when_a_near_limit_claim_tips_it(
    active_enrolment, persona_facility, surgery_package
):
    rate = surgery_package.rate_paise
    _claims(active_enrolment, persona_facility, surgery_package, [rate - 100_00] * 4)
    fair = _claims(active_enrolment, persona_facility, surgery_package, [rate])[0]
    assert misuse.check_case(fair)[MisuseRule.UNDER_LIMIT_CLUSTERING] == 0  # 4 near-limit claims: below 5
    assert misuse.is_near_limit(fair, rate) is False
    fifth = _claims(active_enrolment, persona_facility, surgery_package, [rate - 200_00])[0]
    assert misuse.is_near_limit(fifth, rate - 200_00) is True
    assert misuse.check_case(fifth)[MisuseRule.UNDER_LIMIT_CLUSTERING] == 5  # 5 of 6 = 83%
