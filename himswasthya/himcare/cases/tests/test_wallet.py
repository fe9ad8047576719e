"""The family wallet: block / release / consume, refusals, the ledger, and a real race on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from himswasthya.core.tests.race import errors, race
from himswasthya.himcare.cases import wallet
from himswasthya.himcare.models import Wallet, WalletEntry
from himswasthya.himcare.tests.factories import (
    make_active_enrolment,
    make_family,
    make_scheme_year,
    needed_papers,
    sign_discharge_summary,
)


def _assert_ledger_matches(enrolment):
    totals = wallet.ledger_totals(enrolment)
    now = wallet.balance(enrolment)
    assert now.blocked_paise == totals["block"] - totals["release"] - totals["consume"]
    assert now.consumed_paise == totals["consume"]
    assert 0 <= now.blocked_paise + now.consumed_paise <= now.cover_paise


def test_block_consume_release_move_the_columns_and_write_the_ledger(active_enrolment, scheme_desk):
    cover = active_enrolment.cover_paise
    wallet.block(active_enrolment, 30_000_00, case=None, actor=scheme_desk)
    assert wallet.balance(active_enrolment).available_paise == cover - 30_000_00
    wallet.consume(active_enrolment, 25_000_00, case=None, actor=scheme_desk)
    wallet.release(active_enrolment, 5_000_00, case=None, actor=scheme_desk)
    now = wallet.balance(active_enrolment)
    assert (now.blocked_paise, now.consumed_paise) == (0, 25_000_00)
    assert now.available_paise == cover - 25_000_00
    kinds = list(WalletEntry.objects.order_by("id").values_list("kind", "amount_paise", "actor"))
    assert kinds == [
        ("block", 30_000_00, scheme_desk.pk),
        ("consume", 25_000_00, scheme_desk.pk),
        ("release", 5_000_00, scheme_desk.pk),
    ]
    _assert_ledger_matches(active_enrolment)


def test_block_above_the_available_cover_is_refused_with_the_amount_in_rupees(active_enrolment):
    wallet.block(active_enrolment, active_enrolment.cover_paise - 1_000_00, case=None, actor=None)
    with pytest.raises(wallet.InsufficientBalance) as caught:
        wallet.block(active_enrolment, 2_000_00, case=None, actor=None)
    assert caught.value.available_paise == 1_000_00
    assert "₹1,000" in str(caught.value.message) and "₹2,000" in str(caught.value.message)
    assert caught.value.code == "insufficient_balance" and caught.value.status == 409
    with translation.override("hi"):
        assert "₹1,000" in str(caught.value.message)
    assert WalletEntry.objects.count() == 1  # the refused block left no entry
    # Exactly the available amount can still be blocked.
    wallet.block(active_enrolment, 1_000_00, case=None, actor=None)
    assert wallet.balance(active_enrolment).available_paise == 0
    _assert_ledger_matches(active_enrolment)


def test_release_and_consume_more_than_blocked_are_refused(active_enrolment):
    wallet.block(active_enrolment, 1_000_00, case=None, actor=None)
    with pytest.raises(wallet.WalletError):
        wallet.release(active_enrolment, 1_000_01, case=None, actor=None)
    with pytest.raises(wallet.WalletError):
        wallet.consume(active_enrolment, 2_000_00, case=None, actor=None)
    assert wallet.balance(active_enrolment).blocked_paise == 1_000_00
    _assert_ledger_matches(active_enrolment)


@pytest.mark.parametrize("amount", [0, -5])
def test_amount_must_be_positive(active_enrolment, amount):
    with pytest.raises(wallet.DomainError) as caught:
        wallet.block(active_enrolment, amount, case=None, actor=None)
    assert caught.value.code == "amount_not_positive"


def test_changes_roll_back_with_the_callers_transaction(active_enrolment):
    with pytest.raises(RuntimeError), transaction.atomic():
        wallet.block(active_enrolment, 10_000_00, case=None, actor=None)
        raise RuntimeError
    assert wallet.balance(active_enrolment).blocked_paise == 0
    assert not WalletEntry.objects.exists()


# --- a real race: each thread its own PostgreSQL connection ------------------------------------------------
def _race(jobs, threads):
    """core's race with each job in its own transaction."""

    def in_transaction(job):
        def run():
            with transaction.atomic():
                return job()

        return run

    return race([in_transaction(job) for job in jobs], threads)


