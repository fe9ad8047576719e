"""Beneficiary verification at the hospital (issue #5 item 3): one search box for the scheme desk.

The desk types a HIMCARE card number, an ABHA number or address, a Him Parivar member id or a mobile number
and sees the family's enrolment (status, validity, category, card), its enrolled members, the wallet
(cover, blocked, consumed, available) and the family's past cases and claims.

Any active scheme desk may verify any beneficiary (any empanelled hospital may treat any beneficiary), so
this is the one HIMCARE lookup that is not scoped to the user's facility or district. It is instead limited
to the hospital and scheme roles, rate-limited per user like the patient search (SEC-24) and audited
(SEC-29): the audit entry names the kind of identifier, never its value.

A second fact (issue #10 item 6): an identifier alone shows nothing. The desk must also type the year of
birth or the name (either script, matched on its phonetic key, given name first) of any member of the
family. Without it the answer is "ask for a second fact" before any lookup; with a wrong one it is the same
refusal as an unknown identifier (no way to tell "wrong fact" from "no such card"), and it counts toward
HIMCARE_VERIFY_FAILURES_PER_HOUR, after which the user is refused for the rest of the hour. A user reaching
HIMCARE_VERIFY_ALERT_PER_HOUR verifications, or the failure limit, raises an alert: an audit entry
`himcare_verify.alert`, a log warning, and a line in the HIMCARE officer's misuse flag page.

Only through verification: a new case (pre-authorisation) may be opened, on the page or the API, only for a
member of a family that the same user verified successfully (identifier and second fact) in the same session
within HIMCARE_VERIFIED_FAMILY_HOURS (`remember_verified` where a verification shows a family,
`require_verified` where a case is opened). An enrolled member's id alone reaches nobody.

Card numbers: `HC` + 2-digit scheme start year + 3-digit district LGD code + 7-digit serial + the ISO 7064
MOD 11-2 check character over those 12 digits (people/uhid.py), e.g. HC260230000001X-style. Serials are
drawn at random (enrolment.random_card_serial), so a card number does not reveal its neighbours. Typed in
any case, with or without spaces and hyphens; a mistyped check character is refused with its own message.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import require_role
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import DomainError, Forbidden, NotFound, RateLimited
from himswasthya.core.ratelimit import check_rate, count_in_window, minute_key, window_count
from himswasthya.himcare.models import (
    LIVE_ENROLMENT_STATUSES,
    Case,
    CaseStatus,
    ClaimStatus,
    EnrolledMember,
    Enrolment,
    EnrolmentStatus,
)
from himswasthya.himparivar.models import Family, Member
from himswasthya.people.models import IdentifierType, PersonIdentifier
from himswasthya.people.phonetic import name_key
from himswasthya.people.search import InvalidQuery, parse_number
from himswasthya.people.uhid import mod11_2_check

logger = logging.getLogger(__name__)

VERIFY_ROLES = (
    Role.SCHEME_DESK,
    Role.FACILITY_ADMIN,
    Role.REGISTRATION_CLERK,
    Role.HIMCARE_OFFICER,
    Role.STATE_ADMIN,
)
AUDIT_PURPOSE = "himcare_claims"
LIVE_STATUSES = LIVE_ENROLMENT_STATUSES
MAX_CASES = 20
MAX_CHOICES = 20

CARD_PREFIX = "HC"
_CARD = re.compile(r"^HC(\d{2})(\d{3})(\d{7})([0-9X])$")
_LOOKS_LIKE_CARD = re.compile(r"^HC\d")
_ABHA_ADDRESS = re.compile(r"^[a-z0-9][a-z0-9._]{2,31}@(abdm|sbx)$")
_NUMBER = re.compile(r"^[+\d\s-]+$")
_MEMBER_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,31}$")
_HIM_PARIVAR_MEMBER = re.compile(r"^HPM[0-9A-Z]{8}$")  # the register's own ids; other sources vary


class InvalidCardNumber(DomainError):
    code = "card_invalid"


class SecondFactRequired(DomainError):
    code = "second_fact_required"


class VerificationRequired(Forbidden):
    code = "verification_required"


# --- card numbers ------------------------------------------------------------------------------------
def card_check_character(digits: str) -> str:
    """The check character of a card's 12 digits (year, district, serial)."""
    return mod11_2_check(digits)


