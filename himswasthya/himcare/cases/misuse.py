"""Checks against misuse of HIMCARE (issue #5 item 5): rules that flag cases for a HIMCARE officer to review.

Each rule is one small function with its threshold as a module constant. A rule's finding is a `MisuseFlag`,
unique per rule and case (a database constraint), so running the rules again changes nothing:

- concurrent_admission: the same person has two cases whose stays overlap at different hospitals;
- repeat_one_time: a person has a second case with a once-in-a-lifetime package they already had;
- under_limit_cluster: at one hospital, many claims sit just under the package total and make up most of
  that hospital's claims in a window;
- non_member: the patient is not a living member of the enrolled family on the admission date, or not among
  the enrolment's covered members.

`check_case(case)` runs every rule for one case (the case services call it after admission and after a claim,
through `transaction.on_commit`); `run_misuse_rules(since=...)` sweeps every case (cron / the demo).
An officer clears or confirms a flag with `do_review_flag` (audited).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import (
    BigIntegerField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.scoping import get_scoped_or_not_found, require_role
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import DomainError
from himswasthya.core.statemachine import StateMachine, Transition, choice_labels
from himswasthya.facilities.models import Facility
from himswasthya.himcare.models import (
    OFFICER_ROLES,
    Case,
    CasePackage,
    CaseStatus,
    Claim,
    EnrolledMember,
    FlagStatus,
    MisuseFlag,
    MisuseRule,
)
from himswasthya.himparivar.models import Member, MemberStatus
from himswasthya.people.models import Person

PURPOSE = "misuse_detection"

# concurrent_admission: two stays of one person at different hospitals overlapping by more than this are
# flagged. A referral (discharged at A, admitted at B the same hour) overlaps by less and is not flagged.
CONCURRENT_MIN_OVERLAP = datetime.timedelta(hours=1)

# repeat_one_time: earlier cases in these statuses never led to treatment, so they do not count as the
# first time.
NOT_TREATED_STATUSES = (CaseStatus.PREAUTH_REJECTED, CaseStatus.CANCELLED, CaseStatus.PREAUTH_PENDING)

# under_limit_cluster: claims submitted within the window at one hospital; a claim is "just under" when
# package total x (1 - UNDER_LIMIT_MARGIN) <= claimed < package total. The hospital's just-under claims are
# flagged when there are at least UNDER_LIMIT_MIN_CLAIMS of them and they are at least UNDER_LIMIT_MIN_SHARE
# of the hospital's claims in the window.
UNDER_LIMIT_WINDOW_DAYS = 90
UNDER_LIMIT_MARGIN_PERCENT = 5
UNDER_LIMIT_MIN_CLAIMS = 5
UNDER_LIMIT_MIN_SHARE_PERCENT = 60

# non_member: statuses of a case that has an admission to check.
ADMITTED_STATUSES = (
    CaseStatus.ADMITTED,
    CaseStatus.DISCHARGED,
    CaseStatus.CLAIM_SUBMITTED,
    CaseStatus.CLAIM_QUERY,
    CaseStatus.CLAIM_APPROVED,
    CaseStatus.CLAIM_PART_APPROVED,
    CaseStatus.CLAIM_REJECTED,
)

REVIEW_ROLES = tuple(sorted(OFFICER_ROLES))


# --- helpers ------------------------------------------------------------------------------------------------
def _raise_flag(rule: str, case: Case, details: dict[str, Any]) -> bool:
    """Create the flag unless this rule already flagged this case. True when a new flag was made."""
    if MisuseFlag.objects.filter(rule=rule, case=case).exists():
        return False
    try:
        with transaction.atomic():
            flag = MisuseFlag.objects.create(
                rule=rule, case=case, facility_id=case.facility_id, details=details
            )
            record(
                AuditAction.MISUSE_FLAG_RAISE,
                object_type="himcare.MisuseFlag",
                object_id=flag.pk,
                purpose=PURPOSE,
                actor=None,
                facility_id=case.facility_id,
                detail={"rule": rule, "case": case.case_no},
            )
    except IntegrityError:  # a concurrent run made it first
        return False
    return True


def same_person_ids(person_id: int) -> set[int]:
    """The person and every record merged with them (a duplicate merged into its survivor is one person)."""
    root = Person.objects.filter(pk=person_id).values_list("merged_into_id", flat=True).first() or person_id
    ids = {person_id, root}
    ids.update(Person.objects.filter(merged_into_id=root).values_list("pk", flat=True))
    return ids


def _stay_end(case: Case, now: datetime.datetime) -> datetime.datetime:
    return case.discharged_at or now


def package_total_subquery() -> Subquery:
    """SQL: the total of a case's booked packages (rate x quantity), for `Case` rows (OuterRef('pk'))."""
    return Subquery(
        CasePackage.objects.filter(case=OuterRef("pk"))
        .values("case")
        .annotate(
            total=Sum(ExpressionWrapper(F("rate_paise") * F("quantity"), output_field=BigIntegerField()))
        )
        .values("total")[:1],
        output_field=BigIntegerField(),
    )


