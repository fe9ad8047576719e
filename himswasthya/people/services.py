"""Patient-index operations: search, profile reads, UHID, registration with duplicate check, merge and undo.

Every operation that touches personal data checks the role, scopes with accounts.scoping (SEC-26) and writes
an audit entry (SEC-29). Aggregate counts at the end are safe for any signed-in user.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import DISTRICT_ROLES, FACILITY_ROLES, STAFF_ROLES, Role
from himswasthya.accounts.scoping import (
    family_context,
    home_district_id,
    may_act_in_district,
    may_see,
    person_ids_in_family,
    require_role,
    scope_queryset,
)
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import Conflict, DomainError, Forbidden, NotFound
from himswasthya.core.ratelimit import check_rate, minute_key
from himswasthya.core.validators import normalise_mobile
from himswasthya.people import uhid as uhids
from himswasthya.people.models import (
    GuardianRelation,
    GuardianVerification,
    IdentifierType,
    MinorBasis,
    Person,
    PersonGuardian,
    PersonIdentifier,
    PersonMerge,
    UhidCounter,
)
from himswasthya.people.phonetic import devanagari_to_roman, has_devanagari, name_key, roman_to_devanagari
from himswasthya.people.search import NameFilters, ParsedQuery, QueryKind, name_score, parse_query, rank_names
from himswasthya.places.models import GramPanchayat

SEARCH_ROLES = tuple(STAFF_ROLES)
REGISTER_ROLES = (*FACILITY_ROLES, *DISTRICT_ROLES, Role.STATE_ADMIN)
SUPERVISOR_ROLES = (Role.FACILITY_ADMIN, Role.STATE_ADMIN)

# SEC-1: why a member of staff looks a person up. The code goes into the audit entry.
PURPOSES = {
    "opd_registration": _("OPD registration"),
    "treatment": _("Treatment"),
    "himcare_enrolment": _("HIMCARE enrolment"),
    "data_quality": _("Correcting duplicate records"),
}
DEFAULT_PURPOSE = "opd_registration"
SEARCH_LIMIT = 20
DUPLICATE_MIN_SCORE = 75.0


def _clean_purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise DomainError(
            _("Choose why you are looking this person up."), field="purpose", code="purpose_invalid"
        )
    return purpose


def _audit_person(
    action: AuditAction, person: Person, actor: Any, purpose: str, detail: dict[str, Any] | None = None
) -> None:
    """The audit entry (SEC-29) of an operation on one person, in the person's district."""
    record(
        action,
        object_type="people.Person",
        object_id=person.pk,
        actor=actor,
        purpose=purpose,
        district_id=person.district_id,
        detail=detail,
    )


def visible_people(user: Any) -> QuerySet[Person]:
    """The people `user` may see; citizens and unknown roles are refused (403) before any query."""
    require_role(user, *SEARCH_ROLES)
    return scope_queryset(user, Person.objects.all())


# --- search ------------------------------------------------------------------------------------------
SEARCH_RATE = "people:search-rate"


def search_rate_key(user: Any) -> str:
    return minute_key(SEARCH_RATE, user)


def _check_search_rate(user: Any) -> None:
    """SEC-24: at most PEOPLE_SEARCH_PER_MINUTE searches per user and minute (a fixed window in the cache)."""
    limit = settings.PEOPLE_SEARCH_PER_MINUTE
    check_rate(SEARCH_RATE, user, limit, _("Too many searches. Please wait a minute and try again."))


@dataclass
class SearchHit:
    person: Person
    score: float
    matched_by: str
    family_id: str = ""
    relation: str = ""
    relation_label: str = ""


@dataclass
class SearchResult:
    kind: str
    hits: list[SearchHit] = field(default_factory=list)


def _with_context(people: Iterable[Person]) -> dict[int, Person]:
    """People by pk, each with `family_id` and `relation` from the family register (accounts.scoping asks it:
    people may not look at the register's relations): one more query for a page of results."""
    persons = {p.pk: p for p in people}
    context = family_context(persons)
    for pk, person in persons.items():
        family = context.get(pk)
        person.family_id = family.family_id if family else ""  # type: ignore[attr-defined]
        person.relation = family.relation if family else ""  # type: ignore[attr-defined]
        person.relation_label = family.relation_label if family else ""  # type: ignore[attr-defined]
    return persons