def format_card_number(scheme_start_year: int, district_lgd: int, serial: int) -> str:
    """HC + yy + ddd + nnnnnnn + check: the card number for a serial of a district and scheme year."""
    if not (0 <= district_lgd <= 999 and 0 < serial <= 9_999_999):
        raise ValueError("district code or serial out of range")
    digits = f"{scheme_start_year % 100:02d}{district_lgd:03d}{serial:07d}"
    return f"{CARD_PREFIX}{digits}{card_check_character(digits)}"


def normalise_card_number(text: str) -> str:
    """The canonical card number, or InvalidCardNumber saying what is wrong (shape or check character)."""
    compact = re.sub(r"[\s-]", "", (text or "").upper())
    match = _CARD.match(compact)
    if not match:
        raise InvalidCardNumber(
            _(
                "A HIMCARE card number looks like HC260230000012X: HC, 2 digits of the year,"
                " 3 of the district, 7 of the serial and a check character."
            ),
            field="q",
        )
    year, district, serial, check = match.groups()
    if card_check_character(year + district + serial) != check:
        raise InvalidCardNumber(
            _(
                "This card number is mistyped: its check character does not match."
                " Please check each character."
            ),
            field="q",
            code="card_checksum",
        )
    return compact


# --- what the desk sees ------------------------------------------------------------------------------
@dataclass
class MemberView:
    enrolled_member_id: int
    member_id: str
    person_id: int
    name: str
    name_deva: str
    sex: str
    sex_display: str
    age: int
    unit_no: int
    is_query_person: bool


@dataclass
class CaseView:
    case_no: str
    hospital: str
    hospital_hi: str
    patient: str
    packages: list[str]
    status: str
    status_display: str
    raised_on: datetime.date
    estimated_paise: int
    blocked_paise: int
    claim_no: str = ""
    claim_status: str = ""
    claim_status_display: str = ""
    claimed_paise: int | None = None
    approved_paise: int | None = None
    # The packages for the page: {"code", "name", "name_hi"} each, shown with the local_name filter.
    package_names: list[dict[str, str]] = field(default_factory=list)


@dataclass
class FamilyChoice:
    """One family among several sharing a mobile number: the desk picks one (by its head's member id)."""

    family_id: str
    head_name: str
    district: str
    member_id: str  # the query to verify this family
    card_number: str
    enrolment_status: str
    enrolment_status_display: str


@dataclass
class BeneficiaryView:
    query_kind: str
    family_id: str = ""
    district: str = ""
    enrolment: Enrolment | None = None
    has_active_cover: bool = False
    no_cover_reason: str = ""  # not_enrolled | pending_payment | expired | cancelled | not_yet_valid
    no_cover_message: str = ""
    person_not_covered: bool = False  # the person asked about is in the family but not enrolled
    card_number: str = ""
    status: str = ""
    status_display: str = ""
    category: str = ""
    category_display: str = ""
    scheme_year: str = ""
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    cover_paise: int = 0
    blocked_paise: int = 0
    consumed_paise: int = 0
    available_paise: int = 0
    members: list[MemberView] = field(default_factory=list)
    cases: list[CaseView] = field(default_factory=list)
    choices: list[FamilyChoice] = field(default_factory=list)

    @property
    def needs_choice(self) -> bool:
        return bool(self.choices)


# --- parsing the query -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Parsed:
    kind: str  # card | abha_number | abha_address | member_id | mobile
    value: str


def parse_query(text: str) -> _Parsed:
    text = (text or "").strip()
    if not text:
        raise InvalidQuery(
            _(
                "Type a HIMCARE card number, an ABHA number or address, a Him Parivar"
                " member id or a mobile number."
            ),
            field="q",
        )
    if "@" in text:
        address = text.lower()
        if not _ABHA_ADDRESS.match(address):
            raise InvalidQuery(_("This is not a valid ABHA address (for example name.1990@abdm)."), field="q")
        return _Parsed("abha_address", address)
    compact = re.sub(r"[\s-]", "", text).upper()
    if _LOOKS_LIKE_CARD.match(compact):
        return _Parsed("card", normalise_card_number(text))
    if _NUMBER.match(text):
        number = parse_number(
            text,
            aadhaar_refusal=_(
                "Aadhaar numbers cannot be searched. Use the card number, ABHA, member id or mobile."
            ),
            not_a_number=_(
                "Enter a 10-digit mobile number, a 14-digit ABHA number or a HIMCARE card number."
            ),
        )
        return _Parsed(str(number.kind), number.value)
    upper = text.upper()
    if _MEMBER_ID.match(upper) and (_HIM_PARIVAR_MEMBER.match(upper) or any(c.isdigit() for c in upper)):
        return _Parsed("member_id", upper)
    raise InvalidQuery(
        _(
            "Type a HIMCARE card number, an ABHA number or address, a Him Parivar"
            " member id or a mobile number."
        ),
        field="q",
    )


