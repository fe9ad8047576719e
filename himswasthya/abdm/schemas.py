"""API schemas of the ABDM OTP steps, shared by the verify API (api.py) and the link API (link_api.py)."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from himswasthya.core.api import TOKEN_PATTERN


class AbhaOtpRequestOut(Schema):
    txn_id: str
    message: str


class AbhaOtpConfirmIn(Schema):
    txn_id: str = Field(pattern=TOKEN_PATTERN, max_length=64)
    otp: str = Field(max_length=8)