def _identifier_matches(people: QuerySet[Person], parsed: ParsedQuery) -> QuerySet[Person]:
    kind = parsed.kind
    if kind == QueryKind.MOBILE:
        return people.filter(mobile=parsed.value)
    if kind == QueryKind.FAMILY_ID:
        return people.filter(pk__in=person_ids_in_family(parsed.value))
    id_type = {
        QueryKind.ABHA_NUMBER: IdentifierType.ABHA_NUMBER,
        QueryKind.ABHA_ADDRESS: IdentifierType.ABHA_ADDRESS,
        QueryKind.UHID: IdentifierType.UHID,
        QueryKind.MEMBER_ID: IdentifierType.HIM_PARIVAR_MEMBER,
    }[kind]
    ids = PersonIdentifier.objects.filter(id_type=id_type, value=parsed.value).values("person_id")
    return people.filter(pk__in=ids)


def do_search(
    user: Any,
    query: str,
    *,
    age: int | None = None,
    sex: str | None = None,
    district: int | None = None,
    gram_panchayat: int | None = None,
    limit: int = SEARCH_LIMIT,
    purpose: str = DEFAULT_PURPOSE,
) -> SearchResult:
    """One search box: identifiers are looked up exactly, names ranked fuzzily in both scripts.

    The audit entry keeps the kind of query and the filters used, never the query text (it may hold an
    identifier or a name)."""
    people = visible_people(user)
    purpose = _clean_purpose(purpose)
    _check_search_rate(user)
    if age is not None and not 0 <= age <= 130:
        raise DomainError(_("Age must be between 0 and 130."), field="age")
    if sex and sex not in ("M", "F", "O"):
        raise DomainError(_("Choose the sex."), field="sex")
    limit = max(1, min(limit, 100))
    parsed = parse_query(query)
    filters = NameFilters.for_age(
        age, timezone.localdate(), sex=sex or None, district_id=district, gram_panchayat_id=gram_panchayat
    )
    if parsed.is_name:
        ranked = rank_names(people, parsed.value, limit, filters)
        page = Person.objects.filter(pk__in=[pk for pk, _s in ranked])
        persons = _with_context(page.select_related("district", "gram_panchayat"))
    else:
        # The identifiers of a merged-away person were moved to the survivor, who is found instead.
        matches = _identifier_matches(people.filter(filters.q()), parsed).order_by("pk")[:limit]
        persons = _with_context(matches.select_related("district", "gram_panchayat"))
        ranked = [(pk, 100.0) for pk in persons]
    kind = str(parsed.kind)
    hits = [
        SearchHit(
            person, score, kind, person.family_id or "", person.relation or "", person.relation_label or ""
        )
        for pk, score in ranked
        if (person := persons.get(pk)) is not None
    ]
    record(
        AuditAction.PERSON_SEARCH,
        object_type="people.Person",
        actor=user,
        purpose=purpose,
        detail={"kind": str(parsed.kind), "filters": filters.used(), "results": len(hits)},
    )
    return SearchResult(str(parsed.kind), hits)


def do_read_person(user: Any, person_id: int, *, purpose: str = DEFAULT_PURPOSE) -> Person:
    """One person with their identifiers; out of scope is "not found" (no IDOR). Audited with the purpose."""
    people = visible_people(user)
    purpose = _clean_purpose(purpose)
    try:
        person = (
            people.select_related("district", "gram_panchayat", "merged_into")
            .prefetch_related("identifiers")
            .get(pk=person_id)
        )
    except Person.DoesNotExist as exc:
        raise NotFound(_("No person with this id in your area."), field="person_id") from exc
    _audit_person(AuditAction.PERSON_READ, person, user, purpose)
    return person


def lookup_uhid(user: Any, text: str, *, purpose: str = DEFAULT_PURPOSE) -> Person:
    """The person holding a UHID; a mistyped UHID is refused with the reason (check character)."""
    value = uhids.normalise_uhid(text)
    people = visible_people(user)
    ids = PersonIdentifier.objects.filter(id_type=IdentifierType.UHID, value=value).values("person_id")
    person = people.filter(pk__in=ids).first()
    if person is None:
        raise NotFound(_("No person with this UHID in your area."), field="uhid")
    return do_read_person(user, person.pk, purpose=purpose)


