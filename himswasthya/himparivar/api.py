"""GET /api/himparivar/families/{family_id}: one family for staff, scoped and audited like the page."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema

from himswasthya.accounts.scoping import RoleAuth
from himswasthya.core.api import purpose_schema
from himswasthya.himparivar import services
from himswasthya.himparivar.presenters import family_card
from himswasthya.himparivar.register_api import router as register_router

router = Router(tags=["himparivar"])
router.add_router("", register_router)  # POST /imports, POST /sync


class FamilyRegisterMemberOut(Schema):
    member_id: str
    relation: str
    name_roman: str
    name_deva: str
    sex: str
    age: int
    year_of_birth: int
    mobile_masked: str
    aadhaar_masked: str
    abha_number: str
    abha_address: str
    status: str


class FamilyRegisterOut(Schema):
    family_id: str
    head_member_id: str
    area_type: str
    district: str
    block: str
    gram_panchayat: str
    ration_card_type: str
    is_bpl: bool
    social_category: str
    verification_status: str
    is_synthetic: bool
    members: list[FamilyRegisterMemberOut]


@router.get(
    "/families/{family_id}", response={200: FamilyRegisterOut}, auth=RoleAuth(*services.FAMILY_READER_ROLES)
)
def get_family(
    request: HttpRequest,
    family_id: str,
    purpose: Annotated[str, purpose_schema(services.PURPOSES)] = services.DEFAULT_PURPOSE,
) -> dict:
    family = services.do_read_family(request.auth, family_id, purpose=purpose)
    return family_card(family)