# --- the rules: each returns the number of new flags --------------------------------------------------------
def rule_concurrent_admission(case: Case, *, now: datetime.datetime | None = None) -> int:
    """Flag `case` and every case of the same person at another hospital whose stay overlaps it by more than
    CONCURRENT_MIN_OVERLAP (an open stay runs until now)."""
    if case.admitted_at is None:
        return 0
    now = now or timezone.now()
    start, end = case.admitted_at, _stay_end(case, now)
    others = (
        Case.objects.filter(person_id__in=same_person_ids(case.person_id), admitted_at__isnull=False)
        .exclude(pk=case.pk)
        .exclude(facility_id=case.facility_id)
        .filter(admitted_at__lt=end - CONCURRENT_MIN_OVERLAP)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gt=start + CONCURRENT_MIN_OVERLAP))
        .only("pk", "case_no", "facility_id", "admitted_at", "discharged_at", "person_id")
    )
    made = 0
    for other in others:
        assert other.admitted_at is not None  # filtered above
        overlap = min(end, _stay_end(other, now)) - max(start, other.admitted_at)
        if overlap <= CONCURRENT_MIN_OVERLAP:
            continue
        hours = round(overlap.total_seconds() / 3600, 1)
        made += _raise_flag(
            MisuseRule.CONCURRENT_ADMISSION,
            case,
            {"other_case": other.case_no, "other_facility_id": other.facility_id, "overlap_hours": hours},
        )
        made += _raise_flag(
            MisuseRule.CONCURRENT_ADMISSION,
            other,
            {"other_case": case.case_no, "other_facility_id": case.facility_id, "overlap_hours": hours},
        )
    return made


def rule_repeat_one_time(case: Case) -> int:
    """Flag `case` when it books a once-in-a-lifetime package that the same person already had in an earlier
    case (one that went ahead: not rejected, cancelled or still pending)."""
    one_time = list(
        CasePackage.objects.filter(case=case, package__is_one_time=True).values_list(
            "package_id", "package__code"
        )
    )
    if not one_time:
        return 0
    earlier = (
        CasePackage.objects.filter(
            case__person_id__in=same_person_ids(case.person_id),
            package_id__in=[p for p, _c in one_time],
            case__raised_at__lt=case.raised_at,
        )
        .exclude(case_id=case.pk)
        .exclude(case__status__in=NOT_TREATED_STATUSES)
        .values_list("package__code", "case__case_no")
        .order_by("case__raised_at")
        .first()
    )
    if earlier is None:
        return 0
    code, earlier_case = earlier
    return int(
        _raise_flag(
            MisuseRule.REPEAT_ONE_TIME_PROCEDURE, case, {"package": code, "earlier_case": earlier_case}
        )
    )


def near_limit_claims(facility_id: int, window_end: datetime.datetime) -> tuple[QuerySet[Claim], int]:
    """The hospital's claims in the window ending at `window_end` that sit just under their package total,
    and the number of all its claims in the window."""
    window_start = window_end - datetime.timedelta(days=UNDER_LIMIT_WINDOW_DAYS)
    in_window = Claim.objects.filter(
        case__facility_id=facility_id, submitted_at__gt=window_start, submitted_at__lte=window_end
    )
    total = in_window.count()
    near = (
        in_window.annotate(
            package_total=Subquery(
                CasePackage.objects.filter(case=OuterRef("case_id"))
                .values("case")
                .annotate(
                    total=Sum(
                        ExpressionWrapper(F("rate_paise") * F("quantity"), output_field=BigIntegerField())
                    )
                )
                .values("total")[:1],
                output_field=BigIntegerField(),
            )
        )
        .filter(package_total__isnull=False, claimed_paise__lt=F("package_total"))
        .filter(claimed_paise__gte=F("package_total") * (100 - UNDER_LIMIT_MARGIN_PERCENT) / 100)
    )
    return near, total