# --- UHID ---------------------------------------------------------------------------------------------
def state_uhid(person: Person) -> str | None:
    return (
        PersonIdentifier.objects.filter(
            person=person, id_type=IdentifierType.UHID, issuer=uhids.ISSUER, source=uhids.SOURCE_ISSUED
        )
        .values_list("value", flat=True)
        .first()
    )


def do_issue_uhid(person: Person, *, actor: Any = None) -> str:
    """The person's state UHID, issued now if they have none. Idempotent and safe under concurrency:
    the person row is locked first (two clerks issuing for one person get one UHID), then the district's
    counter row (two people never get one number)."""
    with transaction.atomic():
        locked = Person.objects.select_for_update().select_related("district").get(pk=person.pk)
        if locked.merged_into_id:
            raise Conflict(
                _("This person was merged into another record; issue the UHID there."), code="person_merged"
            )
        existing = state_uhid(locked)
        if existing:
            return existing
        code = locked.district.lgd_code
        UhidCounter.objects.get_or_create(district_code=code)
        counter = UhidCounter.objects.select_for_update().get(district_code=code)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        value = uhids.format_uhid(code, counter.last_number)
        PersonIdentifier.objects.create(
            person=locked,
            id_type=IdentifierType.UHID,
            value=value,
            issuer=uhids.ISSUER,
            verified=True,
            source=uhids.SOURCE_ISSUED,
            since=timezone.localdate(),
        )
        _audit_person(AuditAction.PERSON_UHID_ISSUE, locked, actor, "opd_registration")
        return value


def do_issue_uhid_for(user: Any, person_id: int) -> str:
    """API/page entry: the person must be in the user's scope."""
    require_role(user, *REGISTER_ROLES)
    person = visible_people(user).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No person with this id in your area."), field="person_id")
    return do_issue_uhid(person, actor=user)


# --- registration and duplicates -------------------------------------------------------------------
@dataclass
class NewPerson:
    """The minimal fields a clerk types at the registration desk."""

    name_roman: str = ""
    name_deva: str = ""
    sex: str = ""
    date_of_birth: datetime.date | None = None
    year_of_birth: int | None = None
    mobile: str | None = None
    gram_panchayat_id: int | None = None


@dataclass
class DuplicateCandidate:
    person: Person
    score: float
    reasons: list[str]


class PossibleDuplicates(Conflict):
    """Raised by do_register_person when likely matches exist and the clerk has not confirmed "none"."""

    code = "possible_duplicates"

    def __init__(self, candidates: list[DuplicateCandidate]):
        super().__init__(
            _("This person may already be registered. Check the matches, or confirm it is someone new."),
            field="confirm_new",
        )
        self.candidates = candidates


def _clean_new_person(fields: NewPerson) -> NewPerson:
    roman, deva = (fields.name_roman or "").strip(), (fields.name_deva or "").strip()
    if has_devanagari(roman) and not deva:
        roman, deva = "", roman
    if not roman and not deva:
        raise DomainError(_("Enter the name in Roman or Devanagari letters."), field="name_roman")
    if deva and not has_devanagari(deva):
        raise DomainError(_("The Devanagari name must be written in Devanagari."), field="name_deva")
    if fields.sex not in ("M", "F", "O"):
        raise DomainError(_("Choose the sex."), field="sex")
    year = fields.date_of_birth.year if fields.date_of_birth else fields.year_of_birth
    this_year = timezone.localdate().year
    if year is None or not this_year - 130 <= year <= this_year:
        raise DomainError(_("Enter the date of birth or the year of birth."), field="year_of_birth")
    if fields.date_of_birth and fields.date_of_birth > timezone.localdate():
        raise DomainError(_("The date of birth is in the future."), field="date_of_birth")
    mobile = None
    if fields.mobile:
        try:
            mobile = normalise_mobile(fields.mobile)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="mobile") from exc
    return NewPerson(roman, deva, fields.sex, fields.date_of_birth, year, mobile, fields.gram_panchayat_id)


