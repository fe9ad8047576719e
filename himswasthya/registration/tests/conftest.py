"""The fixtures of the booking-engine and scan-and-share tests, registered explicitly for this package."""

from himswasthya.notify.tests.gateway import sms_gateway
from himswasthya.registration.tests.booking_fixtures import (
    clock,
    family,
    medicine,
    stranger,
    thursday_session,
    wednesday_session,
)
from himswasthya.registration.tests.scan_share_fixtures import abdm_sim, demo_account, hip_facility, share

__all__ = [
    "abdm_sim",
    "clock",
    "demo_account",
    "family",
    "hip_facility",
    "medicine",
    "share",
    "sms_gateway",
    "stranger",
    "thursday_session",
    "wednesday_session",
]