# --- rate limit (the same fixed-window counter as the patient search, people/services.py) ----------------
VERIFY_RATE = "himcare:verify-rate"


def verify_rate_key(user: Any) -> str:
    return minute_key(VERIFY_RATE, user)


def _check_rate(user: Any) -> None:
    """SEC-24: at most HIMCARE_VERIFY_PER_MINUTE verifications per user and minute, and no more lookups once
    HIMCARE_VERIFY_FAILURES_PER_HOUR of them did not match in the hour."""
    limit = settings.HIMCARE_VERIFY_PER_MINUTE
    check_rate(VERIFY_RATE, user, limit, _("Too many searches. Please wait a minute and try again."))
    if window_count(VERIFY_FAILURES, user, HOUR) >= settings.HIMCARE_VERIFY_FAILURES_PER_HOUR:
        raise RateLimited(
            _(
                "Too many verifications did not match this hour. Please try again later, or ask a"
                " HIMCARE officer."
            ),
            field="q",
            code="verify_locked",
        )


# --- volume alerts ---------------------------------------------------------------------------------------
VERIFY_VOLUME = "himcare:verify-hour"
VERIFY_FAILURES = "himcare:verify-failures"
HOUR = 60 * 60
ALERT_ACTION = AuditAction.HIMCARE_VERIFY_ALERT


def _alert(actor: Any, reason: str, count: int) -> None:
    """Raise a verification alert once per user, reason and hour: an audit entry the officers list, and a
    log warning (no identifier, no personal data: the user, the reason and the count)."""
    logger.warning(
        "HIMCARE verification alert: user %s (%s) reached %s %s this hour",
        actor.pk,
        getattr(actor, "role", ""),
        count,
        reason,
    )
    record(
        ALERT_ACTION,
        object_type="accounts.User",
        object_id=actor.pk,
        purpose=AUDIT_PURPOSE,
        actor=actor,
        detail={"reason": reason, "count": count},
    )


def _count_lookup(actor: Any) -> None:
    count = count_in_window(VERIFY_VOLUME, actor, HOUR)
    if count == settings.HIMCARE_VERIFY_ALERT_PER_HOUR:
        _alert(actor, "verifications", count)


def _count_failure(actor: Any) -> None:
    count = count_in_window(VERIFY_FAILURES, actor, HOUR)
    if count == settings.HIMCARE_VERIFY_FAILURES_PER_HOUR:
        _alert(actor, "failures", count)


def recent_alerts(days: int = 7, limit: int = 50) -> list[dict[str, Any]]:
    """The verification alerts of the last `days`, newest first, for the HIMCARE officer's flag page."""
    from himswasthya.audit.models import AuditEntry

    since = timezone.now() - datetime.timedelta(days=days)
    rows = (
        AuditEntry.objects.filter(action=ALERT_ACTION, created_at__gte=since)
        .select_related("actor")
        .order_by("-created_at")[:limit]
    )
    reasons = {
        "verifications": _("verifications in an hour"),
        "failures": _("verifications that did not match in an hour"),
    }
    return [
        {
            "at": row.created_at,
            "user": row.actor.get_username() if row.actor else "",
            "role": row.actor_role,
            "count": row.detail.get("count"),
            "reason": reasons.get(row.detail.get("reason"), row.detail.get("reason")),
        }
        for row in rows
    ]


# --- the second fact --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _SecondFact:
    year: int | None = None
    name_words: tuple[str, ...] = ()


