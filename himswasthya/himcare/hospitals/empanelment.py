"""Hospitals empanelled for HIMCARE, per specialty, for a period (issue #5 item 2).

A HIMCARE officer (or the state administrator) empanels a hospital for one or more specialties with a
validity and the government order's reference, and may suspend or withdraw an empanelment with a reason.
Private hospitals and institutions outside Himachal are registered as facilities of type HOSP first.

The private-hospital rule (notification of 3 Aug 2024, domain.md section 3): private hospitals were
de-empanelled from 1 Sep 2024, except for dialysis. It is configuration, not a scheme-year field, because
it is about hospitals, not families, and outlives scheme years (declared in himswasthya/settings.py):

    HIMCARE_PRIVATE_HOSPITALS_UNTIL = datetime.date(2024, 8, 31)  # last day private hospitals could be
                                                                  # empanelled (None: no restriction)
    HIMCARE_PRIVATE_HOSPITAL_SPECIALTIES = ("MN",)  # specialty codes still allowed at private hospitals

From the day after HIMCARE_PRIVATE_HOSPITALS_UNTIL a private (ownership PVT) hospital can be empanelled,
and counts as empanelled, only for the listed specialties; the illustrative package master files dialysis
under specialty MN "Nephrology and Dialysis".

The list of empanelled hospitals and their specialties is public information (no personal data).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import require_role, scope_queryset
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import Conflict, DomainError
from himswasthya.core.statemachine import StateMachine, Transition, choice_labels
from himswasthya.facilities.models import Facility, FacilityType, Ownership
from himswasthya.himcare.common import recorded_reason
from himswasthya.himcare.models import Empanelment, EmpanelmentStatus, Specialty
from himswasthya.places.models import District

OFFICER_ROLES = (Role.HIMCARE_OFFICER, Role.STATE_ADMIN)
AUDIT_PURPOSE = "himcare_claims"


# --- the private-hospital rule ------------------------------------------------------------------------
def private_hospitals_until() -> datetime.date | None:
    value = settings.HIMCARE_PRIVATE_HOSPITALS_UNTIL
    if value is None or isinstance(value, datetime.date):
        return value
    return parse_date(str(value))


def private_hospital_specialties() -> frozenset[str]:
    codes = settings.HIMCARE_PRIVATE_HOSPITAL_SPECIALTIES
    return frozenset(code.upper() for code in codes)


def private_rule_allows(facility: Facility, specialty: Specialty, on_date: datetime.date) -> bool:
    """False when the facility is private and on_date is after the cut-off and the specialty is not exempt."""
    if facility.ownership != Ownership.PRIVATE:
        return True
    until = private_hospitals_until()
    if until is None or on_date <= until:
        return True
    return specialty.code.upper() in private_hospital_specialties()


# --- questions -----------------------------------------------------------------------------------------
def _in_force(on_date: datetime.date) -> Q:
    return Q(status=EmpanelmentStatus.ACTIVE, valid_from__lte=on_date, valid_to__gte=on_date)


def is_empanelled(facility: Facility, specialty: Specialty, on_date: datetime.date | None = None) -> bool:
    """Whether the hospital may treat HIMCARE patients in this specialty on the date."""
    on_date = on_date or timezone.localdate()
    if not facility.is_active or not private_rule_allows(facility, specialty, on_date):
        return False
    return Empanelment.objects.filter(_in_force(on_date), facility=facility, specialty=specialty).exists()


def empanelled_specialties(facility: Facility, on_date: datetime.date | None = None) -> list[Specialty]:
    """The specialties the hospital is empanelled for on the date (after the private-hospital rule)."""
    on_date = on_date or timezone.localdate()
    if not facility.is_active:
        return []
    rows = Specialty.objects.filter(
        pk__in=Empanelment.objects.filter(_in_force(on_date), facility=facility).values("specialty_id")
    ).order_by("code")
    return [s for s in rows if private_rule_allows(facility, s, on_date)]


@dataclass
class EmpanelledHospital:
    facility: Facility
    specialties: list[Specialty] = field(default_factory=list)
    valid_to: datetime.date | None = None


def empanelled_hospitals(
    *, district: int | str | None = None, specialty: str = "", on_date: datetime.date | None = None
) -> list[EmpanelledHospital]:
    """Hospitals with at least one empanelment in force on the date, with those specialties (public)."""
    on_date = on_date or timezone.localdate()
    rows = Empanelment.objects.filter(_in_force(on_date), facility__is_active=True).select_related(
        "facility__district", "specialty"
    )
    if district:
        rows = rows.filter(facility__district_id=int(district))
    if specialty:
        rows = rows.filter(specialty__code=specialty.strip().upper())
    hospitals: dict[int, EmpanelledHospital] = {}
    for row in rows.order_by("facility__district__name", "facility__name", "specialty__code"):
        if not private_rule_allows(row.facility, row.specialty, on_date):
            continue
        item = hospitals.setdefault(row.facility_id, EmpanelledHospital(row.facility))
        if row.specialty not in item.specialties:
            item.specialties.append(row.specialty)
        item.valid_to = max(item.valid_to or row.valid_to, row.valid_to)
    return list(hospitals.values())


def empanelments_for_officer(
    actor: Any, *, facility: int | None = None, specialty: str = "", status: str = ""
) -> QuerySet[Empanelment]:
    require_role(actor, *OFFICER_ROLES)
    # A HIMCARE officer narrowed to one district sees that district's hospitals (Empanelment.scope_paths).
    rows = scope_queryset(actor, Empanelment.objects.select_related("facility__district", "specialty"))
    if facility:
        rows = rows.filter(facility_id=facility)
    if specialty:
        rows = rows.filter(specialty__code=specialty.strip().upper())
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("facility__name", "specialty__code", "-valid_from")


def empanelment_for_officer(actor: Any, empanelment_id: int) -> Empanelment:
    require_role(actor, *OFFICER_ROLES)
    try:  # scoped: an officer narrowed to one district acts on that district's hospitals only (SEC-26)
        return scope_queryset(actor, Empanelment.objects.select_related("facility", "specialty")).get(
            pk=empanelment_id
        )
    except Empanelment.DoesNotExist:
        from himswasthya.core.errors import NotFound

        raise NotFound(_("No such empanelment."), field="empanelment_id") from None


# --- actions -------------------------------------------------------------------------------------------
def _audit_hospital(action: str, facility: Facility, actor: Any, detail: dict[str, Any]) -> None:
    """An officer's act on a hospital (empanelled, registered), audited in the hospital's district."""
    record(
        action,
        object_type="facilities.Facility",
        object_id=facility.pk,
        actor=actor,
        purpose=AUDIT_PURPOSE,
        district_id=facility.district_id,
        detail=detail,
    )


def do_empanel(
    *,
    actor: Any,
    facility: Facility,
    specialties: list[Specialty],
    valid_from: datetime.date,
    valid_to: datetime.date,
    order_ref: str = "",
) -> list[Empanelment]:
    """Empanel a hospital for specialties over a period. Refused: dates out of order, an overlapping
    empanelment for the same specialty, a private hospital outside the rule, an inactive facility."""
    require_role(actor, *OFFICER_ROLES)
    if not specialties:
        raise DomainError(_("Choose at least one specialty."), field="specialties")
    if valid_to < valid_from:
        raise DomainError(_("The end of the validity must not be before its start."), field="valid_to")
    if not facility.is_active:
        raise DomainError(_("This facility is not active."), field="facility")
    order_ref = (order_ref or "").strip()
    if len(order_ref) > 100:
        raise DomainError(_("The order reference has at most 100 characters."), field="order_ref")
    made = []
    with transaction.atomic():
        Facility.objects.select_for_update().filter(pk=facility.pk).first()  # one officer at a time
        for specialty in specialties:
            if not private_rule_allows(facility, specialty, valid_from) or not private_rule_allows(
                facility, specialty, valid_to
            ):
                raise DomainError(
                    _(
                        "Private hospitals can no longer be empanelled for %(specialty)s"
                        " (notification of 3 August 2024); only dialysis is allowed."
                    )
                    % {"specialty": specialty.name},
                    field="specialties",
                    code="private_not_allowed",
                )
            overlap = Empanelment.objects.filter(
                facility=facility,
                specialty=specialty,
                status__in=(EmpanelmentStatus.ACTIVE, EmpanelmentStatus.SUSPENDED),
                valid_from__lte=valid_to,
                valid_to__gte=valid_from,
            ).first()
            if overlap is not None:
                raise Conflict(
                    _("%(hospital)s is already empanelled for %(specialty)s from %(from)s to %(to)s.")
                    % {
                        "hospital": facility.name,
                        "specialty": specialty.name,
                        "from": overlap.valid_from.isoformat(),
                        "to": overlap.valid_to.isoformat(),
                    },
                    field="specialties",
                    code="already_empanelled",
                )
            try:
                with transaction.atomic():
                    made.append(
                        Empanelment.objects.create(
                            facility=facility,
                            specialty=specialty,
                            valid_from=valid_from,
                            valid_to=valid_to,
                            order_ref=order_ref,
                            created_by=actor,
                        )
                    )
            except IntegrityError:
                raise Conflict(
                    _("This hospital is already empanelled for this specialty from that date."),
                    field="valid_from",
                    code="already_empanelled",
                ) from None
        _audit_hospital(
            AuditAction.HIMCARE_EMPANEL,
            facility,
            actor,
            {
                "specialties": [s.code for s in specialties],
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat(),
            },
        )
    return made


_REFUSED = _("This empanelment is %(status)s and cannot be changed that way.")
#: What an officer may do to an empanelment in which status (core.statemachine).
EMPANELMENT_FLOW = StateMachine(
    {
        "suspend": Transition(
            sources={EmpanelmentStatus.ACTIVE}, targets={EmpanelmentStatus.SUSPENDED}, rule=_REFUSED
        ),
        "reinstate": Transition(
            sources={EmpanelmentStatus.SUSPENDED}, targets={EmpanelmentStatus.ACTIVE}, rule=_REFUSED
        ),
        "withdraw": Transition(
            sources={EmpanelmentStatus.ACTIVE, EmpanelmentStatus.SUSPENDED},
            targets={EmpanelmentStatus.WITHDRAWN},
            rule=_REFUSED,
        ),
    },
    status_label=choice_labels(EmpanelmentStatus),
)


#: The audit action of each status change.
_STATUS_AUDIT = {
    "suspend": AuditAction.HIMCARE_EMPANELMENT_SUSPEND,
    "reinstate": AuditAction.HIMCARE_EMPANELMENT_REINSTATE,
    "withdraw": AuditAction.HIMCARE_EMPANELMENT_WITHDRAW,
}


def _change_status(*, actor: Any, empanelment: Empanelment, step: str, reason: str) -> Empanelment:
    require_role(actor, *OFFICER_ROLES)
    reason = recorded_reason(reason)
    if not reason:
        raise DomainError(_("Give the reason."), field="reason")
    with transaction.atomic():
        locked = Empanelment.objects.select_for_update().get(pk=empanelment.pk)
        before = EMPANELMENT_FLOW.apply(locked, step)
        locked.save(update_fields=["status"])
        record(
            _STATUS_AUDIT[step],
            object_type="himcare.Empanelment",
            object_id=locked.pk,
            actor=actor,
            purpose=AUDIT_PURPOSE,
            district_id=locked.facility.district_id,
            detail={"from": before, "to": locked.status, "reason": reason},
            redact_detail=True,
        )
    empanelment.refresh_from_db()
    return empanelment


def do_suspend(*, actor: Any, empanelment: Empanelment, reason: str) -> Empanelment:
    return _change_status(actor=actor, empanelment=empanelment, step="suspend", reason=reason)


def do_reinstate(*, actor: Any, empanelment: Empanelment, reason: str) -> Empanelment:
    return _change_status(actor=actor, empanelment=empanelment, step="reinstate", reason=reason)


def do_withdraw(*, actor: Any, empanelment: Empanelment, reason: str) -> Empanelment:
    return _change_status(actor=actor, empanelment=empanelment, step="withdraw", reason=reason)


def do_register_hospital(
    *,
    actor: Any,
    code: str,
    name: str,
    district: District,
    name_hi: str = "",
    ownership: str = Ownership.PRIVATE,
    address: str = "",
    pincode: str = "",
    phone: str = "",
) -> Facility:
    """Register a private hospital, or an institution outside Himachal, as a facility of type HOSP."""
    require_role(actor, *OFFICER_ROLES)
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not code or len(code) > 20:
        raise DomainError(_("Give a facility code of at most 20 characters."), field="code")
    if not name:
        raise DomainError(_("Give the hospital's name."), field="name")
    if ownership not in Ownership.values:
        raise DomainError(_("Choose government or private."), field="ownership")
    if pincode and not (pincode.isdigit() and len(pincode) == 6):
        raise DomainError(_("A PIN code has 6 digits."), field="pincode")
    with transaction.atomic():
        if Facility.objects.filter(code=code).exists():
            raise Conflict(_("A facility with this code exists already."), field="code", code="code_taken")
        facility = Facility.objects.create(
            code=code,
            name=name,
            name_hi=name_hi.strip(),
            facility_type=FacilityType.OTHER_HOSPITAL,
            ownership=ownership,
            district=district,
            address=address.strip(),
            pincode=pincode,
            phone=phone.strip(),
        )
        _audit_hospital(AuditAction.HIMCARE_HOSPITAL_REGISTER, facility, actor, {"ownership": ownership})
    return facility