def rule_under_limit_cluster(facility_id: int, *, window_end: datetime.datetime | None = None) -> int:
    """Flag the cases of a hospital's just-under claims when they cluster (see the constants)."""
    window_end = window_end or timezone.now()
    near, total = near_limit_claims(facility_id, window_end)
    near_cases = list(near.select_related("case"))
    count = len(near_cases)
    if count < UNDER_LIMIT_MIN_CLAIMS or count * 100 < UNDER_LIMIT_MIN_SHARE_PERCENT * total:
        return 0
    details = {
        "window_days": UNDER_LIMIT_WINDOW_DAYS,
        "window_end": window_end.date().isoformat(),
        "near_limit_claims": count,
        "claims_in_window": total,
        "share_percent": round(100 * count / total, 1),
        "margin_percent": UNDER_LIMIT_MARGIN_PERCENT,
    }
    return sum(_raise_flag(MisuseRule.UNDER_LIMIT_CLUSTERING, c.case, details) for c in near_cases)


def _alive_on(member: Member, on_date: datetime.date) -> bool:
    if member.status == MemberStatus.ALIVE:
        return True
    if member.status == MemberStatus.DECEASED and member.date_of_death is not None:
        return member.date_of_death > on_date
    return False


def rule_non_member(case: Case) -> int:
    """Flag `case` when its patient was not a living member of the enrolled family on the admission date,
    or is not one of the enrolment's covered members (e.g. after a merge the patient is another person)."""
    if case.admitted_at is None:
        return 0
    on_date = timezone.localdate(case.admitted_at)
    family_id = case.enrolment.family_id
    reasons = []
    member = Member.objects.filter(family_id=family_id, person_id=case.person_id).first()
    if member is None:
        reasons.append("not_in_family")
    elif not _alive_on(member, on_date):
        reasons.append(f"member_{member.status.lower()}")
    if not EnrolledMember.objects.filter(enrolment_id=case.enrolment_id, person_id=case.person_id).exists():
        reasons.append("not_enrolled_member")
    if case.enrolled_member.person_id != case.person_id:
        reasons.append("patient_differs_from_enrolled_member")
    merged_into = Person.objects.filter(pk=case.person_id).values_list("merged_into_id", flat=True).first()
    if merged_into:
        reasons.append("patient_record_merged")
    if not reasons:
        return 0
    return int(
        _raise_flag(
            MisuseRule.NON_MEMBER_ADMISSION,
            case,
            {"reasons": reasons, "admitted_on": on_date.isoformat()},
        )
    )


# --- what a flag's details say, for people ----------------------------------------------------------------
# The stored details keep their codes (the API gives them as they are); pages show these labels instead.
DETAIL_LABELS = {
    "reasons": _("Reasons"),
    "admitted_on": _("Admitted on"),
    "other_case": _("Other case"),
    "other_facility_id": _("Other hospital"),
    "overlap_hours": _("Stays overlap (hours)"),
    "package": _("Package"),
    "earlier_case": _("Earlier case"),
    "window_days": _("Window (days)"),
    "window_end": _("Window ends on"),
    "near_limit_claims": _("Claims just under the package total"),
    "claims_in_window": _("Claims in the window"),
    "share_percent": _("Share of the hospital's claims (%)"),
    "margin_percent": _("Margin under the package total (%)"),
}
# rule_non_member's reasons (member_<status> for a member not alive on the admission date).
REASON_LABELS = {
    "not_in_family": _("not a member of the enrolled family"),
    "member_migrated": _("member had migrated"),
    "member_deceased": _("member had died"),
    "not_enrolled_member": _("not among the members covered by the enrolment"),
    "patient_differs_from_enrolled_member": _("patient is not the enrolled member named on the case"),
    "patient_record_merged": _("patient's record was merged into another"),
}