def parse_second_fact(text: str, today: datetime.date | None = None) -> _SecondFact:
    """A year of birth (4 digits) or a name in either script; SecondFactRequired when empty."""
    text = (text or "").strip()
    if not text:
        raise SecondFactRequired(
            _(
                "Enter a second fact: the year of birth or the name of any member of the family. The"
                " identifier alone shows nothing."
            ),
            field="second_fact",
        )
    if len(text) > 100:
        raise InvalidQuery(_("The second fact is too long (100 characters at most)."), field="second_fact")
    if any(c.isdigit() for c in text):
        today = today or timezone.localdate()
        if not re.fullmatch(r"[0-9]{4}", text) or not 1880 <= int(text) <= today.year:
            raise InvalidQuery(
                _("Type the year of birth as 4 digits (0-9), for example 1980, or type a name."),
                field="second_fact",
            )
        return _SecondFact(year=int(text))
    words = tuple(name_key(text).split())
    if not words:
        raise InvalidQuery(
            _("Type the year of birth as 4 digits (0-9), for example 1980, or type a name."),
            field="second_fact",
        )
    return _SecondFact(name_words=words)


def _name_matches(words: tuple[str, ...], name: str) -> bool:
    """The typed name starts with the member's given name and every typed word is one of the member's."""
    theirs = name_key(name or "").split()
    return bool(theirs) and words[0] == theirs[0] and all(w in theirs for w in words)


def _families_matching(fact: _SecondFact, family_ids: list[int]) -> set[int]:
    """The families (pks) among `family_ids` with a member of that year of birth or name: one query."""
    rows = Member.objects.filter(family_id__in=family_ids)
    if fact.year is not None:
        return set(rows.filter(year_of_birth=fact.year).values_list("family_id", flat=True))
    return {
        family_id
        for family_id, roman, deva in rows.values_list("family_id", "name_roman", "name_deva")
        if _name_matches(fact.name_words, roman) or (deva and _name_matches(fact.name_words, deva))
    }


# --- the lookups -------------------------------------------------------------------------------------
# Each lookup is one indexed query that brings the family and its district along (select_related), so that
# a verification makes: the lookup, the family's enrolments (with scheme year and wallet), the enrolled
# members, the cases with their claims and packages, and the audit entry.
_MEMBER_JOINS = ("family__district",)


def _enrolments_by_card(card: str) -> list[Enrolment]:
    """All the enrolments of the family holding this card (the card's own among them), in one query."""
    return list(
        Enrolment.objects.filter(family__himcare_enrolments__card_number=card).select_related(
            "family__district", "scheme_year", "wallet"
        )
    )


def _members_by_person_identifier(id_type: str, value: str) -> list[Member]:
    person_ids = PersonIdentifier.objects.filter(id_type=id_type, value=value).values("person_id")
    return list(Member.objects.filter(person_id__in=person_ids).select_related(*_MEMBER_JOINS))


def _members_by_member_id(value: str) -> list[Member]:
    members = list(Member.objects.filter(member_id=value).select_related(*_MEMBER_JOINS))
    if members:
        return members
    return _members_by_person_identifier(IdentifierType.HIM_PARIVAR_MEMBER, value)


def _members_by_mobile(mobile: str) -> list[Member]:
    """Members with this mobile in the register or on their person record: two indexed lookups (an OR across
    the join would scan the member table)."""
    found = {m.pk: m for m in Member.objects.filter(mobile=mobile).select_related(*_MEMBER_JOINS)}
    for member in Member.objects.filter(person__mobile=mobile).select_related(*_MEMBER_JOINS):
        found.setdefault(member.pk, member)
    return list(found.values())


def _family_enrolments(family_id: int) -> list[Enrolment]:
    return list(Enrolment.objects.filter(family_id=family_id).select_related("scheme_year", "wallet"))


def _pick_current(enrolments: list[Enrolment]) -> Enrolment | None:
    """The family's live enrolment (pending payment or active) if any, else its latest one."""
    newest_first = sorted(enrolments, key=lambda e: (e.created_at, e.pk), reverse=True)
    live = [e for e in newest_first if e.status in LIVE_STATUSES]
    if live:
        return live[0]
    return newest_first[0] if newest_first else None


def _current_enrolment(family_id: int, on_date: datetime.date) -> Enrolment | None:
    """The family's live enrolment (pending payment or active) if any, else its latest one."""
    return _pick_current(_family_enrolments(family_id))


