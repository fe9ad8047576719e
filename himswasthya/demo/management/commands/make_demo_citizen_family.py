"""Give the demo citizen a family: the head of one synthetic family gets the demo citizen's mobile.

The citizen then sees "My family", can link ABHAs and book OPD appointments for its members. Idempotent.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from himswasthya.accounts.models import Role, User
from himswasthya.core.validators import normalise_mobile
from himswasthya.demo.personas import DEMO_CITIZEN_MOBILE, SHIMLA_LGD
from himswasthya.himparivar.models import Family, Member, Relation


class Command(BaseCommand):
    help = "Make the head of one synthetic family (in Shimla) the demo citizen, by mobile number."

    def add_arguments(self, parser):
        parser.add_argument("--mobile", default=DEMO_CITIZEN_MOBILE)

    @transaction.atomic
    def handle(self, *args, mobile: str, **options):
        mobile = normalise_mobile(mobile)
        existing = Member.objects.filter(mobile=mobile).select_related("family").first()
        if existing:
            self.stdout.write(f"Mobile already belongs to family {existing.family.family_id}; nothing to do.")
            return
        families = (
            Family.objects.filter(is_synthetic=True).annotate(size=Count("members")).filter(size__gte=3)
        )
        family = (
            families.filter(district__lgd_code=SHIMLA_LGD).order_by("pk").first()
            or families.order_by("pk").first()
        )
        if family is None:
            raise CommandError("No synthetic families: run `manage.py make_population` first.")
        head = family.members.filter(relation=Relation.SELF).select_related("person").first()
        if head is None:
            raise CommandError(f"Family {family.family_id} has no head member.")
        head.mobile = mobile
        head.save(update_fields=["mobile"])
        head.person.mobile = mobile
        head.person.save(update_fields=["mobile"])
        # The citizen's account shows the head's name, so the demo reads as one person.
        User.objects.filter(mobile=mobile, role=Role.CITIZEN).update(
            first_name=head.person.given_name, last_name=head.person.family_name
        )
        self.stdout.write(
            f"Demo citizen ({mobile}) is now {head.name_roman}, head of family {family.family_id} "
            f"({family.members.count()} members)."
        )