def detail_rows(details: dict[str, Any]) -> list[dict[str, Any]]:
    """A flag's details as rows for a page: {key, label, value}, value in the page's language (reasons by
    their labels, the other hospital as a Facility for `local_name`). An unknown key keeps its code."""
    rows = []
    for key, value in details.items():
        if key == "reasons":
            codes = value if isinstance(value, list) else [value]
            value = "; ".join(str(REASON_LABELS.get(code, code)) for code in codes)
        elif key == "other_facility_id":
            value = Facility.objects.filter(pk=value).first() or value
        rows.append({"key": key, "label": DETAIL_LABELS.get(key), "value": value})
    order = list(DETAIL_LABELS)
    return sorted(rows, key=lambda r: (order.index(r["key"]) if r["key"] in order else len(order), r["key"]))


# --- running them -------------------------------------------------------------------------------------------
def check_case(case: Case) -> dict[str, int]:
    """Run every rule that concerns one case (after admission or a claim). Returns new flags per rule."""
    case = Case.objects.select_related("enrolment", "enrolled_member").get(pk=case.pk)
    found = {
        MisuseRule.CONCURRENT_ADMISSION.value: rule_concurrent_admission(case),
        MisuseRule.REPEAT_ONE_TIME_PROCEDURE.value: rule_repeat_one_time(case),
        MisuseRule.UNDER_LIMIT_CLUSTERING.value: 0,
        MisuseRule.NON_MEMBER_ADMISSION.value: rule_non_member(case),
    }
    claim = Claim.objects.filter(case=case).only("submitted_at", "claimed_paise").first()
    # Only a claim just under its package total can tip its hospital into a cluster (a claim that is not
    # just under lowers the share), so the hospital's window is checked only then.
    if claim is not None and is_near_limit(case, claim.claimed_paise):
        found[MisuseRule.UNDER_LIMIT_CLUSTERING.value] = rule_under_limit_cluster(
            case.facility_id, window_end=max(claim.submitted_at, timezone.now())
        )
    return found


def is_near_limit(case: Case, claimed_paise: int) -> bool:
    """True when the claimed amount is within UNDER_LIMIT_MARGIN_PERCENT below the case's package total."""
    total = sum(
        p.rate_paise * p.quantity
        for p in CasePackage.objects.filter(case=case).only("rate_paise", "quantity")
    )
    return bool(total) and total * (100 - UNDER_LIMIT_MARGIN_PERCENT) <= claimed_paise * 100 < total * 100


def _cases_since(since: datetime.datetime | None) -> QuerySet[Case]:
    qs = Case.objects.select_related("enrolment", "enrolled_member")
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    return qs.order_by("pk")


def _concurrent_candidates(cases: QuerySet[Case]) -> Iterable[Case]:
    """Cases with an overlapping admission of the same person elsewhere (the cheap test, in SQL)."""
    overlapping = (
        Case.objects.filter(
            person_id=OuterRef("person_id"),
            admitted_at__isnull=False,
            admitted_at__lt=Coalesce(
                OuterRef("discharged_at"), Value(timezone.now(), output_field=DateTimeField())
            ),
        )
        .exclude(facility_id=OuterRef("facility_id"))
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gt=OuterRef("admitted_at")))
    )
    return cases.filter(admitted_at__isnull=False).filter(Exists(overlapping)).iterator(chunk_size=500)


def _repeat_candidates(cases: QuerySet[Case]) -> Iterable[Case]:
    earlier = CasePackage.objects.filter(
        case__person_id=OuterRef("person_id"),
        case__raised_at__lt=OuterRef("raised_at"),
        package__is_one_time=True,
        package_id__in=CasePackage.objects.filter(case_id=OuterRef(OuterRef("pk"))).values("package_id"),
    ).exclude(case__status__in=NOT_TREATED_STATUSES)
    return (
        cases.filter(packages__package__is_one_time=True)
        .filter(Exists(earlier))
        .distinct()
        .iterator(chunk_size=500)
    )