def _no_cover(enrolment: Enrolment | None, on_date: datetime.date) -> tuple[str, str]:
    """("", "") when the enrolment gives cover on the date, else the reason code and a message with dates."""
    if enrolment is None:
        return "not_enrolled", str(_("This family is not enrolled in HIMCARE: no active cover."))
    dates = {
        "from": date_format(enrolment.valid_from) if enrolment.valid_from else "",
        "to": date_format(enrolment.valid_to) if enrolment.valid_to else "",
        "applied": date_format(timezone.localtime(enrolment.created_at).date()),
    }
    if enrolment.status == EnrolmentStatus.PENDING_PAYMENT:
        return "pending_payment", str(
            _("No active cover: the enrolment of %(applied)s is awaiting payment of the premium.") % dates
        )
    if enrolment.status == EnrolmentStatus.CANCELLED:
        when = enrolment.cancelled_at or enrolment.created_at
        return "cancelled", str(
            _("No active cover: the enrolment was cancelled on %(date)s (card valid %(from)s to %(to)s).")
            % {**dates, "date": date_format(timezone.localtime(when).date())}
        )
    if enrolment.status == EnrolmentStatus.EXPIRED or (enrolment.valid_to and enrolment.valid_to < on_date):
        return "expired", str(
            _("No active cover: the card expired on %(to)s (valid %(from)s to %(to)s). It can be renewed.")
            % dates
        )
    if enrolment.valid_from and enrolment.valid_from > on_date:
        return "not_yet_valid", str(
            _("No active cover yet: the card is valid from %(from)s to %(to)s.") % dates
        )
    return "", ""


_CASE_STATUS = dict(CaseStatus.choices)
_CLAIM_STATUS = dict(ClaimStatus.choices)


def _cases(family_id: int) -> list[CaseView]:
    """The family's latest cases with their hospital, patient, claim and packages: one query (a row per
    package of the MAX_CASES latest cases)."""
    latest = (
        Case.objects.filter(enrolment__family_id=family_id)
        .order_by("-raised_at", "-pk")
        .values("pk")[:MAX_CASES]
    )
    rows = (
        Case.objects.filter(pk__in=Subquery(latest))
        .order_by("-raised_at", "-pk", "packages__pk")
        .values_list(
            "pk",
            "case_no",
            "facility__name",
            "enrolled_member__member__name_roman",
            "status",
            "raised_at",
            "estimated_paise",
            "blocked_paise",
            "claim__pk",
            "claim__claim_no",
            "claim__status",
            "claim__claimed_paise",
            "claim__approved_paise",
            "packages__package__code",
            "packages__package__name",
            "packages__package__name_hi",
        )
    )
    views: dict[int, CaseView] = {}
    for (
        pk,
        case_no,
        hospital,
        patient,
        status,
        raised_at,
        estimated,
        blocked,
        claim_pk,
        claim_no,
        claim_status,
        claimed,
        approved,
        package_code,
        package_name,
        package_name_hi,
    ) in rows:
        view = views.get(pk)
        if view is None:
            view = views[pk] = CaseView(
                case_no=case_no,
                hospital=hospital,
                hospital_hi=hospital,
                patient=patient,
                packages=[],
                status=status,
                status_display=str(_CASE_STATUS.get(status, status)),
                raised_on=timezone.localtime(raised_at).date(),
                estimated_paise=estimated,
                blocked_paise=blocked,
                claim_no=claim_no if claim_pk else "",
                claim_status=claim_status if claim_pk else "",
                claim_status_display=str(_CLAIM_STATUS.get(claim_status, claim_status)) if claim_pk else "",
                claimed_paise=claimed if claim_pk else None,
                approved_paise=approved if claim_pk else None,
            )
        if package_code is not None:
            view.packages.append(f"{package_code} {package_name}")
            view.package_names.append(
                {"code": package_code, "name": package_name, "name_hi": package_name_hi}
            )
    return list(views.values())


