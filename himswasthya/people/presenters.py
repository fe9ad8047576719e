"""Plain dicts of a person for pages and the API, with identifiers shown the way the rules require.

ABHA numbers as XX-XXXX-XXXX-XXXX, Aadhaar only as XXXX-XXXX-1234 (SEC-17), mobiles masked in lists; the full
mobile only on a profile opened with a purpose (which is audited).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from himswasthya.core.validators import format_abha_number, mask_aadhaar_last4, mask_mobile
from himswasthya.people.models import IdentifierType, Person, PersonIdentifier
from himswasthya.people.services import SearchHit


def _place_name(place: Any) -> str:
    if place is None:
        return ""
    if (get_language() or "en").startswith("hi") and getattr(place, "name_hi", ""):
        return place.name_hi
    return place.name


def show_identifier(identifier: PersonIdentifier) -> str:
    if identifier.id_type == IdentifierType.ABHA_NUMBER:
        return format_abha_number(identifier.value)
    if identifier.id_type == IdentifierType.AADHAAR_LAST4:
        return mask_aadhaar_last4(identifier.value)
    return identifier.value


def family_url(family_id: str) -> str:
    # The family register's page, by URL string: people sits below himparivar and may not import it.
    return f"/families/{family_id}/" if family_id else ""


def person_summary(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name_roman": person.name_roman,
        "name_deva": person.name_deva,
        "sex": person.sex,
        "sex_display": str(person.get_sex_display()),
        "age": person.age(),
        "year_of_birth": person.year_of_birth,
        "district": _place_name(person.district),
        "gram_panchayat": _place_name(person.gram_panchayat),
        "mobile_masked": mask_mobile(person.mobile or ""),
        "merged_into_id": person.merged_into_id,
    }


def hit_card(hit: SearchHit) -> dict[str, Any]:
    return {
        **person_summary(hit.person),
        "score": hit.score,
        "matched_by": hit.matched_by,
        "family_id": hit.family_id,
        "relation": hit.relation,
        "relation_label": hit.relation_label,
        "family_url": family_url(hit.family_id),
    }


def person_card(person: Person, family: tuple[str, ...] = ("", "")) -> dict[str, Any]:
    """The profile: both names, age, place, identifiers (masked as required), the full mobile (a purpose
    was given and audited)."""
    identifiers = [
        {
            "id_type": identifier.id_type,
            "label": str(identifier.get_id_type_display()),
            "value": show_identifier(identifier),
            "issuer": identifier.issuer,
            "verified": identifier.verified,
            "source": identifier.source,
        }
        for identifier in sorted(person.identifiers.all(), key=lambda i: (i.id_type, i.pk))
    ]
    return {
        **person_summary(person),
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "mobile": person.mobile or "",
        "name_roman_machine": person.name_roman_machine,
        "name_deva_machine": person.name_deva_machine,
        "is_synthetic": person.is_synthetic,
        "identifiers": identifiers,
        "family_id": family[0],
        "relation": family[1],
        "relation_label": getattr(family, "relation_label", family[1]),
        "family_url": family_url(family[0]),
    }
