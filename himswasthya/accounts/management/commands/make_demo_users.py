"""One demo login per role, scoped to real facilities/districts from the loaded data. Safe to run again."""

from __future__ import annotations

import os

from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from himswasthya.accounts.models import Role, User

# Documented demo password (README / report); passes every validator. Override with DEMO_PASSWORD.
DEFAULT_DEMO_PASSWORD = "Himachal#Demo2026"
DEMO_CITIZEN_MOBILE = "9800000001"
# Shimla is district 23 in the LGD directory (25 is Solan); matched by name as well.
SHIMLA_LGD = 23


class Command(BaseCommand):
    help = "Create or refresh demo logins for every role and print them."

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        home, other = self._pick_facilities()
        rows = []
        with transaction.atomic():
            specs = [
                ("demo.clerk", Role.REGISTRATION_CLERK, {"facility": home}, "Ravi", "Thakur"),
                ("demo.doctor", Role.DOCTOR, {"facility": home}, "Meena", "Sharma"),
                ("demo.facility_admin", Role.FACILITY_ADMIN, {"facility": home}, "Sunil", "Verma"),
                ("demo.scheme_desk", Role.SCHEME_DESK, {"facility": home}, "Neha", "Guleria"),
                ("demo.other_clerk", Role.REGISTRATION_CLERK, {"facility": other}, "Anita", "Katoch"),
                (
                    "demo.district_officer",
                    Role.DISTRICT_OFFICER,
                    {"district": home.district},
                    "Rajesh",
                    "Chauhan",
                ),
                (
                    "demo.other_district_officer",
                    Role.DISTRICT_OFFICER,
                    {"district": other.district},
                    "Kamla",
                    "Rana",
                ),
                ("demo.himcare_officer", Role.HIMCARE_OFFICER, {}, "Deepak", "Negi"),
                ("demo.grievance_officer", Role.GRIEVANCE_OFFICER, {}, "Pooja", "Kanwar"),
                (
                    "demo.state_admin",
                    Role.STATE_ADMIN,
                    {"is_staff": True, "is_superuser": True},
                    "Vikram",
                    "Singh",
                ),
            ]
            for username, role, scope, first, last in specs:
                user = self._staff(username, role, scope, first, last, password)
                rows.append((username, password, user.get_role_display(), _scope_text(user)))
            citizen = self._citizen()
            rows.append(
                (citizen.username, f"mobile OTP: {citizen.mobile}", citizen.get_role_display(), "own data")
            )
        self._print(rows)

    def _pick_facilities(self):
        Facility = apps.get_model("facilities", "Facility")
        facilities = Facility.objects.select_related("district").filter(is_active=True)
        if not facilities.exists():
            raise CommandError(
                "No health facilities are loaded yet. Run `manage.py load_facilities --synthetic` "
                "(after `manage.py load_places`) and then run make_demo_users again."
            )
        shimla = Q(district__lgd_code=SHIMLA_LGD) | Q(district__name__iexact="Shimla")
        home = (
            facilities.filter(shimla, facility_type="MC").order_by("code").first()
            or facilities.filter(shimla).order_by("code").first()
            or facilities.filter(facility_type="MC").order_by("code").first()
            or facilities.order_by("code").first()
        )
        other = (
            facilities.exclude(district=home.district).order_by("code").first()
            or facilities.exclude(pk=home.pk).order_by("code").first()
            or home
        )
        return home, other

    def _staff(self, username, role, scope, first, last, password) -> User:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.first_name, user.last_name = first, last
        user.facility = scope.get("facility")
        user.district = scope.get("district")
        user.is_staff = scope.get("is_staff", False)
        user.is_superuser = scope.get("is_superuser", False)
        user.is_active = True
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(f"DEMO_PASSWORD is not acceptable: {' '.join(exc.messages)}") from exc
        user.set_password(password)
        user.save()
        return user

    def _citizen(self) -> User:
        user = User.objects.filter(mobile=DEMO_CITIZEN_MOBILE).first()
        if user is None:
            user = User(username="demo.citizen", mobile=DEMO_CITIZEN_MOBILE)
        if user.role != Role.CITIZEN:
            raise CommandError(f"Mobile {DEMO_CITIZEN_MOBILE} already belongs to staff user {user.username}.")
        user.first_name, user.last_name = "Asha", "Devi"
        user.set_unusable_password()
        user.save()
        return user

    def _print(self, rows) -> None:
        header = ("Username", "Password / login", "Role", "Scope")
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write(line.format(*header))
        self.stdout.write("  ".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write(line.format(*[str(c) for c in row]))
        self.stdout.write(
            self.style.SUCCESS(f"{len(rows)} demo logins ready. Staff: /login/  Citizen: /login/mobile/")
        )


def _scope_text(user: User) -> str:
    if facility := user.facility:
        return f"facility {facility.code} {facility.name} ({facility.district.name})"
    if district := user.district:
        return f"district {district.name} (LGD {district.lgd_code})"
    return "state-wide"
