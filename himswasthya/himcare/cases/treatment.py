"""The treatment data of a HIMCARE case (issue #13 item 3): its admission record in the health records.

Admission notes, procedures done, the discharge summary and its diagnoses are a `records` encounter of kind
"admission" with the source reference `case.record_source` ("himcare:<case number>"), written and read only
through `records.services` (signing, versions, audit and scoping are records' rules). HIMCARE adds its own:
- the treating hospital's desk (HOSPITAL_ROLES) writes it from admission until the claim is submitted, and
  again while the claim is queried (RECORD_STATUSES);
- a procedure's code, when given, is one of the case's packages' codes;
- a claim needs a signed discharge summary (`documents.check_claim_ready`, next to the documents a claim
  needs);
- whoever reads the case reads the record as records allows it (the claims officer: signed versions only),
  audited with the purpose "himcare_claims".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.scoping import scope_queryset
from himswasthya.core.errors import Conflict, DomainError, NotFound
from himswasthya.facilities.models import Facility
from himswasthya.himcare.cases import services
from himswasthya.himcare.models import Case, CaseStatus
from himswasthya.people.models import Person
from himswasthya.records import services as records
from himswasthya.records.models import HIMCARE_SOURCE, Encounter, EncounterKind

S = CaseStatus
# While the hospital desk writes the admission record: in hospital, discharged (before the claim), and when
# the claims officer has queried the claim.
RECORD_STATUSES = (S.ADMITTED, S.DISCHARGED, S.CLAIM_QUERY)


def treats_patient(user: Any, facility: Facility, person: Person, source_ref: str) -> bool:
    """records' source check for "himcare:<case number>": the case is at `facility`, of `person`, and
    `user` may see it (the hospital of the case). Registered in himcare's AppConfig.ready."""
    case_no = source_ref.removeprefix(HIMCARE_SOURCE)
    cases = Case.objects.filter(case_no=case_no, facility=facility, person=person)
    return scope_queryset(user, cases).exists()


def _writable(actor: Any, case: Case) -> Case:
    case = services._hospital_case(actor, case)
    if case.status not in RECORD_STATUSES:
        raise Conflict(
            _(
                "The admission record is written from admission until the claim is submitted, and again "
                "when the claim is queried; this case is '%(status)s'."
            )
            % {"status": CaseStatus(case.status).label},
            field="status",
            code="record_locked",
        )
    return case


def _newest(actor: Any, case: Case) -> Encounter:
    found = records.source_encounter(actor, case.facility_id, case.record_source, purpose=services.PURPOSE)
    if found is None:
        raise NotFound(
            _("This case has no admission record yet: open it first."), field="record", code="no_record"
        )
    return found


def do_open_record(*, actor: Any, case: Case) -> Encounter:
    """Open the case's admission record (the same one again if it exists) and give its newest version."""
    case = _writable(actor, case)
    records.open_encounter(
        actor, case.person, case.facility, source_ref=case.record_source, kind=EncounterKind.ADMISSION
    )
    return _newest(actor, case)


def _check_procedure_codes(case: Case, data: Mapping[str, Any]) -> None:
    codes = set()
    for p in case.packages.select_related("package"):
        codes.update(
            c.upper() for c in (p.package.code, p.package.procedure_code, p.package.package_code) if c
        )
    for i, item in enumerate(data.get("procedures") or []):
        code = str(item.get("code") or "").strip().upper()
        if code and code not in codes:
            raise DomainError(
                _("This code is not one of the case's packages (%(codes)s).")
                % {"codes": ", ".join(sorted(codes))},
                field=f"procedures[{i}].code",
                code="procedure_not_in_package",
            )


def do_save_record(*, actor: Any, case: Case, data: Mapping[str, Any]) -> Encounter:
    """Replace the draft of the case's admission record (records.save_draft's sections: admission notes,
    admitted_at, diagnoses, procedures, discharge). A signed version is refused: correct it first."""
    case = _writable(actor, case)
    _check_procedure_codes(case, data)
    records.save_draft(actor, _newest(actor, case), data)
    return _newest(actor, case)


def do_sign_record(*, actor: Any, case: Case, notify_patient: bool = True) -> Encounter:
    """Sign the case's admission record (records.sign: the patient gets the record's link by SMS, unless
    `notify_patient` is False, for the demo's past cases)."""
    case = _writable(actor, case)
    records.sign(actor, _newest(actor, case), notify_patient=notify_patient)
    return _newest(actor, case)


def do_correct_record(*, actor: Any, case: Case) -> Encounter:
    """A new draft version of the signed admission record (records.correct), e.g. to add the discharge
    summary after the admission notes were signed, or to answer a claim query."""
    case = _writable(actor, case)
    records.correct(actor, _newest(actor, case))
    return _newest(actor, case)


def case_record(user: Any, case: Case) -> Encounter | None:
    """The case's admission record as `user` may read it (records decides: the hospital's writers see the
    newest version, the claims officers and the family the newest signed one), or None; audited. `case` is
    one the caller already found through services.get_case (scoped)."""
    if getattr(user, "role", None) not in records.READ_ROLES:
        return None
    return records.source_encounter(user, case.facility_id, case.record_source, purpose=services.PURPOSE)


def may_write_record(user: Any, case: Case) -> bool:
    """For pages: may this user write the case's admission record now?"""
    return getattr(user, "role", None) in services.HOSPITAL_ROLES and case.status in RECORD_STATUSES
