"""The HIMCARE link on each member's row of the citizen's "My family" page (himparivar.hooks, set in apps.py).

A member covered by the family's card in force gets the card (PDF); a member of a family with no card in
force gets the citizen's HIMCARE page, to pay the premium of an application or to enrol while a scheme year
is in force. A member left out of the family's card gets nothing: the citizen cannot add one online.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from himswasthya.accounts.scoping import scope_queryset
from himswasthya.himcare.enrolment.eligibility import scheme_year_in_force
from himswasthya.himcare.models import EnrolledMember, Enrolment, EnrolmentStatus
from himswasthya.himparivar.hooks import MemberLink
from himswasthya.himparivar.models import Family, MemberStatus


def himcare_links(user: Any, families: list[Family]) -> dict[int, MemberLink]:
    """{Member pk: link} for the living members of `families` that `user` (a citizen) may see."""
    live = scope_queryset(user, Enrolment.objects.filter(family__in=families))
    today = timezone.localdate()
    in_force = live.filter(status=EnrolmentStatus.ACTIVE, card_number__isnull=False, valid_to__gte=today)
    covered = dict(
        EnrolledMember.objects.filter(enrolment__in=in_force).values_list("member_id", "enrolment_id")
    )
    carded = set(in_force.values_list("family_id", flat=True))
    pending = set(live.filter(status=EnrolmentStatus.PENDING_PAYMENT).values_list("family_id", flat=True))
    my_card = reverse("himcare:my_card")
    enrol = MemberLink(_("Enrol in HIMCARE"), my_card, "himcare-enrol") if scheme_year_in_force() else None
    pay = MemberLink(_("Pay the HIMCARE premium"), my_card, "himcare-pay")
    links: dict[int, MemberLink] = {}
    for family in families:
        for member in family.members.all():
            if member.status != MemberStatus.ALIVE:
                continue
            if member.pk in covered:
                url = reverse("himcare:card", kwargs={"enrolment_id": covered[member.pk]})
                links[member.pk] = MemberLink(_("HIMCARE card"), url, "himcare-card")
            elif family.pk in carded:
                continue
            elif family.pk in pending:
                links[member.pk] = pay
            elif enrol is not None:
                links[member.pk] = enrol
    return links