def _family_view(
    kind: str, family: Family, enrolment: Enrolment | None, query_person_ids: set[int], on_date: datetime.date
) -> BeneficiaryView:
    view = BeneficiaryView(query_kind=kind, family_id=family.family_id, enrolment=enrolment)
    view.district = family.district.name if family.district_id else ""
    view.no_cover_reason, view.no_cover_message = _no_cover(enrolment, on_date)
    view.has_active_cover = enrolment is not None and not view.no_cover_reason
    if enrolment is None:
        return view
    view.card_number = enrolment.card_number or ""
    view.status = enrolment.status
    view.status_display = str(enrolment.get_status_display())
    view.category = enrolment.category
    view.category_display = str(enrolment.get_category_display())
    view.scheme_year = enrolment.scheme_year.code
    view.valid_from, view.valid_to = enrolment.valid_from, enrolment.valid_to
    wallet = getattr(enrolment, "wallet", None)
    if wallet is not None:
        view.cover_paise = wallet.cover_paise
        view.blocked_paise = wallet.blocked_paise
        view.consumed_paise = wallet.consumed_paise
        view.available_paise = wallet.available_paise
    else:
        view.cover_paise = enrolment.cover_paise
        view.available_paise = enrolment.cover_paise
    if not view.has_active_cover:
        view.available_paise = 0
    covered = (
        enrolment.members.select_related("member", "person")
        .only(
            "unit_no",
            "enrolment",
            "member__member_id",
            "member__name_roman",
            "member__name_deva",
            "member__sex",
            "person__date_of_birth",
            "person__year_of_birth",
        )
        .order_by("unit_no", "pk")
    )
    for em in covered:
        view.members.append(
            MemberView(
                enrolled_member_id=em.pk,
                member_id=em.member.member_id,
                person_id=em.person_id,
                name=em.member.name_roman,
                name_deva=em.member.name_deva,
                sex=em.member.sex,
                sex_display=str(em.member.get_sex_display()),
                age=em.person.age(on_date),
                unit_no=em.unit_no,
                is_query_person=em.person_id in query_person_ids,
            )
        )
    if query_person_ids and not any(m.is_query_person for m in view.members):
        view.person_not_covered = True
    view.cases = _cases(family.pk)
    return view


def _choices(families: list[Family], on_date: datetime.date) -> list[FamilyChoice]:
    choices = []
    for family in families[:MAX_CHOICES]:
        enrolment = _current_enrolment(family.pk, on_date)
        head = family.head or family.members.order_by("pk").first()
        choices.append(
            FamilyChoice(
                family_id=family.family_id,
                head_name=head.name_roman if head else "",
                district=family.district.display_name() if family.district_id else "",
                member_id=head.member_id if head else "",
                card_number=(enrolment.card_number or "") if enrolment else "",
                enrolment_status=enrolment.status if enrolment else "",
                enrolment_status_display=str(enrolment.get_status_display()) if enrolment else "",
            )
        )
    return choices


NO_MATCH_MESSAGE = _(
    "No beneficiary matches this identifier and second fact. Check both, or ask for another identifier."
)


def do_verify_beneficiary(
    *,
    actor: Any,
    query: str,
    second_fact: str = "",
    on_date: datetime.date | None = None,
) -> BeneficiaryView:
    """The enrolment, members, wallet and past cases of the family a card/ABHA/member id/mobile points to,
    once `second_fact` (a member's year of birth or name) matches that family.

    Without a second fact: SecondFactRequired, before any lookup. An unknown identifier and a wrong second
    fact are the same NotFound (and count toward the hourly failure limit). A mobile shared by several
    matching families returns `choices` (verify again with the chosen member id and the same fact).
    Refused for citizens and roles outside the hospital/scheme (403). Audited with the kind of identifier
    only."""
    require_role(actor, *VERIFY_ROLES)
    _check_rate(actor)
    on_date = on_date or timezone.localdate()
    parsed = parse_query(query)
    fact = parse_second_fact(second_fact)
    _count_lookup(actor)

    family: Family | None = None
    enrolment: Enrolment | None = None
    enrolments: list[Enrolment] | None = None
    query_person_ids: set[int] = set()
    families: list[Family] = []
    if parsed.kind == "card":
        enrolments = _enrolments_by_card(parsed.value)
        enrolment = next((e for e in enrolments if e.card_number == parsed.value), None)
        if enrolment is not None:
            families = [enrolment.family]
    else:
        if parsed.kind == "abha_number":
            members = _members_by_person_identifier(IdentifierType.ABHA_NUMBER, parsed.value)
        elif parsed.kind == "abha_address":
            members = _members_by_person_identifier(IdentifierType.ABHA_ADDRESS, parsed.value)
        elif parsed.kind == "member_id":
            members = _members_by_member_id(parsed.value)
        else:
            members = _members_by_mobile(parsed.value)
        query_person_ids = {m.person_id for m in members}
        by_id = {m.family_id: m.family for m in members}
        families = sorted(by_id.values(), key=lambda f: f.family_id)

    found = bool(families)
    if families:
        matching = _families_matching(fact, [f.pk for f in families])
        families = [f for f in families if f.pk in matching]
    if not families:
        # An unknown identifier and a wrong second fact look the same to the desk (no enumeration oracle);
        # the audit log tells them apart for the officers.
        _count_failure(actor)
        record(
            AuditAction.HIMCARE_VERIFY,
            object_type="himcare.Enrolment",
            purpose=AUDIT_PURPOSE,
            actor=actor,
            detail={"kind": parsed.kind, "result": "second_fact_mismatch" if found else "not_found"},
        )
        raise NotFound(NO_MATCH_MESSAGE, field="q")
    if len(families) == 1:
        family = families[0]
    else:
        view = BeneficiaryView(query_kind=parsed.kind, choices=_choices(families, on_date))
        record(
            AuditAction.HIMCARE_VERIFY,
            object_type="himcare.Enrolment",
            purpose=AUDIT_PURPOSE,
            actor=actor,
            detail={"kind": parsed.kind, "result": "choose_family", "families": len(families)},
        )
        return view

    # A card names its enrolment; when the family has renewed since (a live enrolment exists), the desk
    # sees the live one.
    current = _pick_current(enrolments if enrolments is not None else _family_enrolments(family.pk))
    if enrolment is None or (current is not None and current.status in LIVE_STATUSES):
        enrolment = current
    view = _family_view(parsed.kind, family, enrolment, query_person_ids, on_date)
    record(
        AuditAction.HIMCARE_VERIFY,
        object_type="himcare.Enrolment",
        object_id=enrolment.pk if enrolment else None,
        purpose=AUDIT_PURPOSE,
        actor=actor,
        detail={
            "kind": parsed.kind,
            "result": "active" if view.has_active_cover else (view.no_cover_reason or "no_cover"),
        },
    )
    return view


