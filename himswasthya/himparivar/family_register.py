"""The family register's answers to accounts scoping (`accounts.scoping.FamilyRegister`).

accounts and the apps below the register (people, abdm) may not import himparivar nor walk its reverse
relations by name; apps.HimparivarConfig.ready registers this object, and they ask accounts.scoping:
`family_ids`, `family_person_ids` (living members only), `family_context`, `person_ids_in_family`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from himswasthya.accounts.scoping import FamilyContext
from himswasthya.himparivar.models import Member, MemberStatus, Relation, family_contact_mobile


class HimParivarRegister:
    def family_ids(self, mobile: str) -> QuerySet[Any]:
        """Families in which a living member holds `mobile` (a deceased or migrated member's mobile does not
        count)."""
        return Member.objects.filter(mobile=mobile, status=MemberStatus.ALIVE).values_list(
            "family_id", flat=True
        )

    def living_person_ids(self, family_ids: Any) -> QuerySet[Any]:
        return Member.objects.filter(family_id__in=family_ids, status=MemberStatus.ALIVE).values_list(
            "person_id", flat=True
        )

    def acting_person_ids(self, mobile: str, person_id: int) -> QuerySet[Any]:
        family = Member.objects.filter(person_id=person_id).values_list("family_id", flat=True)
        return Member.objects.filter(
            family_id__in=family, mobile=mobile, status=MemberStatus.ALIVE
        ).values_list("person_id", flat=True)

    def family_context(self, person_ids: Iterable[int]) -> dict[int, FamilyContext]:
        rows = Member.objects.filter(person_id__in=list(person_ids)).values_list(
            "person_id", "family__family_id", "relation", "family__district_id", "mobile"
        )
        return {
            pk: FamilyContext(family or "", relation or "", district, mobile or "", _relation_label(relation))
            for pk, family, relation, district, mobile in rows
        }

    def person_ids_in_family(self, family_code: str) -> QuerySet[Any]:
        return Member.objects.filter(family__family_id=family_code).values_list("person_id", flat=True)

    def contact_mobile(self, person_id: int) -> str | None:
        member = Member.objects.filter(person_id=person_id).select_related("family").first()
        if member is None:
            return None
        family = member.family
        return family_contact_mobile(family, list(family.members.order_by("pk")))


REGISTER = HimParivarRegister()


def _relation_label(code: str | None) -> str:
    return str(Relation(code).label) if code in Relation.values else code or ""
