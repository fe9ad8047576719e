"""/api/abdm/: ABHA verification for staff. Schemas in, service call, schemas out."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from himswasthya.abdm import services
from himswasthya.abdm.link_api import router as link_router
from himswasthya.abdm.schemas import AbhaOtpConfirmIn, AbhaOtpRequestOut
from himswasthya.core.api import errors

router = Router(tags=["abdm"])
router.add_router("/link", link_router)  # ABHA <-> person linking (link_api.py)


class AbhaSearchIn(Schema):
    abha_address: str = Field(max_length=80)
    purpose: Literal["registration", "opd"] = "registration"


class AbhaSummaryOut(Schema):
    abha_address: str
    abha_number_masked: str
    name: str
    mobile_masked: str
    status: str
    auth_methods: list[str]


class AbhaOtpRequestIn(Schema):
    abha_number: str = Field(max_length=20)
    otp_system: Literal["abdm", "aadhaar"] = "abdm"
    purpose: Literal["registration", "opd"] = "registration"


class AbhaProfileOut(Schema):
    abha_number: str
    abha_address: str
    name: str
    gender: str
    year_of_birth: int | None
    month_of_birth: int | None
    day_of_birth: int | None
    mobile: str
    address: str
    pincode: str
    district_name: str
    state_name: str
    status: str
    kyc_verified: bool


@router.post("/verify/search", response={200: AbhaSummaryOut, **errors(429, 502, 503, 504)})
def verify_search(request: HttpRequest, payload: AbhaSearchIn):
    return services.do_search_abha_address(request.user, payload.abha_address, purpose=payload.purpose)


@router.post("/verify/otp/request", response={200: AbhaOtpRequestOut, **errors(429, 502, 503, 504)})
def verify_otp_request(request: HttpRequest, payload: AbhaOtpRequestIn):
    started = services.do_request_abha_otp(
        request.user, payload.abha_number, otp_system=payload.otp_system, purpose=payload.purpose
    )
    return {"txn_id": started.txn_id, "message": started.message}


@router.post("/verify/otp/confirm", response={200: AbhaProfileOut, **errors(429, 502, 503, 504)})
def verify_otp_confirm(request: HttpRequest, payload: AbhaOtpConfirmIn):
    return services.do_confirm_abha_otp(request.user, payload.txn_id, payload.otp)
