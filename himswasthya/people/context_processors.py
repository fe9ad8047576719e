"""`user_name` for every page: the signed-in user's name as the header and the greeting show it.

On a Hindi page a citizen is named in Devanagari ("नमस्ते, आशा देवी") from their own record: the living
member of their family who holds their registered mobile (the family register, asked through accounts
scoping) or whose patient record carries it. Staff accounts have no Devanagari name: theirs stays Roman.
The lookup runs only when a template shows the name.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from himswasthya.accounts.scoping import family_context, family_person_ids
from himswasthya.people.models import Person


def own_name(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    hindi = (get_language() or "").startswith("hi")
    return {"user_name": SimpleLazyObject(lambda: (hindi and devanagari_name(user)) or user.display_name)}


def devanagari_name(user: Any) -> str:
    """The citizen's Devanagari name from their own record, or "" (staff, no record, no Devanagari name, or
    several members on the mobile none of whom bears the account's name)."""
    if not user.is_citizen or not user.mobile:
        return ""
    people = list(
        Person.objects.filter(pk__in=family_person_ids(user), merged_into__isnull=True).only(
            "pk", "name_roman", "name_deva", "mobile"
        )
    )
    register = family_context(p.pk for p in people)
    own = [p for p in people if user.mobile in (p.mobile, getattr(register.get(p.pk), "mobile", None))]
    # A family phone: several members hold it; the one named like the account is the citizen.
    named = [p for p in own if p.name_roman.casefold() == user.display_name.casefold()]
    chosen = named or own
    return chosen[0].name_deva if len(chosen) == 1 else ""