def _non_member_candidates(cases: QuerySet[Case]) -> Iterable[Case]:
    living_member = Member.objects.filter(
        family_id=OuterRef("enrolment__family_id"), person_id=OuterRef("person_id")
    ).filter(Q(status=MemberStatus.ALIVE) | Q(status=MemberStatus.DECEASED, date_of_death__isnull=False))
    enrolled = EnrolledMember.objects.filter(
        enrolment_id=OuterRef("enrolment_id"), person_id=OuterRef("person_id")
    )
    return (
        cases.filter(status__in=ADMITTED_STATUSES, admitted_at__isnull=False)
        .filter(
            ~Exists(living_member)
            | ~Exists(enrolled)
            | ~Q(enrolled_member__person_id=F("person_id"))
            | Q(person__merged_into__isnull=False)
            | Exists(
                Member.objects.filter(
                    family_id=OuterRef("enrolment__family_id"),
                    person_id=OuterRef("person_id"),
                    status=MemberStatus.DECEASED,
                )
            )
        )
        .iterator(chunk_size=500)
    )


def run_misuse_rules(*, since: datetime.datetime | None = None) -> dict[str, int]:
    """Sweep all cases (or those changed since `since`) through every rule; idempotent. New flags per rule."""
    cases = _cases_since(since)
    found = {rule.value: 0 for rule in MisuseRule}
    for case in _concurrent_candidates(cases):
        found[MisuseRule.CONCURRENT_ADMISSION] += rule_concurrent_admission(case)
    for case in _repeat_candidates(cases):
        found[MisuseRule.REPEAT_ONE_TIME_PROCEDURE] += rule_repeat_one_time(case)
    for case in _non_member_candidates(cases):
        found[MisuseRule.NON_MEMBER_ADMISSION] += rule_non_member(case)
    claims = Claim.objects.all()
    if since is not None:
        claims = claims.filter(submitted_at__gte=since - datetime.timedelta(days=UNDER_LIMIT_WINDOW_DAYS))
    for facility_id in claims.values_list("case__facility_id", flat=True).distinct().order_by():
        found[MisuseRule.UNDER_LIMIT_CLUSTERING] += rule_under_limit_cluster(facility_id)
    return {str(k): v for k, v in found.items()}


def check_case_on_commit(case: Case) -> None:
    """For the case services: run `check_case` after the surrounding transaction commits."""
    case_id = case.pk
    transaction.on_commit(lambda: check_case(Case.objects.get(pk=case_id)))


# --- the officer's queue ------------------------------------------------------------------------------------
def flag_queue(user: Any, *, status: str = FlagStatus.OPEN, rule: str = "") -> QuerySet[MisuseFlag]:
    """The flags the user may see (HIMCARE officer / state admin: all; district officer: own district)."""
    from himswasthya.accounts.scoping import scope_queryset

    qs = scope_queryset(user, MisuseFlag.objects.select_related("case", "facility"))
    if status:
        qs = qs.filter(status=status)
    if rule:
        qs = qs.filter(rule=rule)
    return qs.order_by("-raised_at", "-pk")


#: A flag is reviewed once: cleared (no misuse) or confirmed (core.statemachine).
REVIEW_FLOW = StateMachine(
    {
        "review": Transition(
            sources={FlagStatus.OPEN},
            targets={FlagStatus.CLEARED, FlagStatus.CONFIRMED},
            rule=_("This flag has already been reviewed."),
            code="already_reviewed",
            field=None,
        )
    },
    status_label=choice_labels(FlagStatus),
)


def do_review_flag(*, actor: Any, flag_id: int, decision: str, note: str) -> MisuseFlag:
    """A HIMCARE officer clears (no misuse) or confirms a flag, with a note. Audited."""
    require_role(actor, *REVIEW_ROLES)
    if decision not in (FlagStatus.CLEARED, FlagStatus.CONFIRMED):
        raise DomainError(_("Decision: choose clear or confirm."), field="decision", code="invalid_decision")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Note: write why you clear or confirm this flag."), field="note", code="required")
    if len(note) > 500:
        raise DomainError(_("Note: at most 500 characters."), field="note", code="too_long")
    with transaction.atomic():
        flag = get_scoped_or_not_found(actor, MisuseFlag.objects.select_for_update(), pk=flag_id)
        REVIEW_FLOW.apply(flag, "review", to=decision)
        flag.review_note = note
        flag.reviewed_by = actor
        flag.reviewed_at = timezone.now()
        flag.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
        record(
            AuditAction.MISUSE_FLAG_REVIEW,
            object_type="himcare.MisuseFlag",
            object_id=flag.pk,
            purpose=PURPOSE,
            actor=actor,
            facility_id=flag.facility_id,
            detail={"decision": decision, "rule": flag.rule},
        )
    return flag
