"""The enrolment demo: scheme year, AB-PMJAY list, eligibility facts, ~60% of eligible families enrolled as
the service would leave them, the demo citizen's family active; idempotent."""

from __future__ import annotations

import io

from himswasthya.demo.himcare import enrolment as demo_enrolment
from himswasthya.himcare.enrolment.eligibility import evaluate_family
from himswasthya.himcare.enrolment.services import is_valid_card_number
from himswasthya.himcare.models import Enrolment, EnrolmentStatus, PremiumPayment, SchemeYear, Wallet
from himswasthya.himcare.tests.factories import make_family
from himswasthya.himparivar.models import Member


def test_demo_enrols_most_eligible_families_like_the_service(db, persona_district):
    citizen_family, _ = make_family(
        persona_district,
        [
            {"name_roman": "Demo Citizen", "sex": "F", "relation": "SELF", "mobile": "9800000001"},
            {"name_roman": "Demo Husband", "sex": "M", "relation": "HUSBAND"},
        ],
    )
    for _ in range(60):
        make_family(persona_district)
    Member.objects.update(is_synthetic=True)

    out = io.StringIO()
    counts = demo_enrolment.make_demo(out)
    year = SchemeYear.objects.get(code="2026-27")
    assert year.new_enrolment_months == [] and year.category_rules.count() == 3
    assert counts["facts"] == Member.objects.count()
    assert 0.4 * counts["eligible"] <= counts["enrolled"] <= 0.8 * counts["eligible"] + 1

    mine = Enrolment.objects.get(family=citizen_family)
    assert mine.status == EnrolmentStatus.ACTIVE and is_valid_card_number(mine.card_number)
    cards = list(Enrolment.objects.exclude(card_number=None).values_list("card_number", flat=True))
    assert len(cards) == len(set(cards)) and all(is_valid_card_number(c) for c in cards)
    for enrolment in Enrolment.objects.all():
        decision = evaluate_family(enrolment.family, year)
        assert decision.eligible and enrolment.category == decision.category
        assert enrolment.members.count() == len(decision.members)
        assert enrolment.premium_paise == decision.premium_paise * enrolment.units
        if enrolment.status == EnrolmentStatus.ACTIVE:
            assert Wallet.objects.get(enrolment=enrolment).cover_paise == enrolment.cover_paise
            payment = PremiumPayment.objects.get(enrolment=enrolment, status="success")
            assert payment.amount_paise == enrolment.premium_paise
            assert enrolment.valid_to > enrolment.valid_from
            # Applied before the card became valid (over past months), paid when it was paid.
            assert enrolment.created_at < enrolment.activated_at and payment.created_at == payment.paid_at
        else:
            assert enrolment.card_number is None and not Wallet.objects.filter(enrolment=enrolment).exists()

    total = Enrolment.objects.count()
    demo_enrolment.make_demo(io.StringIO())
    assert Enrolment.objects.count() == total
