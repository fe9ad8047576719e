"""What staff see of a family: names in both scripts, ages, and identifiers masked as SEC-17 requires."""

from __future__ import annotations

import datetime
from typing import Any

from himswasthya.core.validators import format_abha_number, mask_aadhaar_last4, mask_mobile
from himswasthya.himparivar.models import Family, Member
from himswasthya.people.models import IdentifierType


def _identifier(member: Member, id_type: str) -> str:
    # Read from the prefetched identifiers: no query per member.
    for identifier in member.person.identifiers.all():
        if identifier.id_type == id_type:
            return identifier.value
    return ""


def member_card(member: Member, today: datetime.date | None = None) -> dict[str, Any]:
    abha = _identifier(member, IdentifierType.ABHA_NUMBER)
    return {
        "member_id": member.member_id,
        "person_id": member.person_id,
        "relation": member.relation,
        "relation_display": member.get_relation_display(),
        "name_roman": member.name_roman,
        "name_deva": member.name_deva,
        "sex": member.sex,
        "sex_display": member.get_sex_display(),
        "age": member.person.age(today),
        "year_of_birth": member.year_of_birth,
        "mobile_masked": mask_mobile(member.mobile or ""),
        "aadhaar_masked": mask_aadhaar_last4(member.aadhaar_last4),
        "abha_number": format_abha_number(abha) if abha else "",
        "abha_address": _identifier(member, IdentifierType.ABHA_ADDRESS),
        "status": member.status,
        "status_display": member.get_status_display(),
    }


def family_card(family: Family, today: datetime.date | None = None) -> dict[str, Any]:
    return {
        "family_id": family.family_id,
        "head_member_id": family.head_id or "",
        "area_type": family.area_type,
        "district": family.district.display_name(),
        "block": family.block.display_name() if family.block else "",
        "gram_panchayat": family.gram_panchayat.display_name() if family.gram_panchayat else "",
        "address": family.address,
        "ration_card_type": family.ration_card_type,
        "ration_card_type_display": family.get_ration_card_type_display(),
        "is_bpl": family.is_bpl,
        "social_category": family.social_category,
        "verification_status": family.verification_status,
        "verification_status_display": family.get_verification_status_display(),
        "is_synthetic": family.is_synthetic,
        "members": [member_card(m, today) for m in family.members.all()],
    }
