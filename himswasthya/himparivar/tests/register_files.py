"""Small register exports for the import and sync tests: families in JSON shape, written as CSV or JSON."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

from himswasthya.core.validators import luhn_check_digit
from himswasthya.himparivar.importer import CSV_COLUMNS, FAMILY_COLUMNS
from himswasthya.himparivar.models import Family, Member
from himswasthya.people.models import Person, PersonIdentifier


def abha(payload: str) -> str:
    return payload + str(luhn_check_digit(payload))


ABHA_1 = abha("9123456789012")
ABHA_2 = abha("9187654321098")


def _member(member_id: str, relation: str, name: str, deva: str, sex: str, **extra: Any) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "relation": relation,
        "name_roman": name,
        "name_deva": deva,
        "sex": sex,
        **extra,
    }


def sample_families() -> list[dict[str, Any]]:
    return [
        {
            "family_id": "HPF-T-0001",
            "district_lgd": 23,
            "block_lgd": 9001,
            "panchayat_code": "9001-0",
            "address": "Ward 2, Mashobra",
            "ration_card_no": "HP23000000001",
            "ration_card_type": "PHH",
            "is_bpl": True,
            "social_category": "GEN",
            "verification_status": "VERIFIED",
            "verified_on": "2025-03-01",
            "head_member_id": "HPM-T-0001",
            "members": [
                _member(
                    "HPM-T-0001",
                    "SELF",
                    "Ramesh Thakur",
                    "रमेश ठाकुर",
                    "M",
                    date_of_birth="1970-05-02",
                    mobile="9816000001",
                    aadhaar_last4="1234",
                    marital_status="MARRIED",
                ),
                _member(
                    "HPM-T-0002",
                    "WIFE",
                    "Sunita Thakur",
                    "सुनीता ठाकुर",
                    "F",
                    year_of_birth=1974,
                    marital_status="MARRIED",
                    abha_number=ABHA_1,
                ),
                _member(
                    "HPM-T-0003",
                    "SON",
                    "Arjun Thakur",
                    "अर्जुन ठाकुर",
                    "M",
                    date_of_birth="2001-11-20",
                    abha_address="arjun.thakur@sbx",
                ),
            ],
        },
        {
            "family_id": "HPF-T-0002",
            "district_lgd": 18,
            "panchayat_code": "9002-1",
            "area_type": "RURAL",
            "head_member_id": "HPM-T-0004",
            "members": [
                _member(
                    "HPM-T-0004",
                    "SELF",
                    "Kamla Devi",
                    "कमला देवी",
                    "F",
                    year_of_birth=1950,
                    marital_status="WIDOWED",
                    status="ALIVE",
                ),
                _member(
                    "HPM-T-0005",
                    "SON",
                    "Vijay Kumar",
                    "विजय कुमार",
                    "M",
                    date_of_birth="1980-01-15",
                    mobile="+91 94180 00005",
                ),
            ],
        },
        {
            "family_id": "HPF-T-0003",
            "district_lgd": 23,
            "panchayat_code": "9001-2",
            "members": [
                _member(
                    "HPM-T-0006", "SELF", "Mohan Lal", "मोहन लाल", "M", year_of_birth=1965, abha_number=ABHA_2
                ),
                _member("HPM-T-0007", "DAUGHTER", "Priya", "प्रिया", "F", date_of_birth="2010-07-07"),
            ],
        },
    ]


def write_json(path: Path, families: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(families, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def csv_rows(families: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for family in families:
        family_fields = {k: v for k, v in family.items() if k != "members"}
        for member in family["members"]:
            rows.append({**family_fields, **member})
    return rows


def write_csv(
    path: Path, families: list[dict[str, Any]] | None = None, rows: list[dict] | None = None
) -> Path:
    rows = rows if rows is not None else csv_rows(families or [])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: ("true" if v is True else "false" if v is False else v) for k, v in row.items()}
            )
    return path


def with_change(
    families: list[dict[str, Any]], family_index: int, member_index: int | None = None, **changes: Any
) -> list[dict[str, Any]]:
    families = copy.deepcopy(families)
    target = (
        families[family_index] if member_index is None else families[family_index]["members"][member_index]
    )
    target.update(changes)
    return families


def database_state() -> dict[str, Any]:
    """Everything the import writes, keyed by natural ids (no row ids, no timestamps): for comparing runs."""
    families = sorted(
        (
            f["family_id"],
            *(f[c] for c in ("head_id", "district_id", "gram_panchayat_id", "address", "row_hash")),
        )
        for f in Family.objects.values()
    )
    members = sorted(
        (
            m["member_id"],
            m["family__family_id"],
            m["name_roman"],
            m["status"],
            m["row_hash"],
            m["person__name_roman"],
            m["person__mobile"],
            m["person__district_id"],
        )
        for m in Member.objects.values(
            "member_id",
            "family__family_id",
            "name_roman",
            "status",
            "row_hash",
            "person__name_roman",
            "person__mobile",
            "person__district_id",
        )
    )
    identifiers = sorted(
        (i["person__himparivar_member__member_id"] or "", i["id_type"], i["value"])
        for i in PersonIdentifier.objects.values("person__himparivar_member__member_id", "id_type", "value")
    )
    return {
        "families": families,
        "members": members,
        "identifiers": identifiers,
        "people": Person.objects.count(),
    }


assert set(FAMILY_COLUMNS) < set(CSV_COLUMNS)