def _race_enrolment(district, code: str, **fields):
    """A family of `district` enrolled in a scheme year of its own (`code`), raced on by one test."""
    year = make_scheme_year(code=code)
    family, _ = make_family(district)
    return make_active_enrolment(family, year, **fields)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_hospitals_racing_never_block_more_than_the_cover(persona_district):
    enrolment = _race_enrolment(persona_district, "RACE-1", cover_paise=100_000_00)
    # 20 hospitals each ask for 7,000 (sum 1,40,000 > cover 1,00,000): exactly 14 can succeed.
    amounts = [7_000_00] * 20
    results = _race([lambda a=a: wallet.block(enrolment, a, case=None, actor=None) for a in amounts], 20)
    refused = errors(results)
    assert all(isinstance(r, wallet.InsufficientBalance) for r in refused), refused
    assert len(refused) == 6
    row = Wallet.objects.get(enrolment=enrolment)
    assert row.blocked_paise == 14 * 7_000_00 <= row.cover_paise
    _assert_ledger_matches(enrolment)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_mixed_race_of_blocks_consumes_and_releases_keeps_the_ledger_true(persona_district):
    enrolment = _race_enrolment(persona_district, "RACE-2", cover_paise=50_000_00)
    wallet.block(enrolment, 20_000_00, case=None, actor=None)

    def job(i):
        if i % 3 == 0:
            return lambda: wallet.consume(enrolment, 1_000_00, case=None, actor=None)
        if i % 3 == 1:
            return lambda: wallet.release(enrolment, 500_00, case=None, actor=None)
        return lambda: wallet.block(enrolment, 3_333_00, case=None, actor=None)

    results = _race([job(i) for i in range(60)], 20)
    refused = errors(results)
    assert all(isinstance(r, wallet.DomainError) for r in refused), refused
    assert any(isinstance(r, wallet.InsufficientBalance) for r in refused)
    row = Wallet.objects.get(enrolment=enrolment)
    assert row.blocked_paise >= 0 and row.blocked_paise + row.consumed_paise <= row.cover_paise
    _assert_ledger_matches(enrolment)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_hospitals_raising_preauths_for_one_family_at_once(persona_district):
    """End to end through do_raise_preauth: 20 scheme desks of 20 hospitals, one family, one wallet."""
    from himswasthya.accounts.models import Role, User
    from himswasthya.facilities.models import Facility
    from himswasthya.himcare.models import Case
    from himswasthya.himcare.tests.factories import make_empanelled_package, make_preauth

    enrolment = _race_enrolment(persona_district, "RACE-3", cover_paise=100_000_00)
    member = enrolment.members.first()
    hospitals = [
        Facility.objects.create(
            code=f"RACE-H-{n:02d}", name=f"Race Hospital {n}", facility_type="HOSP", district=persona_district
        )
        for n in range(20)
    ]
    package = make_empanelled_package(*hospitals, rate_paise=7_000_00)
    desks = [
        User.objects.create(username=f"race.desk.{n}", role=Role.SCHEME_DESK, facility=facility)
        for n, facility in enumerate(hospitals)
    ]

    def job(desk):
        return lambda: make_preauth(desk, member, package)

    results = _race([job(d) for d in desks], 20)
    refused = errors(results)
    assert all(isinstance(r, wallet.InsufficientBalance) for r in refused), refused
    assert len(refused) == 6 and Case.objects.count() == 14
    row = Wallet.objects.get(enrolment=enrolment)
    assert row.blocked_paise == 14 * 7_000_00 == sum(Case.objects.values_list("blocked_paise", flat=True))
    _assert_ledger_matches(enrolment)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_officers_adjudicating_one_claim_at_once_spend_it_once(persona_district, persona_facility):
    import datetime

    from django.utils import timezone

    from himswasthya.accounts.models import Role, User
    from himswasthya.himcare.cases import services as cases
    from himswasthya.himcare.tests.factories import make_empanelled_package, make_preauth

    enrolment = _race_enrolment(persona_district, "RACE-4")
    package = make_empanelled_package(persona_facility)
    desk = User.objects.create(username="race.desk", role=Role.SCHEME_DESK, facility=persona_facility)
    officers = [
        User.objects.create(username=f"race.officer.{n}", role=Role.HIMCARE_OFFICER) for n in range(8)
    ]
    case = make_preauth(desk, enrolment.members.first(), package, facility=persona_facility)
    case = cases.do_decide_preauth(actor=officers[0], case=case, decision="approve")
    case = cases.do_admit(actor=desk, case=case, admitted_at=timezone.now() - datetime.timedelta(days=4))
    case = cases.do_discharge(
        actor=desk,
        case=case,
        discharged_at=timezone.now() - datetime.timedelta(hours=1),
        final_icd10_codes=["K80.2"],
        discharge_summary="ok",
    )
    sign_discharge_summary(desk, case)  # a claim needs the admission record's signed discharge summary
    claim = cases.do_submit_claim(actor=desk, case=case, documents=needed_papers([package], "claim"))
    jobs = [lambda o=o: cases.do_adjudicate_claim(actor=o, claim=claim, decision="approve") for o in officers]
    results = _race(jobs, 8)
    refused = errors(results)
    assert len(refused) == 7 and all(getattr(e, "code", "") == "invalid_transition" for e in refused), refused
    now = wallet.balance(enrolment)
    assert (now.blocked_paise, now.consumed_paise) == (0, package.rate_paise)
    _assert_ledger_matches(enrolment)
