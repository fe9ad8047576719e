"""Our facilities as ABDM HIPs: a facility's HIP id is its HFR id (abdm-api.md section 0, X-HIP-ID).

One place for the rule, used by the HIP bridge here and by registration's scan and share. On a demo machine
the facility `SCAN_SHARE_DEMO_FACILITY_CODE` answers to settings.ABDM_HIP_ID when no facility has that HFR id.
"""

from __future__ import annotations

from django.conf import settings

from himswasthya.facilities.models import Facility


def demo_facility_code() -> str:
    """The facility that answers to settings.ABDM_HIP_ID when no facility has that HFR id (demo machines)."""
    return str(settings.SCAN_SHARE_DEMO_FACILITY_CODE or "")


def facility_for_hip(hip_id: str) -> Facility | None:
    """Our facility for an X-HIP-ID: its HFR id, or the demo facility for settings.ABDM_HIP_ID."""
    hip_id = (hip_id or "").strip()
    if not hip_id:
        return None
    facility = Facility.objects.filter(hfr_id=hip_id, is_active=True).first()
    if facility is None and hip_id == settings.ABDM_HIP_ID and demo_facility_code():
        facility = Facility.objects.filter(code=demo_facility_code(), is_active=True).first()
    return facility


def hip_id_of(facility: Facility) -> str:
    if facility.hfr_id:
        return facility.hfr_id
    return settings.ABDM_HIP_ID if facility.code == demo_facility_code() else ""


def hip_ids_of(facility_ids: set[int]) -> dict[int, str]:
    """{facility id: HIP id} for the facilities that have one."""
    out = {}
    for facility in Facility.objects.filter(pk__in=facility_ids):
        if hip_id := hip_id_of(facility):
            out[facility.pk] = hip_id
    return out
