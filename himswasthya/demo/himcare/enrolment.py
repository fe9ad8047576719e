"""HIMCARE demo data, part 1 (enrolment): the 2026-27 scheme year and its categories, a small AB-PMJAY list,
eligibility facts for the synthetic population, and enrolments of about 60% of the eligible families, among
them the demo citizen's family (mobile 9800000001), active, so "My HIMCARE card" shows a card.

Idempotent. The enrolments are written in bulk (one service call per family would be slow), as exactly the
rows the enrolment service leaves after payment: enrolment, enrolled members in units, the premium payment,
the card number (HC + year + district LGD + district serial + MOD 11-2 check), validity and the wallet.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.demo.personas import DEMO_CITIZEN_MOBILE
from himswasthya.demo.population.generator import eligibility_facts
from himswasthya.himcare.enrolment.eligibility import CATEGORY_RULES, evaluate_family, units_for
from himswasthya.himcare.enrolment.services import (
    add_months,
    card_number,
    is_valid_card_number,
    random_card_serial,
)
from himswasthya.himcare.models import (
    CategoryRule,
    EnrolledMember,
    Enrolment,
    EnrolmentStatus,
    PaymentMethod,
    PaymentStatus,
    PmjayFamily,
    PremiumPayment,
    SchemeYear,
    Wallet,
)
from himswasthya.himparivar.models import Family, Member

SEED = 2026
ENROL_SHARE = 0.60
PMJAY_SHARE = 0.05


def make_scheme_year() -> SchemeYear:
    """2026-27 with the rules of July 2025: a one-year card; renewal any time; expired cards and new families
    only in the enrolment months (Mar/Jun/Sep/Dec). FOR THE DEMO `new_enrolment_months` is [] (all year) so
    that demo users can enrol a family today; set it to [3, 6, 9, 12] to see the real window refuse them."""
    year, _created = SchemeYear.objects.update_or_create(
        code="2026-27",
        defaults={
            "starts_on": datetime.date(2026, 4, 1),
            "ends_on": datetime.date(2027, 3, 31),
            "notification": "HIMCARE rules as notified in July 2025 (demo configuration)",
            "cover_per_unit_paise": 500_000_00,
            "max_members_per_unit": 5,
            "card_validity_months": 12,
            "new_enrolment_months": [],  # real rule: [3, 6, 9, 12]; open all year for the demo
            "renewal_window_days": 366,  # renewal any time
            "expired_renewal_in_enrolment_months_only": True,
            "exclude_ab_pmjay": True,
            "exclude_government_employees": True,
            "is_active": True,
        },
    )
    for category, (premium, criteria) in CATEGORY_RULES.items():
        CategoryRule.objects.update_or_create(
            scheme_year=year,
            category=category,
            defaults={"premium_paise": premium, "criteria": [c.value for c in criteria]},
        )
    return year


def give_members_eligibility_facts() -> int:
    """Members of the synthetic population get occupation/disability/MGNREGA facts if none has any yet."""
    synthetic = Member.objects.filter(is_synthetic=True)
    has_facts = (
        synthetic.exclude(occupation="").exists()
        or synthetic.filter(disability_percent__gt=0).exists()
        or synthetic.filter(mgnrega_days__gt=0).exists()
    )
    if has_facts:
        return 0
    today = timezone.localdate()
    changed = []
    for member in synthetic.only("id", "member_id", "sex", "year_of_birth", "date_of_birth").iterator(2000):
        age = today.year - (member.date_of_birth.year if member.date_of_birth else member.year_of_birth)
        for name, value in eligibility_facts(member.member_id, member.sex, age).items():
            setattr(member, name, value)
        changed.append(member)
    fields = ["occupation", "disability_percent", "mgnrega_days", "in_child_care_institution"]
    for start in range(0, len(changed), 1000):
        Member.objects.bulk_update(changed[start : start + 1000], fields)
    return len(changed)


def demo_citizen_family() -> Family | None:
    return Family.objects.filter(members__mobile=DEMO_CITIZEN_MOBILE).order_by("id").first()


def make_pmjay_list(rng: random.Random, keep_out: set[int]) -> int:
    if PmjayFamily.objects.exists():
        return 0
    ids = list(Family.objects.order_by("id").values_list("id", flat=True))
    chosen = [pk for pk in ids if pk not in keep_out and rng.random() < PMJAY_SHARE]
    PmjayFamily.objects.bulk_create(
        [
            PmjayFamily(
                family_id=pk,
                source="AB-PMJAY beneficiary list (SECC 2011), demo",
                listed_on=datetime.date(2019, 1, 1),
            )
            for pk in chosen
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(chosen)


class _Cards:
    """Random, unique serials per (scheme year, district), like `enrolment._activate` (drawn from the demo's
    seeded generator so that the demo is reproducible)."""

    def __init__(self, year: SchemeYear, rng: random.Random):
        self.year = year
        self.rng = rng
        prefix = card_number(year.starts_on.year, 0, 1)[:4]
        self.used = set(
            Enrolment.objects.filter(card_number__startswith=prefix).values_list("card_number", flat=True)
        )

    def issue(self, district_lgd: int) -> str:
        while True:
            number = card_number(self.year.starts_on.year, district_lgd, random_card_serial(self.rng))
            if number not in self.used:
                self.used.add(number)
                return number


def enrol_families(year: SchemeYear, rng: random.Random, force: set[int]) -> dict[str, int]:
    """Enrol ~60% of eligible, not yet enrolled families (and every family in `force`) in bulk."""
    today = timezone.localdate()
    already = set(Enrolment.objects.filter(scheme_year=year).values_list("family_id", flat=True))
    families = Family.objects.exclude(pk__in=already)
    if already:  # the demo ran before: only make sure the forced families are enrolled
        families = families.filter(pk__in=force)
    families = families.select_related("district", "pmjay_listing").prefetch_related("members").order_by("id")
    cards = _Cards(year, rng)
    counts = {"eligible": 0, "enrolled": 0, "active": 0, "pending": 0}
    used_numbers = set(Enrolment.objects.values_list("enrolment_no", flat=True))
    batch: list[tuple[Enrolment, list[Member], str]] = []
    span = max(1, (today - year.starts_on).days)
    for family in families.iterator(chunk_size=500):
        decision = evaluate_family(family, year, today)
        if not decision.eligible:
            continue
        counts["eligible"] += 1
        if family.pk not in force and rng.random() >= ENROL_SHARE:
            continue
        members = decision.members
        units = units_for(len(members), year)
        premium = decision.premium_paise * units
        valid_from = year.starts_on + datetime.timedelta(days=rng.randrange(span))
        pending = family.pk not in force and premium > 0 and rng.random() < 0.05
        while True:
            number = f"HCA{year.starts_on.year % 100:02d}{valid_from:%m%d}{rng.randrange(10**6):06d}"
            if number not in used_numbers:
                used_numbers.add(number)
                break
        enrolment = Enrolment(
            enrolment_no=number,
            family=family,
            scheme_year=year,
            category=decision.category,
            premium_paise=premium,
            units=units,
            cover_paise=units * year.cover_per_unit_paise,
            status=EnrolmentStatus.PENDING_PAYMENT if pending else EnrolmentStatus.ACTIVE,
            channel=rng.choice(["counter", "counter", "csc", "citizen", "officer"]),
        )
        if family.pk in force:
            enrolment.channel = "counter"
        if not pending:
            enrolment.card_number = cards.issue(family.district.lgd_code)
            enrolment.valid_from = valid_from
            enrolment.valid_to = add_months(valid_from, year.card_validity_months)
            enrolment.activated_at = timezone.make_aware(
                datetime.datetime.combine(valid_from, datetime.time(11))
            )
        method = (
            PaymentMethod.FREE
            if premium == 0
            else (PaymentMethod.ONLINE if enrolment.channel == "citizen" else PaymentMethod.COUNTER)
        )
        batch.append((enrolment, members, method))
        if len(batch) >= 500:
            _write(batch, year, rng, counts)
            batch = []
    if batch:
        _write(batch, year, rng, counts)
    return counts


def _write(
    batch: list[tuple[Enrolment, list[Member], str]], year: SchemeYear, rng: random.Random, counts: dict
) -> None:
    size = max(1, year.max_members_per_unit)
    with transaction.atomic():
        Enrolment.objects.bulk_create([e for e, _m, _p in batch])
        saved = {
            e.enrolment_no: e
            for e in Enrolment.objects.filter(enrolment_no__in=[e.enrolment_no for e, _m, _p in batch])
        }
        members: list[EnrolledMember] = []
        payments: list[PremiumPayment] = []
        wallets: list[Wallet] = []
        for enrolment, chosen, method in batch:
            row = saved[enrolment.enrolment_no]
            members.extend(
                EnrolledMember(enrolment=row, member=m, person_id=m.person_id, unit_no=i // size + 1)
                for i, m in enumerate(chosen)
            )
            counts["enrolled"] += 1
            if row.status == EnrolmentStatus.PENDING_PAYMENT:
                counts["pending"] += 1
                continue
            counts["active"] += 1
            assert is_valid_card_number(row.card_number)
            paid_at = row.activated_at
            if method == PaymentMethod.FREE:
                order_id, receipt, gateway_id = f"FREE-{row.enrolment_no}", "", ""
            elif method == PaymentMethod.ONLINE:
                order_id, receipt, gateway_id = (
                    f"order_{rng.getrandbits(56):014x}",
                    "",
                    f"pay_{rng.getrandbits(56):014x}",
                )
            else:
                order_id, receipt, gateway_id = (
                    f"CTR-{row.enrolment_no}-{rng.randrange(10**4):04d}",
                    f"HC-R-{row.pk:07d}",
                    "",
                )
            payments.append(
                PremiumPayment(
                    enrolment=row,
                    amount_paise=row.premium_paise,
                    method=method,
                    status=PaymentStatus.SUCCESS,
                    order_id=order_id,
                    gateway_payment_id=gateway_id,
                    receipt_no=receipt,
                    paid_at=paid_at,
                )
            )
            wallets.append(Wallet(enrolment=row, cover_paise=row.cover_paise))
        EnrolledMember.objects.bulk_create(members, batch_size=1000)
        PremiumPayment.objects.bulk_create(payments, batch_size=1000)
        Wallet.objects.bulk_create(wallets, batch_size=1000)
        _backdate(list(saved.values()), payments, rng)


def _backdate(enrolments: list[Enrolment], payments: list[PremiumPayment], rng: random.Random) -> None:
    """The applications were made over the past months, not when the demo was loaded: each one a few days
    before its card became valid (one awaiting payment, in the last fortnight); a payment when it was paid."""
    now = timezone.now()
    for enrolment in enrolments:
        before = enrolment.activated_at or now
        enrolment.created_at = before - datetime.timedelta(days=rng.randint(0, 14), hours=rng.randint(1, 8))
    Enrolment.objects.bulk_update(enrolments, ["created_at"], batch_size=500)
    for payment in payments:
        payment.created_at = payment.paid_at or now
    PremiumPayment.objects.bulk_update(payments, ["created_at"], batch_size=500)


def make_demo(stdout: Any) -> dict[str, int]:
    rng = random.Random(SEED)
    year = make_scheme_year()
    facts = give_members_eligibility_facts()
    citizen_family = demo_citizen_family()
    force = {citizen_family.pk} if citizen_family else set()
    if citizen_family:
        # The demo citizen's family must be eligible: not on the AB-PMJAY list, no government employee.
        PmjayFamily.objects.filter(family=citizen_family).delete()
        citizen_family.members.filter(occupation__in=["GOVT_EMP", "GOVT_PEN"]).update(occupation="PRIVATE")
    pmjay = make_pmjay_list(rng, force)
    counts = enrol_families(year, rng, force)
    if citizen_family is not None:
        live = citizen_family.himcare_enrolments.filter(scheme_year=year).first()
        if live is not None and live.status != EnrolmentStatus.ACTIVE:
            stdout.write(f"  note: the demo citizen's family enrolment is {live.status}")
    record(
        AuditAction.HIMCARE_DEMO_ENROLMENT,
        object_type="himcare.Enrolment",
        purpose="himcare_enrolment",
        actor=None,
        detail={"pmjay": pmjay, "facts": facts, **counts},
    )
    stdout.write(
        f"  scheme year {year.code}; members given eligibility facts: {facts}; "
        f"AB-PMJAY families listed: {pmjay}; "
        f"eligible families: {counts['eligible']}, enrolled now: {counts['enrolled']} "
        f"(active {counts['active']}, awaiting payment {counts['pending']})"
    )
    return {"pmjay": pmjay, "facts": facts, **counts}