def find_likely_duplicates(user: Any, fields: NewPerson, *, limit: int = 10) -> list[DuplicateCandidate]:
    """People in the user's scope who are probably this new person: similar name (either script), same sex,
    year of birth within 2; same mobile or gram panchayat raise the score."""
    fields = _clean_new_person(fields)
    key = name_key(fields.name_roman or fields.name_deva)
    year = fields.year_of_birth
    filters = NameFilters(sex=fields.sex, born_from=year - 2, born_to=year + 2)
    scoped = visible_people(user)
    people = scoped.filter(filters.q())
    scores = dict(rank_names(scoped, key, 50, filters))
    if fields.mobile:
        for pk in people.filter(mobile=fields.mobile).values_list("pk", flat=True)[:20]:
            scores.setdefault(pk, 0.0)
    persons = people.in_bulk(list(scores))
    candidates = []
    for pk, person in persons.items():
        name = max(scores[pk], name_score(key, person.name_key, person.name_deva_key))
        score, reasons = name, [str(_("similar name"))] if name >= DUPLICATE_MIN_SCORE else []
        if fields.mobile and person.mobile == fields.mobile:
            score += 15
            reasons.append(str(_("same mobile")))
        if fields.gram_panchayat_id and person.gram_panchayat_id == fields.gram_panchayat_id:
            score += 5
            reasons.append(str(_("same gram panchayat")))
        if person.year_of_birth == fields.year_of_birth:
            score += 5
            reasons.append(str(_("same year of birth")))
        if name >= DUPLICATE_MIN_SCORE or (fields.mobile and person.mobile == fields.mobile and name >= 50):
            candidates.append(DuplicateCandidate(person, min(round(score, 1), 100.0), reasons))
    candidates.sort(key=lambda c: (-c.score, c.person.pk))
    return candidates[:limit]


def _district_for_registration(user: Any, gram_panchayat: GramPanchayat | None) -> int:
    if gram_panchayat is not None:
        return gram_panchayat.district_id
    if own := home_district_id(user):
        return own
    raise DomainError(_("Choose the gram panchayat."), field="gram_panchayat")


# --- children (SEC-5) --------------------------------------------------------------------------------------
ADULT_AGE = 18
# DPDP Fourth Schedule: a clinical establishment or health professional may process a child's data without a
# guardian's consent, only as far as needed to give the child health services.
MINOR_EXEMPT_PURPOSES = {"treatment": MinorBasis.HEALTH_SERVICES}
MINOR_NEEDS_GUARDIAN = _("A child under 18 can be registered only through a verified parent or guardian.")


@dataclass
class NewGuardian:
    """The adult, already registered, who registers a child: their person id and how they are related."""

    guardian_person_id: int | None = None
    relation: str = ""


def age_on(fields: NewPerson, on: datetime.date) -> int:
    """Completed years, as Person.age(): from the year of birth alone when the date is unknown."""
    if fields.date_of_birth:
        dob = fields.date_of_birth
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    return on.year - (fields.year_of_birth or on.year)


@dataclass
class GuardianCheck:
    guardian: Person | None
    relation: str
    verified_by: str
    basis: str


def _verified_guardian(user: Any, guardian: NewGuardian) -> GuardianCheck:
    """The guardian must be an adult in the user's scope whose identity we hold: a Him Parivar member id or a
    verified ABHA number on their record."""
    if not guardian.guardian_person_id:
        raise DomainError(MINOR_NEEDS_GUARDIAN, field="guardian", code="guardian_required")
    if guardian.relation not in GuardianRelation.values:
        raise DomainError(
            _("Choose how the parent or guardian is related to the child."),
            field="guardian_relation",
            code="guardian_relation_invalid",
        )
    person = visible_people(user).filter(pk=guardian.guardian_person_id, merged_into__isnull=True).first()
    if person is None:
        raise DomainError(
            _("No registered person with this id in your area can act as the guardian."),
            field="guardian",
            code="guardian_not_found",
        )
    if person.age() < ADULT_AGE:
        raise DomainError(
            _("The parent or guardian must be an adult (18 or older)."),
            field="guardian",
            code="guardian_minor",
        )
    held = set(
        person.identifiers.filter(
            verified=True, id_type__in=[IdentifierType.HIM_PARIVAR_MEMBER, IdentifierType.ABHA_NUMBER]
        ).values_list("id_type", flat=True)
    )
    if IdentifierType.HIM_PARIVAR_MEMBER in held:
        verified_by = GuardianVerification.HIM_PARIVAR_MEMBER
    elif IdentifierType.ABHA_NUMBER in held:
        verified_by = GuardianVerification.ABHA
    else:
        raise DomainError(
            _(
                "The guardian's identity is not verified: their record needs a Him Parivar member id "
                "or a verified ABHA number."
            ),
            field="guardian",
            code="guardian_unverified",
        )
    return GuardianCheck(person, guardian.relation, verified_by, MinorBasis.GUARDIAN_CONSENT)


