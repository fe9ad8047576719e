"""A synthetic but plausible facility network of HP, matching the state's published counts per type.

Medical colleges, zonal and regional hospitals are the real institutions at their real towns. Civil hospitals,
CHCs, PHCs and sub-centres are spread over blocks in proportion to the block's gram panchayats
(largest remainder, so the totals are exact), each at a gram panchayat of its block chosen by a seeded
shuffle. Codes depend only on type, block and sequence, so a re-run (same seed) changes nothing.
Every record is marked is_synthetic=True.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F
from django.utils.translation import gettext as _

from himswasthya.core.errors import DomainError
from himswasthya.facilities.departments import DEPARTMENTS_BY_TYPE, ensure_departments
from himswasthya.facilities.models import FacilityType
from himswasthya.facilities.services import FacilitySpec, UpsertCounts, do_upsert_facilities
from himswasthya.places.models import Block, District, GramPanchayat, UrbanLocalBody

# Published counts (Health & Family Welfare Department, HP).
PUBLISHED_COUNTS: dict[str, int] = {
    FacilityType.MEDICAL_COLLEGE: 6,
    FacilityType.ZONAL_HOSPITAL: 3,
    FacilityType.REGIONAL_HOSPITAL: 9,
    FacilityType.CIVIL_HOSPITAL: 92,
    FacilityType.CHC: 107,
    FacilityType.PHC: 585,
    FacilityType.SUB_CENTRE: 2116,
}

# (English name, Hindi name, district LGD code, town = urban local body name or "")
NAMED_INSTITUTIONS: dict[str, list[tuple[str, str, int, str]]] = {
    FacilityType.MEDICAL_COLLEGE: [
        (
            "Indira Gandhi Medical College & Hospital (IGMC), Shimla",
            "इंदिरा गांधी चिकित्सा महाविद्यालय एवं अस्पताल (आईजीएमसी), शिमला",
            23,
            "Shimla",
        ),
        (
            "Dr. Rajendra Prasad Government Medical College (Dr. RPGMC), Tanda, Kangra",
            "डॉ. राजेन्द्र प्रसाद राजकीय चिकित्सा महाविद्यालय, टांडा, कांगड़ा",
            18,
            "",
        ),
        (
            "Dr. Yashwant Singh Parmar Government Medical College (Dr. YSPGMC), Nahan, Sirmaur",
            "डॉ. यशवंत सिंह परमार राजकीय चिकित्सा महाविद्यालय, नाहन, सिरमौर",
            24,
            "Nahan",
        ),
        (
            "Shri Lal Bahadur Shastri Government Medical College (SLBSGMC), Ner Chowk, Mandi",
            "श्री लाल बहादुर शास्त्री राजकीय चिकित्सा महाविद्यालय, नेरचौक, मंडी",
            22,
            "Nerchowk",
        ),
        (
            "Dr. Radhakrishnan Government Medical College (Dr. RKGMC), Hamirpur",
            "डॉ. राधाकृष्णन राजकीय चिकित्सा महाविद्यालय, हमीरपुर",
            17,
            "Hamirpur",
        ),
        (
            "Pt. Jawaharlal Nehru Government Medical College (Pt. JLNGMC), Chamba",
            "पं. जवाहरलाल नेहरू राजकीय चिकित्सा महाविद्यालय, चंबा",
            16,
            "Chamba",
        ),
    ],
    FacilityType.ZONAL_HOSPITAL: [
        ("Deen Dayal Upadhyay Zonal Hospital, Shimla", "दीन दयाल उपाध्याय ज़ोनल अस्पताल, शिमला", 23, "Shimla"),
        ("Zonal Hospital Dharamshala", "ज़ोनल अस्पताल धर्मशाला", 18, "Dharamshala"),
        ("Zonal Hospital Mandi", "ज़ोनल अस्पताल मंडी", 22, "Mandi"),
    ],
    FacilityType.REGIONAL_HOSPITAL: [
        ("Regional Hospital Bilaspur", "क्षेत्रीय अस्पताल बिलासपुर", 15, "Bilaspur"),
        ("Regional Hospital Reckong Peo", "क्षेत्रीय अस्पताल रिकांगपिओ", 19, ""),
        ("Regional Hospital Kullu", "क्षेत्रीय अस्पताल कुल्लू", 20, "Kullu"),
        ("Regional Hospital Keylong", "क्षेत्रीय अस्पताल केलांग", 21, ""),
        ("Regional Hospital Kaza", "क्षेत्रीय अस्पताल काज़ा", 21, ""),
        ("Regional Hospital Solan", "क्षेत्रीय अस्पताल सोलन", 25, "Solan"),
        ("Regional Hospital Una", "क्षेत्रीय अस्पताल ऊना", 26, "Una"),
        (
            "Mahatma Gandhi Medical Services Complex, Khaneri, Rampur",
            "महात्मा गांधी चिकित्सा सेवा परिसर, खनेरी, रामपुर",
            23,
            "Rampur",
        ),
        ("Regional Hospital Nurpur", "क्षेत्रीय अस्पताल नूरपुर", 18, "Nurpur"),
    ],
}

# Types placed at a gram panchayat, with the English and Hindi prefix of their names.
GP_LEVEL_TYPES: dict[str, tuple[str, str]] = {
    FacilityType.CIVIL_HOSPITAL: ("Civil Hospital", "सिविल अस्पताल"),
    FacilityType.CHC: ("Community Health Centre", "सामुदायिक स्वास्थ्य केंद्र"),
    FacilityType.PHC: ("Primary Health Centre", "प्राथमिक स्वास्थ्य केंद्र"),
    FacilityType.SUB_CENTRE: ("Sub-centre", "उप-स्वास्थ्य केंद्र"),
}


@dataclass
class SyntheticResult:
    per_type: dict[str, int] = field(default_factory=dict)
    counts: UpsertCounts = field(default_factory=UpsertCounts)

    @property
    def total(self) -> int:
        return sum(self.per_type.values())


def allocate(total: int, weights: dict[int, int]) -> dict[int, int]:
    """Split `total` over keys in proportion to weights (largest remainder; ties by key), summing exactly."""
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        return {k: 0 for k in weights}
    quotas = {k: total * w / weight_sum for k, w in weights.items()}
    shares = {k: int(q) for k, q in quotas.items()}
    left = total - sum(shares.values())
    for k in sorted(weights, key=lambda k: (-(quotas[k] - shares[k]), k))[:left]:
        shares[k] += 1
    return shares


def _named_specs(dept_ids: dict[str, int]) -> list[FacilitySpec]:
    districts = dict(District.objects.values_list("lgd_code", "id"))
    ulbs: dict[str, list[int]] = defaultdict(list)
    for name, pk in UrbanLocalBody.objects.values_list("name", "id"):
        ulbs[name.casefold()].append(pk)
    specs = []
    for ftype, institutions in NAMED_INSTITUTIONS.items():
        for i, (name, name_hi, district, town) in enumerate(institutions, start=1):
            ulb = ulbs.get(town.casefold(), [])
            values = {
                "name": name,
                "name_hi": name_hi,
                "name_hi_machine": False,
                "facility_type": ftype,
                "district_id": districts[district],
                "block_id": None,
                "gram_panchayat_id": None,
                "urban_local_body_id": ulb[0] if len(ulb) == 1 else None,
                "address": town,
                "is_synthetic": True,
            }
            specs.append(FacilitySpec(f"SYN-{ftype}-{i:02d}", values, _depts(ftype, dept_ids)))
    return specs


def _depts(ftype: str, dept_ids: dict[str, int]) -> set[int]:
    return {dept_ids[c] for c in DEPARTMENTS_BY_TYPE[ftype]}


def _gp_level_specs(seed: int, dept_ids: dict[str, int]) -> list[FacilitySpec]:
    gps_by_block: dict[int, list[GramPanchayat]] = defaultdict(list)
    block_names = dict(Block.objects.values_list("lgd_code", "name"))
    gps = GramPanchayat.objects.filter(block__isnull=False).select_related("district")
    for row in gps.annotate(block_code=F("block__lgd_code")).order_by("block_code", "source", "source_id"):
        gps_by_block[row.block_code].append(row)
    weights = {code: len(members) for code, members in gps_by_block.items()}
    specs = []
    for ftype, (prefix, prefix_hi) in GP_LEVEL_TYPES.items():
        for block_code, n in sorted(allocate(PUBLISHED_COUNTS[ftype], weights).items()):
            members = list(gps_by_block[block_code])
            random.Random(f"{seed}-{ftype}-{block_code}").shuffle(members)
            for i in range(n):
                gp = members[i % len(members)]
                suffix = f" {i // len(members) + 1}" if i >= len(members) else ""
                values = {
                    "name": f"{prefix} {gp.name}{suffix}",
                    "name_hi": f"{prefix_hi} {gp.name_hi}{suffix}",
                    "name_hi_machine": gp.name_hi_machine,
                    "facility_type": ftype,
                    "district_id": gp.district_id,
                    "block_id": gp.block_id,
                    "gram_panchayat_id": gp.pk,
                    "urban_local_body_id": None,
                    "address": f"{gp.name}, {block_names[block_code]}, {gp.district.name}",
                    "is_synthetic": True,
                }
                specs.append(
                    FacilitySpec(f"SYN-{ftype}-{block_code}-{i + 1:02d}", values, _depts(ftype, dept_ids))
                )
    return specs


def generate_synthetic_network(seed: int = 2026) -> SyntheticResult:
    """Upsert the network (needs load_places first). Same seed, same network; re-run writes nothing."""
    if not GramPanchayat.objects.filter(block__isnull=False).exists():
        raise DomainError(_("Load the geography first (manage.py load_places)."), code="no_places")
    dept_ids = ensure_departments()
    specs = _named_specs(dept_ids) + _gp_level_specs(seed, dept_ids)
    result = SyntheticResult()
    for spec in specs:
        ftype = spec.values["facility_type"]
        result.per_type[ftype] = result.per_type.get(ftype, 0) + 1
    result.counts = do_upsert_facilities(specs)
    return result
