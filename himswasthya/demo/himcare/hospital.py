"""HIMCARE demo, hospital side: the illustrative package master and the empanelled hospitals. Idempotent.

- packages: data/packages_illustrative.csv, marked illustrative (not official rates);
- the 6 medical colleges for every specialty; zonal and regional hospitals for all but oncology and
  cardiology; one civil hospital per district (the first by code) for general surgery, obstetrics,
  ophthalmology and general medicine;
- two institutions outside Himachal (PGIMER Chandigarh; Tata Memorial HBCH&RC, New Chandigarh: oncology) as
  facilities of type HOSP, and one synthetic private dialysis centre (private hospitals: dialysis only).

Empanelment rows are written directly (like seed data, no audit entries), within one validity period that
starts on 1 April of the current financial year and runs three years.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from himswasthya.facilities.models import Facility, FacilityType, Ownership
from himswasthya.himcare.hospitals.empanelment import private_rule_allows
from himswasthya.himcare.hospitals.packages import import_illustrative
from himswasthya.himcare.models import Empanelment, Specialty
from himswasthya.places.models import District, State

ORDER_REF = "DEMO/HIMCARE/EMP/1 (synthetic order)"
ALL = ("SG", "SB", "SO", "MC", "MO", "MN", "SE", "MG")
HOSPITAL_SPECIALTIES = {
    FacilityType.MEDICAL_COLLEGE: ALL,
    FacilityType.ZONAL_HOSPITAL: ("SG", "SB", "SO", "MN", "SE", "MG"),
    FacilityType.REGIONAL_HOSPITAL: ("SG", "SB", "SO", "MN", "SE", "MG"),
}
CIVIL_HOSPITALS = 12
CIVIL_SPECIALTIES = ("SG", "SO", "SE", "MG")

# Places outside Himachal for the outside-state institutions. LGD codes: state Chandigarh 4 (district
# Chandigarh 55), state Punjab 3 (district Sahibzada Ajit Singh Nagar 608).
OUTSIDE_PLACES = {
    "CHD": ((4, "Chandigarh", "चंडीगढ़"), (55, "Chandigarh", "चंडीगढ़")),
    "SAS": ((3, "Punjab", "पंजाब"), (608, "Sahibzada Ajit Singh Nagar", "साहिबज़ादा अजीत सिंह नगर")),
}
OUTSIDE_HOSPITALS: list[dict[str, Any]] = [
    {
        "code": "EXT-PGIMER-CHD",
        "name": "Post Graduate Institute of Medical Education and Research (PGIMER), Chandigarh",
        "name_hi": "स्नातकोत्तर चिकित्सा शिक्षा एवं अनुसंधान संस्थान (पीजीआईएमईआर), चंडीगढ़",
        "place": "CHD",
        "address": "Sector 12, Chandigarh",
        "pincode": "160012",
        "ownership": Ownership.GOVERNMENT,
        "specialties": ("MO", "MC", "MN", "SB", "SG"),
    },
    {
        "code": "EXT-HBCHRC-NCH",
        "name": "Homi Bhabha Cancer Hospital & Research Centre (Tata Memorial Centre), New Chandigarh",
        "name_hi": "होमी भाभा कैंसर अस्पताल एवं अनुसंधान केंद्र (टाटा मेमोरियल सेंटर), न्यू चंडीगढ़",
        "place": "SAS",
        "address": "Mullanpur, New Chandigarh, SAS Nagar, Punjab",
        "pincode": "140901",
        "ownership": Ownership.GOVERNMENT,
        "specialties": ("MO",),
    },
]
PRIVATE_DIALYSIS = {
    "code": "SYN-PVT-DIAL-01",
    "name": "Synthetic Private Dialysis Centre, Kangra",
    "name_hi": "सिंथेटिक निजी डायलिसिस केंद्र, कांगड़ा",
    "district_lgd": 18,
    "specialties": ("MN",),
}


def _period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start_year = today.year if today.month >= 4 else today.year - 1
    start = datetime.date(start_year, 4, 1)
    return start, datetime.date(start_year + 3, 3, 31)


def _district(key: str) -> District:
    (state_code, state_name, state_hi), (code, name, name_hi) = OUTSIDE_PLACES[key]
    state = State.objects.get_or_create(
        lgd_code=state_code, defaults={"name": state_name, "name_hi": state_hi}
    )[0]
    return District.objects.get_or_create(
        lgd_code=code,
        defaults={"name": name, "name_hi": name_hi, "state": state, "source_name": name.upper()},
    )[0]


def _facility(spec: dict[str, Any], district: District, ownership: str, synthetic: bool) -> Facility:
    return Facility.objects.get_or_create(
        code=spec["code"],
        defaults={
            "name": spec["name"],
            "name_hi": spec["name_hi"],
            "facility_type": FacilityType.OTHER_HOSPITAL,
            "ownership": ownership,
            "district": district,
            "address": spec.get("address", ""),
            "pincode": spec.get("pincode", ""),
            "is_synthetic": synthetic,
        },
    )[0]


def _empanel(
    facility: Facility, codes: tuple[str, ...], specialties: dict[str, Specialty], period: tuple
) -> int:
    made = 0
    for code in codes:
        specialty = specialties[code]
        if not private_rule_allows(facility, specialty, period[0]) or not private_rule_allows(
            facility, specialty, period[1]
        ):
            continue
        _row, created = Empanelment.objects.get_or_create(
            facility=facility,
            specialty=specialty,
            valid_from=period[0],
            defaults={"valid_to": period[1], "order_ref": ORDER_REF},
        )
        made += created
    return made


def make_demo(stdout) -> None:
    report = import_illustrative()
    stdout.write(
        f"  packages (illustrative rates): {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.errors_total} errors"
    )
    specialties = {s.code: s for s in Specialty.objects.filter(code__in=ALL)}
    period = _period(timezone.localdate())
    made = 0
    hospitals = 0
    with transaction.atomic():
        for facility_type, codes in HOSPITAL_SPECIALTIES.items():
            for facility in Facility.objects.filter(facility_type=facility_type, is_active=True).order_by(
                "code"
            ):
                made += _empanel(facility, codes, specialties, period)
                hospitals += 1
        civil = Facility.objects.filter(facility_type=FacilityType.CIVIL_HOSPITAL, is_active=True)
        first_per_district: dict[int, Facility] = {}
        for facility in civil.order_by("code"):
            first_per_district.setdefault(facility.district_id, facility)
        for facility in list(first_per_district.values())[:CIVIL_HOSPITALS]:
            made += _empanel(facility, CIVIL_SPECIALTIES, specialties, period)
            hospitals += 1
        for spec in OUTSIDE_HOSPITALS:
            facility = _facility(spec, _district(spec["place"]), spec["ownership"], synthetic=False)
            made += _empanel(facility, spec["specialties"], specialties, period)
            hospitals += 1
        district = District.objects.filter(lgd_code=PRIVATE_DIALYSIS["district_lgd"]).first()
        if district is not None:
            facility = _facility(PRIVATE_DIALYSIS, district, Ownership.PRIVATE, synthetic=True)
            made += _empanel(facility, PRIVATE_DIALYSIS["specialties"], specialties, period)
            hospitals += 1
    stdout.write(
        f"  empanelment {period[0]} to {period[1]}: {hospitals} hospitals, {made} new empanelments "
        f"({Empanelment.objects.count()} in all)"
    )
