"""/api/abdm/: ABHA verification for staff. Schemas in, service call, schemas out."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from himswasthya.abdm import services
from himswasthya.abdm.link_api import router as link_router

router = Router(tags=["abdm"])
router.add_router("/link", link_router)  # ABHA <-> person linking (link_api.py)


class SearchIn(Schema):
    abha_address: str = Field(max_length=80)
    purpose: Literal["registration", "opd"] = "registration"


class SummaryOut(Schema):
    abha_address: str
    abha_number_masked: str
    name: str
    mobile_masked: str
    status: str
    auth_methods: list[str]


class OtpRequestIn(Schema):
    abha_number: str = Field(max_length=20)
    otp_system: Literal["abdm", "aadhaar"] = "abdm"
    purpose: Literal["registration", "opd"] = "registration"


class OtpRequestOut(Schema):
    txn_id: str
    message: str


class OtpConfirmIn(Schema):
    txn_id: str = Field(max_length=64)
    otp: str = Field(max_length=8)


class ProfileOut(Schema):
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


@router.post("/verify/search", response=SummaryOut)
def verify_search(request: HttpRequest, payload: SearchIn):
    return services.do_search_abha_address(request.user, payload.abha_address, purpose=payload.purpose)


@router.post("/verify/otp/request", response=OtpRequestOut)
def verify_otp_request(request: HttpRequest, payload: OtpRequestIn):
    started = services.do_request_abha_otp(
        request.user, payload.abha_number, otp_system=payload.otp_system, purpose=payload.purpose
    )
    return {"txn_id": started.txn_id, "message": started.message}


@router.post("/verify/otp/confirm", response=ProfileOut)
def verify_otp_confirm(request: HttpRequest, payload: OtpConfirmIn):
    return services.do_confirm_abha_otp(request.user, payload.txn_id, payload.otp)
