"""One demo login per role, scoped to real facilities/districts from the loaded data. Safe to run again."""

from __future__ import annotations

import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from himswasthya.accounts.mfa import DEMO_DEVICE_NAME, needs_second_factor
from himswasthya.accounts.models import Role, User
from himswasthya.demo.personas import DEMO_CITIZEN_MOBILE, demo_home_facility
from himswasthya.facilities.models import Facility

# Documented demo password (README / report); passes every validator. Override with DEMO_PASSWORD.
DEFAULT_DEMO_PASSWORD = "Himachal#Demo2026"
# The published TOTP key of every demo login that needs a second factor (accounts/mfa.py), base32
# DEMO_TOTP_SECRET. Set up an authenticator app with the printed otpauth URI, or with DEMO_MODE=1 read the
# current code off the second-factor page. Never use these logins outside a demo.
DEMO_TOTP_KEY_HEX = "48696d53776173746879612044656d6f20324632"  # b"HimSwasthya Demo 2F2" (20 bytes)
DEMO_TOTP_SECRET = "JBUW2U3XMFZXI2DZMEQEIZLNN4QDERRS"


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
            mfa_users = []
            for username, role, scope, first, last in specs:
                user = self._staff(username, role, scope, first, last, password)
                second = ""
                if needs_second_factor(user):
                    self._demo_device(user)
                    mfa_users.append(user)
                    second = " + TOTP"
                rows.append((username, password + second, user.get_role_display(), _scope_text(user)))
            citizen = self._citizen()
            rows.append(
                (citizen.username, f"mobile OTP: {citizen.mobile}", citizen.get_role_display(), "own data")
            )
        self._print(rows)
        if mfa_users:
            self._print_totp(mfa_users)

    def _pick_facilities(self):
        facilities = Facility.objects.select_related("district").filter(is_active=True)
        if not facilities.exists():
            raise CommandError(
                "No health facilities are loaded yet. Run `manage.py load_facilities --synthetic` "
                "(after `manage.py load_places`) and then run make_demo_users again."
            )
        home = demo_home_facility()
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

    def _demo_device(self, user: User):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=user).exclude(name=DEMO_DEVICE_NAME).delete()
        device, _ = TOTPDevice.objects.update_or_create(
            user=user,
            name=DEMO_DEVICE_NAME,
            defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True, "drift": 0, "last_t": -1},
        )
        return device

    def _print_totp(self, users: list[User]) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        secret = DEMO_TOTP_SECRET
        self.stdout.write("")
        self.stdout.write(
            "Second factor (TOTP) for "
            + ", ".join(u.username for u in users)
            + f": demo key {secret} (the same for all; with DEMO_MODE=1 the second-factor page shows "
            + "the code)."
        )
        for user in users:
            device = TOTPDevice.objects.get(user=user, name=DEMO_DEVICE_NAME)
            self.stdout.write(f"  {user.username}: {device.config_url}")

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