# --- the families this desk verified (issue #10 item 6) -------------------------------------------------
# In the user's session: {family pk: [user pk, when (POSIX seconds)]}. The user pk guards against a session
# that outlives its user; entries older than HIMCARE_VERIFIED_FAMILY_HOURS are dropped, and only the newest
# MAX_VERIFIED_FAMILIES are kept.
VERIFIED_FAMILIES_SESSION_KEY = "himcare_verified_families"
MAX_VERIFIED_FAMILIES = 100
VERIFY_FIRST_MESSAGE = _(
    "Verify this beneficiary first (card number and a second fact). A verification lasts %(hours)d hours"
    " and is yours only."
)


def _fresh_verifications(request: Any) -> dict[str, list[float]]:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return {}
    since = timezone.now().timestamp() - settings.HIMCARE_VERIFIED_FAMILY_HOURS * HOUR
    stored = session.get(VERIFIED_FAMILIES_SESSION_KEY) or {}
    return {
        family: entry
        for family, entry in stored.items()
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == user.pk and entry[1] >= since
    }


def remember_verified(request: Any, enrolment: Enrolment | None) -> None:
    """Note that this user has just verified this enrolment's family (identifier and second fact): the
    user may open cases for its members in this session for HIMCARE_VERIFIED_FAMILY_HOURS. Call only where
    a verification showed one family (not a choice of families); None does nothing."""
    if enrolment is None or getattr(request, "session", None) is None:
        return
    entries = _fresh_verifications(request)
    entries[str(enrolment.family_id)] = [request.user.pk, timezone.now().timestamp()]
    newest = sorted(entries.items(), key=lambda item: item[1][1], reverse=True)[:MAX_VERIFIED_FAMILIES]
    request.session[VERIFIED_FAMILIES_SESSION_KEY] = dict(newest)


def require_verified(
    request: Any, enrolled_member: EnrolledMember | None, *, field: str = "enrolled_member"
) -> EnrolledMember:
    """The member, or VerificationRequired (403) unless this user verified the member's family in this
    session within HIMCARE_VERIFIED_FAMILY_HOURS. A member that does not exist (None) gets the same refusal
    (no way to probe which ids exist)."""
    if enrolled_member is None or str(enrolled_member.enrolment.family_id) not in _fresh_verifications(
        request
    ):
        raise VerificationRequired(
            VERIFY_FIRST_MESSAGE % {"hours": settings.HIMCARE_VERIFIED_FAMILY_HOURS}, field=field
        )
    return enrolled_member
