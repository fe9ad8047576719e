"""HIMCARE API, hospital side (mounted at /api/himcare/):

POST /verify                          beneficiary verification: identifier + second fact (scheme desk and
                                      others, audited, rate-limited)
GET  /packages, /specialties          the package master (public: names, codes and rates of treatments)
POST /packages/import                 import a package master CSV (officer)
GET  /empanelled-hospitals            hospitals in force, by district and specialty (public)
GET  /empanelments, POST /empanelments, POST /empanelments/{id}/{suspend|reinstate|withdraw}  (officer)
POST /hospitals                       register a private or outside-state hospital (officer)
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from himswasthya.accounts.scoping import RoleAuth
from himswasthya.core.api import errors
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.core.paging import clamp_offset
from himswasthya.facilities.models import Facility
from himswasthya.himcare.enrolment.verification import VERIFY_ROLES, do_verify_beneficiary, remember_verified
from himswasthya.himcare.hospitals import empanelment as empanelments
from himswasthya.himcare.hospitals import packages as package_master
from himswasthya.himcare.models import Specialty
from himswasthya.places.models import District

router = Router(tags=["himcare"])
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


# --- verification ----------------------------------------------------------------------------------------
class VerifyIn(Schema):
    q: str
    second_fact: str = Field(
        "",
        description="Year of birth or name of any member of the family; required before a family is shown",
    )
    on_date: datetime.date | None = None


class BeneficiaryMemberOut(Schema):
    enrolled_member_id: int
    member_id: str
    name: str
    name_deva: str
    sex: str
    age: int
    unit_no: int
    is_query_person: bool


class BeneficiaryCaseOut(Schema):
    case_no: str
    hospital: str
    patient: str
    packages: list[str]
    status: str
    raised_on: datetime.date
    estimated_paise: int
    blocked_paise: int
    claim_no: str
    claim_status: str
    claimed_paise: int | None
    approved_paise: int | None


class BeneficiaryChoiceOut(Schema):
    family_id: str
    head_name: str
    district: str
    member_id: str
    card_number: str
    enrolment_status: str


class BeneficiaryOut(Schema):
    query_kind: str
    needs_choice: bool
    choices: list[BeneficiaryChoiceOut]
    family_id: str
    district: str
    has_active_cover: bool
    no_cover_reason: str
    no_cover_message: str
    person_not_covered: bool
    card_number: str
    status: str
    category: str
    scheme_year: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    cover_paise: int
    blocked_paise: int
    consumed_paise: int
    available_paise: int
    members: list[BeneficiaryMemberOut]
    cases: list[BeneficiaryCaseOut]


@router.post("/verify", response={200: BeneficiaryOut, **errors(429)}, auth=RoleAuth(*VERIFY_ROLES))
def post_verify(request: HttpRequest, payload: VerifyIn) -> dict:
    view = do_verify_beneficiary(
        actor=request.auth, query=payload.q, second_fact=payload.second_fact, on_date=payload.on_date
    )
    remember_verified(request, view.enrolment)  # the desk may now raise a pre-authorisation for this family
    data = {name: getattr(view, name) for name in BeneficiaryOut.model_fields if hasattr(view, name)}
    data["members"] = [m.__dict__ for m in view.members]
    data["cases"] = [c.__dict__ for c in view.cases]
    data["choices"] = [c.__dict__ for c in view.choices]
    data["needs_choice"] = view.needs_choice
    return data


# --- packages --------------------------------------------------------------------------------------------
class SpecialtyOut(Schema):
    code: str
    name: str
    name_hi: str


class PackageOut(Schema):
    code: str
    package_code: str
    procedure_code: str
    specialty: str
    name: str
    name_hi: str
    rate_paise: int
    kind: str
    needs_preauth: bool
    min_stay_days: int
    is_one_time: bool
    is_illustrative: bool


class PackagePage(Schema):
    count: int
    illustrative_rates: bool
    items: list[PackageOut]


@router.get("/specialties", response={200: list[SpecialtyOut]}, auth=None)
def get_specialties(request: HttpRequest) -> list:
    return list(package_master.specialties())


@router.get("/packages", response={200: PackagePage, **errors(400)}, auth=None)
def get_packages(
    request: HttpRequest, q: str = "", specialty: str = "", kind: str = "", limit: int = 100, offset: int = 0
) -> dict:
    rows = package_master.search_packages(q, specialty=specialty, kind=kind)
    limit = max(1, min(limit, 500))
    offset = clamp_offset(offset)  # SEC-27: an offset beyond 2**63 was a 500
    page = list(rows[offset : offset + limit])
    return {
        "count": rows.count(),
        "illustrative_rates": rows.filter(is_illustrative=True).exists(),
        "items": [
            {
                **{f: getattr(p, f) for f in PackageOut.model_fields if f != "specialty"},
                "specialty": p.specialty.code,
            }
            for p in page
        ],
    }


class PackageRowErrorOut(Schema):
    row: int
    field: str
    reason: str


class PackageImportOut(Schema):
    dry_run: bool
    illustrative: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    specialties_created: int
    errors_total: int
    errors: list[PackageRowErrorOut]


@router.post(
    "/packages/import",
    response={200: PackageImportOut, **errors(409)},
    auth=RoleAuth(*package_master.IMPORT_ROLES),
)
def post_package_import(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    illustrative: Form[bool] = False,
) -> dict:
    if file.size > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is too large."), field="file", code="file_too_large")
    report = package_master.do_import_packages(
        actor=request.auth, upload=file, file_name=file.name or "", dry_run=dry_run, illustrative=illustrative
    )
    return report.as_dict()


# --- empanelment -----------------------------------------------------------------------------------------
class HospitalOut(Schema):
    facility_code: str
    name: str
    name_hi: str
    facility_type: str
    ownership: str
    district: str
    specialties: list[SpecialtyOut]
    valid_to: datetime.date | None


@router.get("/empanelled-hospitals", response={200: list[HospitalOut], **errors(404)}, auth=None)
def get_empanelled_hospitals(request: HttpRequest, district: int | None = None, specialty: str = "") -> list:
    district_id = None
    if district:
        district_id = District.objects.filter(lgd_code=district).values_list("pk", flat=True).first()
        if district_id is None:
            raise NotFound(_("No district with this LGD code."), field="district")
    return [
        {
            "facility_code": h.facility.code,
            "name": h.facility.name,
            "name_hi": h.facility.name_hi,
            "facility_type": h.facility.facility_type,
            "ownership": h.facility.ownership,
            "district": h.facility.district.name,
            "specialties": h.specialties,
            "valid_to": h.valid_to,
        }
        for h in empanelments.empanelled_hospitals(district=district_id, specialty=specialty)
    ]


class EmpanelmentOut(Schema):
    id: int
    facility_code: str
    facility: str
    specialty: str
    valid_from: datetime.date
    valid_to: datetime.date
    status: str
    order_ref: str


def _empanelment_out(row) -> dict:
    return {
        "id": row.pk,
        "facility_code": row.facility.code,
        "facility": row.facility.name,
        "specialty": row.specialty.code,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "status": row.status,
        "order_ref": row.order_ref,
    }


class EmpanelIn(Schema):
    facility_code: str
    specialties: list[str]
    valid_from: datetime.date
    valid_to: datetime.date
    order_ref: str = ""


class ReasonIn(Schema):
    reason: str


@router.get("/empanelments", response={200: list[EmpanelmentOut]}, auth=RoleAuth(*empanelments.OFFICER_ROLES))
def get_empanelments(
    request: HttpRequest, facility_code: str = "", specialty: str = "", status: str = ""
) -> list:
    facility_id = None
    if facility_code:
        facility_id = get_object_or_404(Facility, code=facility_code.strip().upper()).pk
    rows = empanelments.empanelments_for_officer(
        request.auth, facility=facility_id, specialty=specialty, status=status
    )
    return [_empanelment_out(row) for row in rows[:1000]]


def _specialties(codes: list[str]) -> list[Specialty]:
    wanted = [c.strip().upper() for c in codes if c.strip()]
    found = {s.code: s for s in Specialty.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise DomainError(
            _("Unknown specialty: %(codes)s") % {"codes": ", ".join(unknown)},
            field="specialties",
            code="unknown_specialty",
        )
    return [found[c] for c in dict.fromkeys(wanted)]


@router.post(
    "/empanelments",
    response={201: list[EmpanelmentOut], **errors(409)},
    auth=RoleAuth(*empanelments.OFFICER_ROLES),
)
def post_empanelment(request: HttpRequest, payload: EmpanelIn):
    facility = Facility.objects.filter(code=payload.facility_code.strip().upper()).first()
    if facility is None:
        raise NotFound(_("No facility with this code."), field="facility_code")
    made = empanelments.do_empanel(
        actor=request.auth,
        facility=facility,
        specialties=_specialties(payload.specialties),
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        order_ref=payload.order_ref,
    )
    return Status(201, [_empanelment_out(row) for row in made])


_ACTIONS = {
    "suspend": empanelments.do_suspend,
    "reinstate": empanelments.do_reinstate,
    "withdraw": empanelments.do_withdraw,
}


@router.post(
    "/empanelments/{empanelment_id}/{action}",
    response={200: EmpanelmentOut, **errors(409)},
    auth=RoleAuth(*empanelments.OFFICER_ROLES),
)
def post_empanelment_action(
    request: HttpRequest, empanelment_id: int, action: str, payload: ReasonIn
) -> dict:
    if action not in _ACTIONS:
        raise NotFound(_("No such action."), field="action")
    row = empanelments.empanelment_for_officer(request.auth, empanelment_id)
    changed = _ACTIONS[action](actor=request.auth, empanelment=row, reason=payload.reason)
    return _empanelment_out(changed)


class HospitalIn(Schema):
    code: str
    name: str
    name_hi: str = ""
    district_lgd: int
    ownership: str = "PVT"
    address: str = ""
    pincode: str = ""
    phone: str = ""


class HospitalCreatedOut(Schema):
    facility_code: str
    name: str
    facility_type: str
    ownership: str
    district: str


@router.post(
    "/hospitals",
    response={201: HospitalCreatedOut, **errors(409)},
    auth=RoleAuth(*empanelments.OFFICER_ROLES),
)
def post_hospital(request: HttpRequest, payload: HospitalIn):
    district = District.objects.filter(lgd_code=payload.district_lgd).first()
    if district is None:
        raise NotFound(_("No district with this LGD code."), field="district_lgd")
    facility = empanelments.do_register_hospital(
        actor=request.auth,
        code=payload.code,
        name=payload.name,
        name_hi=payload.name_hi,
        district=district,
        ownership=payload.ownership,
        address=payload.address,
        pincode=payload.pincode,
        phone=payload.phone,
    )
    return Status(
        201,
        {
            "facility_code": facility.code,
            "name": facility.name,
            "facility_type": facility.facility_type,
            "ownership": facility.ownership,
            "district": district.name,
        },
    )
