"""The department master and which departments each type of facility offers (after IPHS 2022, simplified)."""

from __future__ import annotations

from himswasthya.facilities.models import Department, FacilityType

# (code, English, Hindi)
DEPARTMENTS: list[tuple[str, str, str]] = [
    ("general-opd", "General OPD", "सामान्य ओपीडी"),
    ("general-medicine", "General medicine", "सामान्य चिकित्सा"),
    ("paediatrics", "Paediatrics", "बाल रोग"),
    ("obstetrics-gynaecology", "Obstetrics & gynaecology", "प्रसूति एवं स्त्री रोग"),
    ("general-surgery", "General surgery", "सामान्य शल्य चिकित्सा"),
    ("orthopaedics", "Orthopaedics", "अस्थि रोग"),
    ("ent", "ENT (ear, nose, throat)", "नाक, कान, गला रोग"),
    ("ophthalmology", "Ophthalmology (eye)", "नेत्र रोग"),
    ("dental", "Dental", "दंत रोग"),
    ("psychiatry", "Psychiatry", "मनोरोग"),
    ("dermatology", "Dermatology (skin)", "त्वचा रोग"),
    ("emergency", "Emergency / casualty", "आपातकालीन / दुर्घटना"),
    ("anaesthesiology", "Anaesthesiology", "निश्चेतना विज्ञान"),
    ("radiology", "Radiology", "रेडियोलॉजी"),
    ("pathology", "Pathology / laboratory", "विकृति विज्ञान / प्रयोगशाला"),
    ("pulmonary-medicine", "Pulmonary medicine (TB & chest)", "क्षय एवं छाती रोग"),
    ("cardiology", "Cardiology", "हृदय रोग"),
    ("nephrology", "Nephrology (dialysis)", "गुर्दा रोग (डायलिसिस)"),
    ("physiotherapy", "Physical medicine & rehabilitation", "भौतिक चिकित्सा एवं पुनर्वास"),
    ("ayush", "AYUSH", "आयुष"),
]

_PHC = ["general-opd", "general-medicine", "obstetrics-gynaecology", "emergency", "pathology", "ayush"]
_CHC = _PHC + ["paediatrics", "general-surgery", "anaesthesiology", "dental", "ophthalmology"]
_CIVIL = _CHC + ["orthopaedics", "ent", "radiology", "pulmonary-medicine"]
_REGIONAL = _CIVIL + ["psychiatry", "dermatology", "physiotherapy"]
_ZONAL = _REGIONAL + ["cardiology", "nephrology"]

DEPARTMENTS_BY_TYPE: dict[str, list[str]] = {
    FacilityType.SUB_CENTRE: ["general-opd"],
    FacilityType.PHC: _PHC,
    FacilityType.CHC: _CHC,
    FacilityType.CIVIL_HOSPITAL: _CIVIL,
    FacilityType.REGIONAL_HOSPITAL: _REGIONAL,
    FacilityType.ZONAL_HOSPITAL: _ZONAL,
    FacilityType.MEDICAL_COLLEGE: [code for code, _, _ in DEPARTMENTS],
}


def ensure_departments() -> dict[str, int]:
    """Create missing departments (never overwrite an administrator's edits); return code -> id."""
    existing = set(Department.objects.values_list("code", flat=True))
    Department.objects.bulk_create(
        [
            Department(code=c, name=en, name_hi=hi, name_hi_machine=False)
            for c, en, hi in DEPARTMENTS
            if c not in existing
        ]
    )
    return dict(Department.objects.values_list("code", "id"))
