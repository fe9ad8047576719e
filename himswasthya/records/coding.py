"""A doctor's own short lists of ICD-10 codes on the workbench: the codes they used last and their favourites.

About the doctor's habits, not about a patient: the recent codes are read from the doctor's own diagnoses
without naming an encounter or a person, so no patient's record is read (nothing to audit); a favourite is the
doctor's own setting.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import User
from himswasthya.accounts.scoping import require_role
from himswasthya.codelists.models import Icd10Code
from himswasthya.records.models import Diagnosis, FavouriteCode
from himswasthya.records.services import RECORD_ROLES, NotCodable, RecordError, UnknownCode

RECENT_COUNT = 10
RECENT_SCAN = 200  # the doctor's last diagnoses looked at for distinct recent codes
MAX_FAVOURITES = 40


def recent_codes(user: User, count: int = RECENT_COUNT) -> list[Icd10Code]:
    """The distinct codes of the doctor's latest diagnoses, most recent first."""
    require_role(user, *RECORD_ROLES)
    ids = (
        Diagnosis.objects.filter(encounter__practitioner=user)
        .order_by("-pk")
        .values_list("icd10_id", flat=True)[:RECENT_SCAN]
    )
    ordered = list(dict.fromkeys(ids))[:count]
    found = Icd10Code.objects.in_bulk(ordered)
    return [found[pk] for pk in ordered if pk in found]


def favourite_codes(user: User) -> list[Icd10Code]:
    require_role(user, *RECORD_ROLES)
    return [f.icd10 for f in FavouriteCode.objects.filter(doctor=user).select_related("icd10")]


def toggle_favourite(user: User, code: str) -> bool:
    """Add the codable code to the doctor's favourites, or take it off; True when it is a favourite now."""
    require_role(user, *RECORD_ROLES)
    code = (code or "").strip().upper()
    icd10 = Icd10Code.objects.filter(code=code).first()
    if icd10 is None:
        raise UnknownCode(_("This is not an ICD-10 code."), field="code")
    if not icd10.is_codable:
        raise NotCodable(
            _("%(code)s is a group of codes: choose one of its more specific codes.") % {"code": code},
            field="code",
        )
    with transaction.atomic():
        deleted, _rows = FavouriteCode.objects.filter(doctor=user, icd10=icd10).delete()
        if deleted:
            return False
        if FavouriteCode.objects.filter(doctor=user).count() >= MAX_FAVOURITES:
            raise RecordError(
                _("You can keep at most %(n)d favourite codes.") % {"n": MAX_FAVOURITES},
                field="code",
                code="favourites_full",
            )
        FavouriteCode.objects.get_or_create(doctor=user, icd10=icd10)
    return True