def check_minor(
    user: Any, fields: NewPerson, guardian: NewGuardian | None, purpose: str
) -> GuardianCheck | None:
    """None for an adult. For a child: the verified guardian, or the Fourth Schedule exemption when facility
    staff register the child for treatment and name no guardian. Otherwise refused (field `guardian`)."""
    if age_on(fields, timezone.localdate()) >= ADULT_AGE:
        return None
    if guardian and guardian.guardian_person_id:
        return _verified_guardian(user, guardian)
    if purpose in MINOR_EXEMPT_PURPOSES and user.role in FACILITY_ROLES:
        return GuardianCheck(None, "", GuardianVerification.NONE, MINOR_EXEMPT_PURPOSES[purpose])
    raise DomainError(MINOR_NEEDS_GUARDIAN, field="guardian", code="guardian_required")


def _record_guardian(user: Any, person: Person, check: GuardianCheck, purpose: str) -> PersonGuardian:
    link = PersonGuardian.objects.create(
        child=person,
        guardian=check.guardian,
        relation=check.relation,
        verified_by=check.verified_by,
        verified_at=timezone.now() if check.guardian is not None else None,
        basis=check.basis,
        purpose=purpose,
        recorded_by=user,
    )
    _audit_person(
        AuditAction.PERSON_GUARDIAN_LINK,
        person,
        user,
        purpose,
        {
            "guardian": check.guardian.pk if check.guardian else None,
            "basis": str(check.basis),
            "verified_by": str(check.verified_by),
        },
    )
    return link


def do_register_person(
    user: Any,
    fields: NewPerson,
    *,
    confirm_new: bool = False,
    guardian: NewGuardian | None = None,
    purpose: str = DEFAULT_PURPOSE,
) -> Person:
    """Register a new person after the duplicate check. Likely matches raise PossibleDuplicates unless the
    clerk confirmed "none of these" (`confirm_new`). A name given in one script only gets the other one by
    transliteration, marked machine-made. A child under 18 needs a verified guardian (SEC-5: check_minor)."""
    require_role(user, *REGISTER_ROLES)
    purpose = _clean_purpose(purpose)
    fields = _clean_new_person(fields)
    gram_panchayat = None
    if fields.gram_panchayat_id:
        gram_panchayat = GramPanchayat.objects.filter(pk=fields.gram_panchayat_id).first()
        if gram_panchayat is None:
            raise DomainError(_("Unknown gram panchayat."), field="gram_panchayat")
    district_id = _district_for_registration(user, gram_panchayat)
    if not may_act_in_district(user, district_id):
        raise Forbidden(_("You can only register people of your own district."))
    minor = check_minor(user, fields, guardian, purpose)
    if not confirm_new:
        candidates = find_likely_duplicates(user, fields)
        if candidates:
            raise PossibleDuplicates(candidates)
    roman, deva = fields.name_roman, fields.name_deva
    roman_machine = deva_machine = False
    if not roman:
        roman, roman_machine = devanagari_to_roman(deva).title(), True
    if not deva:
        deva, deva_machine = roman_to_devanagari(roman), True
    given, _sep, family = roman.partition(" ")
    with transaction.atomic():
        person = Person.objects.create(
            given_name=given[:100],
            family_name=family[:100],
            name_roman=roman[:200],
            name_deva=deva[:200],
            name_roman_machine=roman_machine,
            name_deva_machine=deva_machine,
            sex=fields.sex,
            date_of_birth=fields.date_of_birth,
            year_of_birth=fields.year_of_birth,
            mobile=fields.mobile,
            gram_panchayat=gram_panchayat,
            district_id=district_id,
        )
        _audit_person(
            AuditAction.PERSON_CREATE,
            person,
            user,
            purpose,
            {"confirmed_new": confirm_new, "minor": minor is not None},
        )
        if minor is not None:
            _record_guardian(user, person, minor, purpose)
    return person


