"""Facility directory API: public information, so every operation allows anonymous GET (auth=None)."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from himswasthya.core.api import errors
from himswasthya.facilities import services
from himswasthya.facilities.models import Department, Facility

router = Router(tags=["facilities"])


class DepartmentOut(Schema):
    code: str
    name: str
    name_hi: str


class FacilityOut(Schema):
    code: str
    name: str
    name_hi: str
    facility_type: str
    facility_type_label: str
    district_lgd_code: int
    district: str
    block_lgd_code: int | None
    block: str | None
    is_synthetic: bool

    @staticmethod
    def resolve_facility_type_label(obj: Facility) -> str:
        return str(obj.get_facility_type_display())

    @staticmethod
    def resolve_district_lgd_code(obj: Facility) -> int:
        return obj.district.lgd_code

    @staticmethod
    def resolve_district(obj: Facility) -> str:
        return obj.district.name

    @staticmethod
    def resolve_block_lgd_code(obj: Facility) -> int | None:
        return obj.block.lgd_code if obj.block else None

    @staticmethod
    def resolve_block(obj: Facility) -> str | None:
        return obj.block.name if obj.block else None


class FacilityDetailOut(FacilityOut):
    nin: str
    hfr_id: str
    address: str
    pincode: str
    phone: str
    email: str
    gram_panchayat: str | None
    urban_local_body: str | None
    departments: list[DepartmentOut]

    @staticmethod
    def resolve_gram_panchayat(obj: Facility) -> str | None:
        return obj.gram_panchayat.name if obj.gram_panchayat else None

    @staticmethod
    def resolve_urban_local_body(obj: Facility) -> str | None:
        return obj.urban_local_body.name if obj.urban_local_body else None

    @staticmethod
    def resolve_departments(obj: Facility) -> list[Department]:
        return list(obj.departments.all())


class FacilityFilter(Schema):
    district: int | None = None
    block: int | None = None
    type: str | None = None
    department: str | None = None
    q: str | None = None


@router.get("/", response={200: list[FacilityOut], **errors(400, 404)}, auth=None)
@paginate(PageNumberPagination, page_size=50)
def list_facilities(request: HttpRequest, filters: Query[FacilityFilter]):
    """Filter by district and block LGD code, type (MC, ZH, RH, CH, CHC, PHC, SC), department code, name."""
    return services.search_facilities(
        district=filters.district,
        block=filters.block,
        facility_type=filters.type,
        department=filters.department,
        q=filters.q,
    )


@router.get("/departments", response={200: list[DepartmentOut]}, auth=None)
def list_departments(request: HttpRequest):
    return list(Department.objects.order_by("name"))


@router.get("/{code}", response={200: FacilityDetailOut, **errors(404)}, auth=None)
def facility_detail(request: HttpRequest, code: str):
    return services.get_facility(code)


# The public OPD schedule (issue #4 item 1): /api/facilities/{code}/opd/. The administrator's changes under
# the same path are registration's (registration/opd_setup_api.py, mounted by the project's urls.py).
from himswasthya.facilities import opd_api  # noqa: E402  (after `router` exists)

router.add_router("", opd_api.router)
