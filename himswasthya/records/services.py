"""The doctor's consultation record: open an encounter, save its draft, sign it, correct it, read history.

Each operation takes the acting user first, runs in one transaction and writes its audit entry; every read of
a record is audited too. Who may see which encounter is `accounts.scoping` (the encounter's facility and the
officer of its district; the patient's family, living members only); citizens are shown signed records only.
A draft is checked whole before anything is written: a bad value raises a `RecordError` naming its field
("vitals.spo2", "diagnoses[0].code", "prescriptions[1].dose") and nothing is saved.

An admission (kind "admission") also records its admission time, the procedures done and, at the end of the
stay, a discharge summary (`DischargeSummary`); its diagnoses are the discharge diagnoses. HIMCARE keeps the
admission record of a case under the source "himcare:<case number>" (`HIMCARE_SOURCE`): the scheme's hospital
desk writes it, and the claims officers read the signed versions.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import Role, User
from himswasthya.accounts.scoping import (
    contact_mobile,
    family_context,
    get_scoped_or_not_found,
    may_act_at,
    may_see,
    require_role,
    scope_queryset,
)
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.codelists.models import Icd10Code, Medicine
from himswasthya.core.errors import Conflict, DomainError, NotFound
from himswasthya.core.ratelimit import check_rate
from himswasthya.facilities.models import Department, Facility
from himswasthya.notify.outbox import queue_sms
from himswasthya.people.models import Person, PersonIdentifier
from himswasthya.people.services import SEARCH_RATE
from himswasthya.records.models import (
    HIMCARE_SOURCE,
    VITAL_RANGES,
    Allergy,
    Diagnosis,
    DischargeCondition,
    DischargeSummary,
    Encounter,
    EncounterKind,
    EncounterStatus,
    PrescriptionLine,
    Procedure,
    Route,
    Vitals,
)

# Who writes records, by kind, at their own facility (`may_act_at`): the doctors and the administrator write
# every kind; the HIMCARE hospital desk (scheme desk) writes admission records only. RECORD_ROLES is anyone
# who writes some kind.
WRITERS: Mapping[str, tuple[str, ...]] = {
    EncounterKind.OPD: (Role.DOCTOR, Role.FACILITY_ADMIN),
    EncounterKind.ADMISSION: (Role.DOCTOR, Role.FACILITY_ADMIN, Role.SCHEME_DESK),
}
RECORD_ROLES = (Role.DOCTOR, Role.FACILITY_ADMIN, Role.SCHEME_DESK)
# Who reads them, beyond scoping's answer (visible_encounters): the writers (the desk: admissions only), the
# patient's family (signed records only) and, for claims adjudication, the HIMCARE officer and the state
# administrator (signed admission records of HIMCARE cases only).
CLAIM_READER_ROLES = (Role.HIMCARE_OFFICER, Role.STATE_ADMIN)
READ_ROLES = (*RECORD_ROLES, Role.CITIZEN, *CLAIM_READER_ROLES)
# Who reads a patient's demographics and finds them by identifier alongside their records (the FHIR API): the
# clinical readers - the doctors and administrator of the facility's district, the patient's family.
PATIENT_READ_ROLES = (Role.DOCTOR, Role.FACILITY_ADMIN, Role.CITIZEN)
PURPOSE = "treatment"
NOTE_FIELDS = ("chief_complaints", "examination_notes", "investigations_advised", "advice")
NOTE_MAX_LENGTH = 4000
MAX_DURATION_DAYS = 365
DECIMAL_VITALS = frozenset({"temperature_c", "weight_kg", "height_cm"})


class RecordError(DomainError):
    code = "record_invalid"


class UnknownCode(RecordError):
    code = "icd10_unknown"


class NotCodable(RecordError):
    code = "icd10_not_codable"


class ImplausibleVital(RecordError):
    code = "vital_implausible"


class IncompletePrescription(RecordError):
    code = "prescription_incomplete"


class UnknownMedicine(RecordError):
    code = "medicine_unknown"


class OutsideStay(RecordError):
    code = "procedure_outside_stay"


class DischargeBeforeAdmission(RecordError):
    code = "discharge_before_admission"


class AdmissionOnly(RecordError):
    code = "admission_only"


class RecordSigned(Conflict):
    code = "record_signed"


class RecordNotSigned(Conflict):
    code = "record_not_signed"


def _audit(
    action: AuditAction, user: User, encounter: Encounter, purpose: str = PURPOSE, **detail: Any
) -> None:
    record(
        action,
        object_type="records.Encounter",
        object_id=encounter.pk,
        purpose=purpose,
        actor=user,
        facility_id=encounter.facility_id,
        detail=detail or None,
    )


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


# --- reading --------------------------------------------------------------------------------------------


def visible_encounters(user: User) -> QuerySet[Encounter]:
    """The encounters `user` may read: scoping's answer (the facility's staff, the patient's family, the
    district-narrowed HIMCARE officer), then by role: signed ones only for citizens, admissions only for the
    hospital desk, signed admission records of HIMCARE cases only for the claims officers."""
    require_role(user, *READ_ROLES)
    qs = scope_queryset(user, Encounter.objects.all())
    if user.role == Role.CITIZEN:
        qs = qs.filter(status=EncounterStatus.SIGNED)
    if user.role not in WRITERS[EncounterKind.OPD] and user.role in RECORD_ROLES:
        qs = qs.filter(kind__in=[k for k, roles in WRITERS.items() if user.role in roles])
    if user.role in CLAIM_READER_ROLES:
        qs = qs.filter(
            kind=EncounterKind.ADMISSION,
            status=EncounterStatus.SIGNED,
            source_ref__startswith=HIMCARE_SOURCE,
        )
    return qs


def with_parts(qs: QuerySet[Encounter]) -> QuerySet[Encounter]:
    """The encounters with all a page, the API or a document shows of them, in a fixed number of queries."""
    return qs.select_related(
        "person", "facility", "department", "vitals", "practitioner", "discharge_summary"
    ).prefetch_related("diagnoses__icd10", "prescriptions__medicine", "allergies", "procedures")


def get_encounter(
    user: User,
    encounter_id: int,
    *,
    purpose: str = PURPOSE,
    action: AuditAction = AuditAction.ENCOUNTER_READ,
    via: str = "",
) -> Encounter:
    """One encounter with its parts, as `user` may see it (NotFound otherwise); the read is audited with
    `purpose` (e.g. "himcare_claims" when a claims officer reads an admission record), `action`
    (ENCOUNTER_PDF for the document's download) and `via` (the channel, e.g. "fhir", noted in the entry)."""
    encounter = get_scoped_or_not_found(
        user, with_parts(visible_encounters(user)).prefetch_related("person__identifiers"), pk=encounter_id
    )
    _audit(action, user, encounter, purpose=purpose, **({"via": via} if via else {}))
    return encounter


def source_encounter(
    user: User, facility: Facility | int, source_ref: str, *, purpose: str = PURPOSE
) -> Encounter | None:
    """The newest version of the encounter of `source_ref` at `facility` that `user` may read (a writer: the
    draft correction if there is one; a claims officer or a citizen: the newest signed one), or None; the
    read is audited like get_encounter."""
    found = (
        visible_encounters(user)
        .filter(facility=facility, source_ref=source_ref)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return None if found is None else get_encounter(user, found, purpose=purpose)


def has_signed_discharge_summary(facility: Facility | int, source_ref: str) -> bool:
    """Does the admission of `source_ref` at `facility` have a signed version with a discharge summary? (A
    yes or no for the caller's own rule, e.g. HIMCARE's "no claim without a signed discharge summary"; no
    personal data is read out.)"""
    return Encounter.objects.filter(
        facility=facility,
        source_ref=source_ref,
        kind=EncounterKind.ADMISSION,
        status=EncounterStatus.SIGNED,
        discharge_summary__isnull=False,
    ).exists()


def get_patient(user: User, person_id: int, *, via: str = "") -> Person:
    """A person whose records `user` may read (scoping's answer: staff of the person's district, the
    citizen's family), with their identifiers; NotFound otherwise. Audited as a person read. For the
    clinical readers only (PATIENT_READ_ROLES)."""
    require_role(user, *PATIENT_READ_ROLES)
    person = get_scoped_or_not_found(user, Person.objects.prefetch_related("identifiers"), pk=person_id)
    record(
        AuditAction.PERSON_READ,
        object_type="people.Person",
        object_id=person.pk,
        purpose=PURPOSE,
        actor=user,
        district_id=person.district_id,
        detail={"via": via} if via else None,
    )
    return person


def find_patients(user: User, id_type: str, value: str, *, via: str = "") -> list[Person]:
    """The people holding identifier `value` of kind `id_type` (people.IdentifierType: ABHA number, ABHA
    address, UHID; stored normalised) among those `user` may see. Audited as a search (kind, count); counted
    with the person searches against PEOPLE_SEARCH_PER_MINUTE (SEC-24: no enumeration of identifiers)."""
    require_role(user, *PATIENT_READ_ROLES)
    check_rate(
        SEARCH_RATE,
        user,
        settings.PEOPLE_SEARCH_PER_MINUTE,
        _("Too many searches. Please wait a minute and try again."),
        field="identifier",
    )
    holders = PersonIdentifier.objects.filter(id_type=id_type, value=value).values("person_id")
    people = list(
        scope_queryset(user, Person.objects.prefetch_related("identifiers"))
        .filter(pk__in=holders)
        .order_by("pk")
    )
    detail: dict[str, Any] = {"kind": id_type, "results": len(people)}
    if via:
        detail["via"] = via
    record(AuditAction.PERSON_SEARCH, object_type="people.Person", purpose=PURPOSE, actor=user, detail=detail)
    return people


def get_signed_for_document(
    user: User, encounter_id: int, *, action: str = AuditAction.ENCOUNTER_PDF
) -> Encounter:
    """The signed encounter with its parts for a document of it (its PDF, or its FHIR bundle with
    action=ENCOUNTER_FHIR), as `user` may see it; the download is audited. A draft is not given out
    (NotFound)."""
    encounter = get_encounter(user, encounter_id, action=action)
    if not encounter.is_signed:
        raise NotFound(_("Only a signed record is printed."), code="not_found")
    return encounter


def get_signed_for_fhir(user: User, encounter_id: int) -> Encounter:
    """`get_signed_for_document` for the record's FHIR bundle download (audited as ENCOUNTER_FHIR)."""
    return get_signed_for_document(user, encounter_id, action=AuditAction.ENCOUNTER_FHIR)


def _replaced() -> Exists:
    """Encounters replaced by a signed correction (left out of histories: the correction is shown)."""
    return Exists(Encounter.objects.filter(supersedes=OuterRef("pk"), status=EncounterStatus.SIGNED))


def newer_version(user: User, encounter: Encounter) -> Encounter | None:
    """The correction of `encounter` that `user` may see (citizens: a signed one), if there is one."""
    return visible_encounters(user).filter(supersedes=encounter).only("pk", "status").first()


def version_number(encounter: Encounter) -> int:
    """1 for a first record, 2 for its correction, and so on."""
    return 1 + len(versions(encounter))


def record_url(encounter: Encounter | int, base_url: str | None = None) -> str:
    """The record's page (records:record_detail) on the site's public address
    (settings.HIMSWASTHYA_PUBLIC_URL, or `base_url`): what its PDF's QR code holds and the SMS links to."""
    pk = encounter.pk if isinstance(encounter, Encounter) else encounter
    base = (base_url or settings.HIMSWASTHYA_PUBLIC_URL).rstrip("/")
    return f"{base}{reverse('records:record_detail', args=[pk])}"


@dataclass(frozen=True)
class History:
    person: Person
    encounters: list[Encounter]

    @property
    def allergies(self) -> list[Allergy]:
        return [allergy for encounter in self.encounters for allergy in encounter.allergies.all()]


def history(user: User, person: Person, *, via: str = "") -> History:
    """The person's past encounters that `user` may see, newest first, with diagnoses, prescriptions and
    allergies; a version replaced by a signed correction is left out. The read is audited (`via`: the
    channel, e.g. "fhir")."""
    require_role(user, *READ_ROLES)
    person = get_scoped_or_not_found(user, Person.objects.all(), pk=person.pk)
    encounters = list(
        with_parts(visible_encounters(user).filter(person=person).exclude(_replaced())).order_by(
            "-started_at", "-pk"
        )
    )
    record(
        AuditAction.RECORDS_HISTORY_READ,
        object_type="people.Person",
        object_id=person.pk,
        purpose=PURPOSE,
        actor=user,
        detail={"encounters": len(encounters), **({"via": via} if via else {})},
    )
    return History(person=person, encounters=encounters)


@dataclass(frozen=True)
class Visit:
    """The records of one OPD visit or admission (one facility and source, e.g. "opd:<appointment>"), newest
    first; a record without a source is a visit of its own."""

    encounters: list[Encounter]

    @property
    def first(self) -> Encounter:
        return self.encounters[-1]

    @property
    def kind(self) -> str:
        return self.first.get_kind_display()

    @property
    def is_admission(self) -> bool:
        return self.first.kind == EncounterKind.ADMISSION

    @property
    def started_at(self) -> datetime.datetime:
        return self.first.started_at

    @property
    def facility(self) -> Facility:
        return self.first.facility


def visits(encounters: Sequence[Encounter]) -> list[Visit]:
    """`encounters` (newest first) grouped by visit or admission, the newest visit first."""
    groups: dict[tuple[Any, ...], list[Encounter]] = {}
    for encounter in encounters:
        key = (encounter.facility_id, encounter.source_ref) if encounter.source_ref else ("", encounter.pk)
        groups.setdefault(key, []).append(encounter)
    return [Visit(encounters=group) for group in groups.values()]


@dataclass(frozen=True)
class MemberRecords:
    """One person of the citizen's family, how they are related, and their signed records by visit."""

    person: Person
    relation: str
    is_self: bool
    visits: list[Visit]

    @property
    def count(self) -> int:
        return sum(len(visit.encounters) for visit in self.visits)


def family_records(user: User) -> list[MemberRecords]:
    """ "My health records": the signed records of the citizen and of each living member of their family
    (accounts' family scoping), the citizen first, each person's records grouped by visit, newest first.
    Each person's history is read through `history`, so every read is audited (RECORDS_HISTORY_READ)."""
    require_role(user, Role.CITIZEN)
    people = list(scope_queryset(user, Person.objects.all()).order_by("year_of_birth", "pk"))
    context = family_context(person.pk for person in people)
    members = []
    with transaction.atomic():
        for person in people:
            on_register = context.get(person.pk)
            is_self = bool(user.mobile) and user.mobile in (person.mobile, on_register and on_register.mobile)
            members.append(
                MemberRecords(
                    person=person,
                    relation=on_register.relation_label if on_register else "",
                    is_self=is_self,
                    visits=visits(history(user, person).encounters),
                )
            )
    members.sort(key=lambda member: not member.is_self)  # stable: then by age, eldest first
    return members


# --- writing --------------------------------------------------------------------------------------------


def _require_writer(user: User, facility: Facility | int, kind: str) -> None:
    require_role(user, *WRITERS.get(kind, RECORD_ROLES))
    if not may_act_at(user, facility):
        raise _not_found()


def _locked(user: User, encounter: Encounter | int) -> Encounter:
    """The encounter under a row lock, if `user` may write this kind at its facility (NotFound otherwise)."""
    require_role(user, *RECORD_ROLES)
    pk = encounter.pk if isinstance(encounter, Encounter) else encounter
    found = scope_queryset(user, Encounter.objects.select_for_update()).filter(pk=pk).first()
    if found is None or not may_act_at(user, found.facility_id) or user.role not in WRITERS[found.kind]:
        raise _not_found()
    return found


# Sources that vouch for a patient the writer's scoping does not show (a HIMCARE case treats a beneficiary
# of any district at an empanelled hospital): prefix -> check(user, facility, person, source_ref). Filled by
# the app above that owns the source (himcare's AppConfig.ready); records never looks it up by name.
SourceCheck = Callable[[User, Facility, Person, str], bool]
_SOURCE_CHECKS: dict[str, SourceCheck] = {}


def register_source_check(prefix: str, check: SourceCheck) -> None:
    """Let the app owning the sources "<prefix>..." say that `user` treats `person` at `facility` for one."""
    _SOURCE_CHECKS[prefix] = check


def _source_vouches(user: User, facility: Facility, person: Person, source_ref: str) -> bool:
    return any(
        source_ref.startswith(prefix) and check(user, facility, person, source_ref)
        for prefix, check in _SOURCE_CHECKS.items()
    )


def open_encounter(
    user: User,
    person: Person,
    facility: Facility,
    department: Department | None = None,
    source_ref: str = "",
    kind: str = EncounterKind.OPD,
) -> Encounter:
    """A new draft encounter of `person` at `facility` by `user` (WRITERS of the kind, at their own
    facility), for a person they may see or whom the source vouches for (register_source_check); the same
    encounter again for the same `source_ref` (e.g. "opd:<appointment>", "himcare:<case number>")."""
    if kind not in EncounterKind.values:
        raise RecordError(_("Choose OPD visit or admission."), field="kind")
    _require_writer(user, facility, kind)
    source_ref = (source_ref or "").strip()
    if not may_see(user, person) and not _source_vouches(user, facility, person, source_ref):
        raise _not_found()
    if department is not None and not facility.departments.filter(pk=department.pk).exists():
        raise RecordError(_("This department is not in your facility."), field="department_id")
    if len(source_ref) > Encounter._meta.get_field("source_ref").max_length:  # type: ignore[operator]
        raise RecordError(_("The source reference is too long."), field="source_ref")
    fields = {
        "person": person,
        "department": department,
        "kind": kind,
        "practitioner": user,
        "started_at": timezone.now(),
    }
    with transaction.atomic():
        if source_ref:
            encounter, created = Encounter.objects.get_or_create(
                facility=facility, source_ref=source_ref, supersedes=None, defaults=fields
            )
            if not created and encounter.person_id != person.pk:
                raise Conflict(
                    _("This source already has an encounter of another patient."),
                    field="source_ref",
                    code="source_taken",
                )
            if not created and encounter.kind != kind:
                raise Conflict(
                    _("This source already has an encounter of another kind."),
                    field="kind",
                    code="source_taken",
                )
        else:
            encounter, created = Encounter.objects.create(facility=facility, **fields), True
        if created:
            _audit(AuditAction.ENCOUNTER_OPEN, user, encounter, kind=kind)
    return encounter


def _text(value: Any, field: str, max_length: int, *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise IncompletePrescription(_("This is required."), field=field)
    if len(text) > max_length:
        raise RecordError(_("This is too long (at most %(n)d characters).") % {"n": max_length}, field=field)
    return text


def _max_length(model: type, name: str) -> int:
    return model._meta.get_field(name).max_length


def _clean_vitals(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        field = f"vitals.{name}"
        if name not in VITAL_RANGES:
            raise RecordError(_("This is not a vital sign."), field=field)
        if value is None:
            cleaned[name] = None
            continue
        limits = VITAL_RANGES[name]
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal("NaN")
        whole = name not in DECIMAL_VITALS
        if not number.is_finite() or not limits.low <= number <= limits.high:
            raise ImplausibleVital(
                _("%(vital)s must be between %(low)s and %(high)s %(unit)s.")
                % {"vital": limits.label, "low": limits.low, "high": limits.high, "unit": limits.unit},
                field=field,
            )
        if whole and number != number.to_integral_value():
            raise ImplausibleVital(_("%(vital)s is a whole number.") % {"vital": limits.label}, field=field)
        cleaned[name] = int(number) if whole else number.quantize(Decimal("0.1"))
    systolic, diastolic = cleaned.get("bp_systolic"), cleaned.get("bp_diastolic")
    if (systolic is None) != (diastolic is None):
        missing = "bp_diastolic" if diastolic is None else "bp_systolic"
        raise ImplausibleVital(_("Enter both blood pressure values."), field=f"vitals.{missing}")
    if systolic is not None and diastolic >= systolic:
        raise ImplausibleVital(
            _("The diastolic pressure must be lower than the systolic."), field="vitals.bp_diastolic"
        )
    return cleaned


def _clean_diagnoses(items: Sequence[Mapping[str, Any]]) -> list[Diagnosis]:
    codes = [str(item.get("code") or "").strip().upper() for item in items]
    found = {c.code: c for c in Icd10Code.objects.filter(code__in=codes)}
    diagnoses: list[Diagnosis] = []
    seen: set[str] = set()
    for i, (item, code) in enumerate(zip(items, codes, strict=True)):
        field = f"diagnoses[{i}]"
        icd10 = found.get(code)
        if icd10 is None:
            raise UnknownCode(_("This is not an ICD-10 code."), field=f"{field}.code")
        if not icd10.is_codable:
            raise NotCodable(
                _("%(code)s is a group of codes: choose one of its more specific codes.") % {"code": code},
                field=f"{field}.code",
            )
        if code in seen:
            raise RecordError(_("This diagnosis is already listed."), field=f"{field}.code")
        seen.add(code)
        note = _text(item.get("note"), f"{field}.note", _max_length(Diagnosis, "note"))
        diagnoses.append(Diagnosis(icd10=icd10, is_primary=bool(item.get("is_primary")), note=note))
    primaries = [i for i, d in enumerate(diagnoses) if d.is_primary]
    if len(primaries) > 1:
        raise RecordError(
            _("Only one diagnosis can be the primary one."), field=f"diagnoses[{primaries[1]}].is_primary"
        )
    if diagnoses and not primaries:
        diagnoses[0].is_primary = True  # the first diagnosis written is the primary one unless marked
    return diagnoses


def _clean_prescriptions(items: Sequence[Mapping[str, Any]]) -> list[PrescriptionLine]:
    ids = [item.get("medicine_id") for item in items if not item.get("free_text")]
    listed = Medicine.objects.in_bulk([i for i in ids if isinstance(i, int)])
    lines: list[PrescriptionLine] = []
    for i, item in enumerate(items):
        field = f"prescriptions[{i}]"
        free_text = bool(item.get("free_text"))
        medicine = None
        name = _text(item.get("name"), f"{field}.name", _max_length(PrescriptionLine, "name"))
        if free_text:
            if item.get("medicine_id") is not None:
                raise RecordError(
                    _("A free-text medicine is not chosen from the list."), field=f"{field}.medicine_id"
                )
            if not name:
                raise IncompletePrescription(_("Write the medicine's name."), field=f"{field}.name")
        else:
            medicine = listed.get(item.get("medicine_id"))  # type: ignore[arg-type]
            if medicine is None:
                raise UnknownMedicine(
                    _("Choose a medicine from the essential medicines list, or mark it as free text."),
                    field=f"{field}.medicine_id",
                )
            name = ""
        dose = _text(item.get("dose"), f"{field}.dose", _max_length(PrescriptionLine, "dose"), required=True)
        frequency = _text(
            item.get("frequency"),
            f"{field}.frequency",
            _max_length(PrescriptionLine, "frequency"),
            required=True,
        )
        duration = item.get("duration_days")
        if duration is None:
            raise IncompletePrescription(_("This is required."), field=f"{field}.duration_days")
        if not isinstance(duration, int) or not 1 <= duration <= MAX_DURATION_DAYS:
            raise IncompletePrescription(
                _("The duration is 1 to %(n)d days.") % {"n": MAX_DURATION_DAYS},
                field=f"{field}.duration_days",
            )
        route = item.get("route") or Route.ORAL
        if route not in Route.values:
            raise RecordError(_("Choose a route from the list."), field=f"{field}.route")
        lines.append(
            PrescriptionLine(
                medicine=medicine,
                free_text=free_text,
                name=name,
                strength=_text(
                    item.get("strength"), f"{field}.strength", _max_length(PrescriptionLine, "strength")
                ),
                dose=dose,
                frequency=frequency,
                duration_days=duration,
                route=route,
                instructions=_text(
                    item.get("instructions"),
                    f"{field}.instructions",
                    _max_length(PrescriptionLine, "instructions"),
                ),
            )
        )
    return lines


def _clean_allergies(items: Sequence[Mapping[str, Any]]) -> list[Allergy]:
    allergies = []
    for i, item in enumerate(items):
        field = f"allergies[{i}]"
        substance = _text(item.get("substance"), f"{field}.substance", _max_length(Allergy, "substance"))
        if not substance:
            raise RecordError(_("This is required."), field=f"{field}.substance")
        reaction = _text(item.get("reaction"), f"{field}.reaction", _max_length(Allergy, "reaction"))
        allergies.append(Allergy(substance=substance, reaction=reaction))
    return allergies


def _clean_follow_up(value: Any, encounter: Encounter) -> datetime.date | None:
    if value is None:
        return None
    if not isinstance(value, datetime.date):
        raise RecordError(_("Enter a date."), field="follow_up_on")
    if value < timezone.localdate(encounter.started_at):
        raise RecordError(_("The follow-up date cannot be before the visit."), field="follow_up_on")
    return value


def _moment(value: Any, field: str) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise RecordError(_("Enter a date and time."), field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + datetime.timedelta(minutes=5):
        raise RecordError(_("This time is in the future."), field=field)
    return value


@dataclass(frozen=True)
class AdmissionParts:
    admitted_at: datetime.datetime | None
    procedures: list[Procedure]
    discharge: DischargeSummary | None


def _clean_admission(encounter: Encounter, data: Mapping[str, Any]) -> AdmissionParts:
    """The admission time, procedures and discharge summary of an admission's draft; on another kind of
    encounter these sections are refused (`admission_only`)."""
    given = {name: data.get(name) for name in ("admitted_at", "procedures", "discharge")}
    if encounter.kind != EncounterKind.ADMISSION:
        for name, value in given.items():
            if value:
                raise AdmissionOnly(_("Only an admission records this."), field=name)
        return AdmissionParts(None, [], None)
    if given["admitted_at"] is None:
        raise RecordError(_("Enter the date and time of admission."), field="admitted_at")
    admitted_at = _moment(given["admitted_at"], "admitted_at")
    discharge = None
    summary = given["discharge"]
    if summary:
        discharged_at = summary.get("discharged_at")
        if discharged_at is None:
            raise RecordError(_("Enter the date and time of discharge."), field="discharge.discharged_at")
        discharged_at = _moment(discharged_at, "discharge.discharged_at")
        if discharged_at < admitted_at:
            raise DischargeBeforeAdmission(
                _("The discharge cannot be before the admission (%(admitted)s).")
                % {"admitted": timezone.localtime(admitted_at).strftime("%d-%m-%Y %H:%M")},
                field="discharge.discharged_at",
            )
        course = _text(summary.get("course_in_hospital"), "discharge.course_in_hospital", NOTE_MAX_LENGTH)
        if not course:
            raise RecordError(_("Write the course in hospital."), field="discharge.course_in_hospital")
        condition = summary.get("condition_at_discharge") or ""
        if condition not in DischargeCondition.values:
            raise RecordError(
                _("Choose the condition at discharge from the list."),
                field="discharge.condition_at_discharge",
            )
        discharge = DischargeSummary(
            discharged_at=discharged_at,
            course_in_hospital=course,
            condition_at_discharge=condition,
            discharge_advice=_text(
                summary.get("discharge_advice"), "discharge.discharge_advice", NOTE_MAX_LENGTH
            ),
        )
    first_day = timezone.localdate(admitted_at)
    last_day = timezone.localdate(discharge.discharged_at) if discharge else timezone.localdate()
    procedures = []
    for i, item in enumerate(given["procedures"] or []):
        field = f"procedures[{i}]"
        name = _text(item.get("name"), f"{field}.name", _max_length(Procedure, "name"))
        if not name:
            raise RecordError(_("This is required."), field=f"{field}.name")
        code = _text(item.get("code"), f"{field}.code", _max_length(Procedure, "code"))
        performed_on = item.get("performed_on")
        if not isinstance(performed_on, datetime.date) or isinstance(performed_on, datetime.datetime):
            raise RecordError(_("Enter a date."), field=f"{field}.performed_on")
        if not first_day <= performed_on <= last_day:
            raise OutsideStay(
                _("A procedure is done during the stay (%(first)s to %(last)s).")
                % {"first": first_day.strftime("%d-%m-%Y"), "last": last_day.strftime("%d-%m-%Y")},
                field=f"{field}.performed_on",
            )
        procedures.append(Procedure(name=name, code=code, performed_on=performed_on))
    return AdmissionParts(admitted_at, procedures, discharge)


def save_draft(user: User, encounter: Encounter, data: Mapping[str, Any]) -> Encounter:
    """Replace the draft's notes, vitals, diagnoses, prescriptions and allergies with `data` (keys: the note
    fields, "follow_up_on", "vitals" (a mapping), "diagnoses", "prescriptions", "allergies" (lists of
    mappings)); an admission also takes "admitted_at", "procedures" (name, code, performed_on) and
    "discharge" (discharged_at, course_in_hospital, condition_at_discharge, discharge_advice), refused on
    other kinds. Everything is checked before anything is written; a signed encounter is refused."""
    with transaction.atomic():
        encounter = _locked(user, encounter)
        if encounter.is_signed:
            raise RecordSigned(_("A signed record cannot be changed: start a correction."), field="status")
        notes = {name: _text(data.get(name), name, NOTE_MAX_LENGTH) for name in NOTE_FIELDS}
        follow_up_on = _clean_follow_up(data.get("follow_up_on"), encounter)
        vitals = _clean_vitals(data.get("vitals"))
        diagnoses = _clean_diagnoses(data.get("diagnoses") or [])
        lines = _clean_prescriptions(data.get("prescriptions") or [])
        allergies = _clean_allergies(data.get("allergies") or [])
        admission = _clean_admission(encounter, data)

        for name, value in notes.items():
            setattr(encounter, name, value)
        encounter.follow_up_on = follow_up_on
        encounter.admitted_at = admission.admitted_at
        encounter.save(update_fields=[*NOTE_FIELDS, "follow_up_on", "admitted_at"])
        _replace(encounter, Procedure, admission.procedures)
        DischargeSummary.objects.filter(encounter=encounter).delete()
        if admission.discharge is not None:
            admission.discharge.encounter = encounter
            admission.discharge.save(force_insert=True)
        Vitals.objects.filter(encounter=encounter).delete()
        if vitals and any(v is not None for v in vitals.values()):
            Vitals.objects.create(encounter=encounter, **vitals)
        _replace(encounter, Diagnosis, diagnoses)
        _replace(encounter, PrescriptionLine, lines)
        Allergy.objects.filter(noted_in=encounter).delete()
        for allergy in allergies:
            allergy.noted_in, allergy.person_id = encounter, encounter.person_id
        Allergy.objects.bulk_create(allergies)
        _audit(AuditAction.ENCOUNTER_SAVE_DRAFT, user, encounter)  # no clinical detail in the log
    return encounter


def _replace(
    encounter: Encounter, model: type[Diagnosis | PrescriptionLine | Procedure], rows: list[Any]
) -> None:
    model.objects.filter(encounter=encounter).delete()
    for row in rows:
        row.encounter = encounter
    model.objects.bulk_create(rows)


def sign(user: User, encounter: Encounter, *, notify_patient: bool = True) -> Encounter:
    """Sign the draft: from now on it is read-only (a correction is a new version). The patient (or, without
    a mobile, their family's contact: accounts.scoping.contact_mobile) gets an SMS with the record's link,
    sent after commit; `notify_patient=False` for records loaded in bulk (the demo's past consultations)."""
    with transaction.atomic():
        encounter = _locked(user, encounter)
        if encounter.is_signed:
            raise RecordSigned(_("This record is already signed."), field="status")
        encounter.status, encounter.signed_at = EncounterStatus.SIGNED, timezone.now()
        encounter.save(update_fields=["status", "signed_at"])
        _audit(AuditAction.ENCOUNTER_SIGN, user, encounter)
        if notify_patient:
            queue_sms(
                "record_signed",
                mobile=contact_mobile(encounter.person),
                variables={
                    "date": timezone.localdate(encounter.started_at).strftime("%d-%m-%Y"),
                    "record_url": record_url(encounter),
                },
                subject=encounter,
            )
    return encounter


def correct(user: User, encounter: Encounter) -> Encounter:
    """A new draft version of a signed encounter, superseding it, with a copy of its contents; the signed one
    is kept unchanged. A version is corrected once (correct the newest version)."""
    with transaction.atomic():
        old = _locked(user, encounter)
        if not old.is_signed:
            raise RecordNotSigned(_("Only a signed record is corrected; edit the draft."), field="status")
        if Encounter.objects.filter(supersedes=old).exists():
            raise Conflict(
                _("This record has already been corrected: correct the newest version."),
                field="status",
                code="already_corrected",
            )
        new = Encounter.objects.create(
            person_id=old.person_id,
            facility_id=old.facility_id,
            department_id=old.department_id,
            kind=old.kind,
            practitioner=user,
            started_at=old.started_at,
            source_ref=old.source_ref,
            follow_up_on=old.follow_up_on,
            admitted_at=old.admitted_at,
            supersedes=old,
            **{name: getattr(old, name) for name in NOTE_FIELDS},
        )
        for one in (Vitals, DischargeSummary):
            row = one.objects.filter(encounter=old).first()
            if row is not None:
                row.pk, row.encounter = None, new
                row.save(force_insert=True)
        parts = ((Diagnosis, "encounter"), (PrescriptionLine, "encounter"), (Procedure, "encounter"))
        for model, link in (*parts, (Allergy, "noted_in")):
            rows = list(model.objects.filter(**{link: old}))
            for row in rows:
                row.pk = None
                setattr(row, link, new)
            model.objects.bulk_create(rows)
        _audit(AuditAction.ENCOUNTER_CORRECT, user, new, supersedes=old.pk)
    return new


def versions(encounter: Encounter) -> list[int]:
    """The ids of the encounter's earlier versions, newest first (what it corrects, and so on)."""
    ids = []
    current = encounter.supersedes_id
    while current is not None:
        ids.append(current)
        current = Encounter.objects.filter(pk=current).values_list("supersedes_id", flat=True).first()
    return ids