# --- merge and undo ------------------------------------------------------------------------------------
class MergeRefused(Conflict):
    code = "merge_refused"


def _linked_relations() -> list[Any]:
    """Every relation from another model to Person (found through Django's metadata, so apps added later
    are covered), except the merge bookkeeping itself."""
    return [rel for rel in Person._meta.related_objects if rel.related_model not in (PersonMerge, Person)]


def _lock_pair(first_id: int, second_id: int) -> tuple[Person, Person]:
    # Always lock in id order, so two supervisors merging the same pair cannot deadlock.
    locked = Person.objects.select_for_update().in_bulk(sorted([first_id, second_id]))
    return locked[first_id], locked[second_id]


def _move_links(survivor: Person, duplicate: Person) -> list[dict[str, Any]]:
    moved = []
    for rel in _linked_relations():
        model = rel.related_model
        if rel.many_to_many:
            if model._base_manager.filter(**{rel.field.name: duplicate}).exists():
                raise MergeRefused(
                    _("The duplicate has links this tool cannot move (%(model)s).")
                    % {"model": model._meta.verbose_name}
                )
            continue
        name = rel.field.name
        rows = model._base_manager.filter(**{name: duplicate})
        pks = [str(pk) for pk in rows.values_list("pk", flat=True)]
        if not pks:
            continue
        if rel.one_to_one and model._base_manager.filter(**{name: survivor}).exists():
            raise MergeRefused(
                _("Both people have a %(model)s record; resolve that first (only one can be kept).")
                % {"model": model._meta.verbose_name}
            )
        try:
            with transaction.atomic():
                rows.update(**{name: survivor})
        except IntegrityError as exc:
            raise MergeRefused(
                _("Moving the %(model)s records would break a rule of that record.")
                % {"model": model._meta.verbose_name}
            ) from exc
        moved.append({"model": model._meta.label, "field": name, "pks": pks})
    return moved


def do_merge_persons(survivor: Person, duplicate: Person, actor: Any, reason: str) -> PersonMerge:
    """Merge `duplicate` into `survivor`: every identifier and every linked record moves to the survivor in
    one transaction; the duplicate is kept, marked `merged_into`. PersonMerge's snapshot allows an undo."""
    require_role(actor, *SUPERVISOR_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the merge."), field="reason")
    if survivor.pk == duplicate.pk:
        raise MergeRefused(_("A person cannot be merged into themselves."), field="duplicate")
    with transaction.atomic():
        survivor, duplicate = _lock_pair(survivor.pk, duplicate.pk)
        if not (may_see(actor, survivor) and may_see(actor, duplicate)):
            raise NotFound(_("No person with this id in your area."), field="person_id")
        if duplicate.merged_into_id or survivor.merged_into_id:
            raise MergeRefused(
                _("One of these people was already merged into another record."), field="duplicate"
            )
        demoted = []
        if state_uhid(survivor):
            # The survivor keeps its UHID; the duplicate's still finds the survivor, as a merged alias.
            demoted = [
                str(pk)
                for pk in PersonIdentifier.objects.filter(
                    person=duplicate,
                    id_type=IdentifierType.UHID,
                    issuer=uhids.ISSUER,
                    source=uhids.SOURCE_ISSUED,
                ).values_list("pk", flat=True)
            ]
            PersonIdentifier.objects.filter(pk__in=demoted).update(source=uhids.SOURCE_MERGED)
        moved = _move_links(survivor, duplicate)
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["merged_into"])
        merge = PersonMerge.objects.create(
            survivor=survivor,
            duplicate=duplicate,
            actor=actor,
            reason=reason[:300],
            snapshot={"moved": moved, "uhid_demoted": demoted},
        )
        counts = {item["model"]: len(item["pks"]) for item in moved}
        for person, role in ((survivor, "survivor"), (duplicate, "duplicate")):
            _audit_person(
                AuditAction.PERSON_MERGE,
                person,
                actor,
                "data_quality",
                {"merge": merge.pk, "as": role, "moved": counts},
            )
    return merge


