"""Him Parivar register operations: staff look-ups of families (audited)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import DISTRICT_ROLES, FACILITY_ROLES, Role
from himswasthya.accounts.scoping import require_role, scope_queryset
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.core.validators import normalise_mobile
from himswasthya.himparivar.models import Family, Member

# Who may look families up: staff of a facility or district, HIMCARE officers and the state (never citizens).
FAMILY_READER_ROLES = (*FACILITY_ROLES, *DISTRICT_ROLES, Role.HIMCARE_OFFICER, Role.STATE_ADMIN)

# SEC-1: why a member of staff opens a family. The code goes into the audit entry.
PURPOSES = {
    "opd_registration": _("OPD registration"),
    "himcare_enrolment": _("HIMCARE enrolment"),
    "treatment": _("Treatment"),
    "public_health": _("Public health programme"),
}
DEFAULT_PURPOSE = "opd_registration"
SEARCH_LIMIT = 25


# --- staff look-ups -------------------------------------------------------------------------------
def families_visible_to(user: Any) -> QuerySet[Family]:
    """The families `user` may see. Citizens and unknown roles are refused (403) before any query.

    Scoping is the accounts component's (Family.scope_paths): facility staff and district officers see their
    district, HIMCARE officers and the state everything.
    """
    require_role(user, *FAMILY_READER_ROLES)
    return scope_queryset(user, Family.objects.select_related("district", "block", "gram_panchayat"))


def _clean_purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise DomainError(
            _("Choose why you are looking at this family."), field="purpose", code="purpose_invalid"
        )
    return purpose


_FAMILY_OR_MEMBER_ID = re.compile(r"^[A-Za-z0-9-]{4,32}$")


def search_families(user: Any, query: str, *, purpose: str = DEFAULT_PURPOSE) -> list[Family]:
    """Families by family id, member id or mobile number, within the user's scope; the search is audited."""
    visible = families_visible_to(user)
    purpose = _clean_purpose(purpose)
    text = (query or "").strip()
    if not text:
        raise DomainError(
            _("Enter a family id, a member id or a mobile number."), field="q", code="query_empty"
        )
    try:
        mobile = normalise_mobile(text)
    except ValidationError:
        mobile = None
    if mobile:
        kind, matches = "mobile", visible.filter(members__mobile=mobile).distinct()
    elif _FAMILY_OR_MEMBER_ID.match(text):
        kind = "id"
        needle = text.upper()
        matches = visible.filter(family_id=needle) | visible.filter(members__member_id=needle)
        matches = matches.distinct()
    else:
        raise DomainError(
            _("Enter a family id, a member id or a mobile number."), field="q", code="query_invalid"
        )
    results = list(matches.order_by("family_id")[:SEARCH_LIMIT])
    record(
        AuditAction.FAMILY_SEARCH,
        object_type="himparivar.Family",
        purpose=purpose,
        detail={"by": kind, "results": len(results)},
    )
    return results


def do_read_family(user: Any, family_id: str, *, purpose: str = DEFAULT_PURPOSE) -> Family:
    """One family with its members (and their patient-index identifiers), recorded in the audit log.

    A family outside the user's scope is "not found", so ids of other districts' families are not confirmed.
    """
    visible = families_visible_to(user)
    purpose = _clean_purpose(purpose)
    members = Member.objects.select_related("person").prefetch_related("person__identifiers").order_by("id")
    try:
        family = visible.prefetch_related(Prefetch("members", queryset=members)).get(
            family_id=(family_id or "").strip().upper()
        )
    except Family.DoesNotExist as exc:
        raise NotFound(_("No family with this id in your area."), field="family_id") from exc
    record(
        AuditAction.FAMILY_READ,
        object_type="himparivar.Family",
        object_id=family.family_id,
        purpose=purpose,
        district_id=family.district_id,
    )
    return family