def do_undo_merge(merge: PersonMerge, actor: Any) -> PersonMerge:
    """Put back every record the merge moved, and make the duplicate a person of its own again."""
    require_role(actor, *SUPERVISOR_ROLES)
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at:
            raise Conflict(_("This merge was already undone."), code="merge_undone")
        survivor, duplicate = _lock_pair(merge.survivor_id, merge.duplicate_id)
        if not (may_see(actor, survivor) and may_see(actor, duplicate)):
            raise NotFound(_("No merge with this id in your area."), field="merge_id")
        if survivor.merged_into_id:
            raise Conflict(
                _("The surviving person was merged again since; undo that merge first."), code="merge_stacked"
            )
        for item in merge.snapshot.get("moved", []):
            model = apps.get_model(item["model"])
            model._base_manager.filter(pk__in=item["pks"], **{item["field"]: survivor}).update(
                **{item["field"]: duplicate}
            )
        PersonIdentifier.objects.filter(pk__in=merge.snapshot.get("uhid_demoted", [])).update(
            source=uhids.SOURCE_ISSUED
        )
        duplicate.merged_into = None
        duplicate.save(update_fields=["merged_into"])
        merge.undone_at = timezone.now()
        merge.undone_by = actor
        merge.save(update_fields=["undone_at", "undone_by"])
        for person, role in ((survivor, "survivor"), (duplicate, "duplicate")):
            _audit_person(
                AuditAction.PERSON_MERGE_UNDO, person, actor, "data_quality", {"merge": merge.pk, "as": role}
            )
    return merge


def merges_visible_to(user: Any) -> QuerySet[PersonMerge]:
    require_role(user, *SUPERVISOR_ROLES)
    return scope_queryset(user, PersonMerge.objects.select_related("survivor", "duplicate", "actor"))


def get_merge_for(user: Any, merge_id: int) -> PersonMerge:
    merge = merges_visible_to(user).filter(pk=merge_id).first()
    if merge is None:
        raise NotFound(_("No merge with this id in your area."), field="merge_id")
    return merge


def get_person_for(user: Any, person_id: int) -> Person:
    person = visible_people(user).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No person with this id in your area."), field="person_id")
    return person


# --- aggregate counts --------------------------------------------------------------------------------------

# SEC-4 (our choice): counts below this are suppressed so that no one can be singled out.
SMALL_CELL = 5


def _suppress(count: int) -> int | None:
    return count if count >= SMALL_CELL else None


def people_stats(today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per district: people, by sex, children and elderly, ABHA holders. Cells under 5 come back as None."""
    year = (today or datetime.date.today()).year
    rows = (
        Person.objects.values("district_id", "district__name", "district__name_hi")
        .annotate(
            people=Count("id"),
            female=Count("id", filter=Q(sex="F")),
            male=Count("id", filter=Q(sex="M")),
            other=Count("id", filter=Q(sex="O")),
            children=Count("id", filter=Q(year_of_birth__gt=year - 15)),
            elderly=Count("id", filter=Q(year_of_birth__lte=year - 60)),
        )
        .order_by("district__name")
    )
    abha = dict(
        PersonIdentifier.objects.filter(id_type=IdentifierType.ABHA_NUMBER)
        .values("person__district_id")
        .annotate(n=Count("id"))
        .values_list("person__district_id", "n")
    )
    stats = []
    for row in rows:
        counts = {k: row[k] for k in ("people", "female", "male", "other", "children", "elderly")}
        counts["with_abha"] = abha.get(row["district_id"], 0)
        stats.append(
            {
                "district_id": row["district_id"],
                "district": row["district__name"],
                "district_hi": row["district__name_hi"],
                **{k: _suppress(v) for k, v in counts.items()},
            }
        )
    return stats
