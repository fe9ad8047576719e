"""Enrolment services: who may enrol, refusals, units and premium, activation (card, wallet, SMS), counter
payment, renewal, cancellation, expiry and the AB-PMJAY import."""

from __future__ import annotations

import datetime
import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import Conflict, DomainError, Forbidden, NotFound
from himswasthya.core.tests.race import race
from himswasthya.himcare.enrolment import services as svc
from himswasthya.himcare.models import (
    Document,
    EnrolledMember,
    Enrolment,
    EnrolmentStatus,
    PaymentMethod,
    PmjayFamily,
    Wallet,
)
from himswasthya.himcare.tests.factories import make_family, make_scheme_year
from himswasthya.notify.models import SmsOutbox, SmsStatus
from himswasthya.notify.sms import outbox
from himswasthya.people.uhid import mod11_2_check

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.SMS_BACKEND = "memory"
    settings.SMS_SEND_IN_REQUEST = True
    outbox.clear()


def _big_family(district, n=7, family_fields=None, **fields):
    specs = [{"name_roman": f"Member {i} Negi", "sex": "M", "year_of_birth": 1980 + i} for i in range(n)]
    specs[0]["mobile"] = "9811111111"
    specs[-1].update(fields)
    return make_family(district, specs, **(family_fields or {}))


def test_officer_enrols_all_living_members_in_units(scheme_year, persona_district, himcare_officer):
    family, members = _big_family(persona_district)
    enrolment = svc.do_enrol_family(actor=himcare_officer, family=family, channel="officer")
    assert enrolment.status == EnrolmentStatus.PENDING_PAYMENT
    assert enrolment.units == 2 and enrolment.category == "III"
    assert enrolment.premium_paise == 2 * 1_000_00
    assert enrolment.cover_paise == 2 * scheme_year.cover_per_unit_paise
    units = list(EnrolledMember.objects.filter(enrolment=enrolment).values_list("unit_no", flat=True))
    assert units == [1] * 5 + [2] * 2
    assert enrolment.card_number is None
    assert AuditEntry.objects.filter(action="himcare_enrolment.create", object_id=str(enrolment.pk)).exists()


def test_zero_premium_activates_at_once_with_card_wallet_and_sms(scheme_year, persona_district, clerk):
    family, members = _big_family(persona_district, n=3, mgnrega_days=60)
    with pytest.MonkeyPatch.context():
        enrolment = svc.do_enrol_family(actor=clerk, family=family, channel="counter")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE and enrolment.category == "I"
    assert enrolment.payments.get().method == PaymentMethod.FREE
    number = enrolment.card_number
    assert number.startswith(f"HC{scheme_year.starts_on.year % 100:02d}023") and len(number) == 15
    assert mod11_2_check(number[2:14]) == number[14] and svc.is_valid_card_number(number)
    assert enrolment.valid_from == timezone.localdate()
    assert enrolment.valid_to == svc.add_months(timezone.localdate(), 12)
    assert Wallet.objects.get(enrolment=enrolment).cover_paise == enrolment.cover_paise


@pytest.mark.django_db(transaction=True)
def test_sms_goes_to_the_head_after_commit(persona_district, clerk):
    make_scheme_year()
    family, members = _big_family(persona_district, n=2, occupation="VENDOR")
    enrolment = svc.do_enrol_family(actor=clerk, family=family, channel="counter")
    enrolment.refresh_from_db()
    assert outbox and outbox[-1].mobile == "9811111111"
    assert enrolment.card_number in outbox[-1].text
    row = SmsOutbox.objects.about(enrolment).get()  # the outbox row names the enrolment
    assert row.template_key == "himcare_card_issued" and row.status == SmsStatus.SENT


def test_card_serials_are_random_not_sequential(scheme_year, persona_district, himcare_officer):
    # Issue #10 item 6: sequential serials let one card number lead to its neighbours.
    cards = []
    for _ in range(4):
        family, _m = _big_family(persona_district, n=1, family_fields={"is_bpl": True})
        cards.append(svc.do_enrol_family(actor=himcare_officer, family=family, channel="officer").card_number)
    prefix = f"HC{scheme_year.starts_on.year % 100:02d}{persona_district.lgd_code % 1000:03d}"
    assert all(c.startswith(prefix) and svc.is_valid_card_number(c) for c in cards)
    serials = sorted(int(c[7:14]) for c in cards)
    assert len(set(serials)) == 4
    assert serials != list(range(serials[0], serials[0] + 4))  # not 1, 2, 3, 4 (or any run)
    assert max(serials) > 1000


def test_card_serial_clash_draws_again(scheme_year, persona_district, himcare_officer, monkeypatch):
    draws = iter([4242, 4242, 777])
    monkeypatch.setattr(svc, "random_card_serial", lambda rng=None: next(draws))
    first, _m = _big_family(persona_district, n=1, family_fields={"is_bpl": True})
    second, _m = _big_family(persona_district, n=1, family_fields={"is_bpl": True})
    one = svc.do_enrol_family(actor=himcare_officer, family=first, channel="officer").card_number
    two = svc.do_enrol_family(actor=himcare_officer, family=second, channel="officer").card_number
    assert int(one[7:14]) == 4242 and int(two[7:14]) == 777  # the unique constraint refused 4242 again


def test_counter_payment_activates(scheme_year, persona_district, clerk):
    family, _m = _big_family(persona_district, n=2)
    enrolment = svc.do_enrol_family(actor=clerk, family=family, channel="counter")
    with pytest.raises(DomainError) as err:
        svc.do_record_counter_payment(actor=clerk, enrolment=enrolment, receipt_no=" ")
    assert err.value.field == "receipt_no"
    payment = svc.do_record_counter_payment(actor=clerk, enrolment=enrolment, receipt_no="R-123")
    enrolment.refresh_from_db()
    assert payment.amount_paise == 1_000_00 and payment.received_by == clerk
    assert enrolment.status == EnrolmentStatus.ACTIVE and enrolment.card_number
    with pytest.raises(Conflict):
        svc.do_record_counter_payment(actor=clerk, enrolment=enrolment, receipt_no="R-124")


def test_refuses_ineligible_with_the_reason(scheme_year, persona_district, himcare_officer):
    family, _m = _big_family(persona_district, n=2)
    PmjayFamily.objects.create(family=family, source="SECC", listed_on=datetime.date(2019, 1, 1))
    with pytest.raises(DomainError) as err:
        svc.do_enrol_family(actor=himcare_officer, family=family, channel="officer")
    assert err.value.code == "covered_by_ab_pmjay" and "01-01-2019" in str(err.value.message)
    assert not Enrolment.objects.exists()


def test_refuses_second_live_enrolment(scheme_year, persona_district, himcare_officer):
    family, _m = _big_family(persona_district, n=2)
    svc.do_enrol_family(actor=himcare_officer, family=family, channel="officer")
    with pytest.raises(Conflict) as err:
        svc.do_enrol_family(actor=himcare_officer, family=family, channel="officer")
    assert err.value.code == "already_enrolled"


def test_enrolment_window_and_special_case(persona_district, himcare_officer, clerk):
    month = timezone.localdate().month
    make_scheme_year(new_enrolment_months=[m for m in range(1, 13) if m != month])
    family, _m = _big_family(persona_district, n=2)
    with pytest.raises(DomainError) as err:
        svc.do_enrol_family(actor=clerk, family=family, channel="counter")
    assert err.value.code == "outside_enrolment_window"
    with pytest.raises(DomainError):
        svc.do_enrol_family(actor=himcare_officer, family=family, channel="officer")
    enrolment = svc.do_enrol_family(
        actor=himcare_officer,
        family=family,
        channel="officer",
        special_case_reason="MS authorised: surgery due",
    )
    entry = AuditEntry.objects.get(action="himcare_enrolment.create", object_id=str(enrolment.pk))
    assert entry.detail["special_case"] is True


def test_chosen_members_only_living_of_this_family(scheme_year, persona_district, himcare_officer):
    family, members = _big_family(persona_district, n=3)
    other, other_members = _big_family(persona_district, n=1)
    with pytest.raises(DomainError) as err:
        svc.do_enrol_family(
            actor=himcare_officer, family=family, channel="officer", member_ids=[other_members[0].member_id]
        )
    assert err.value.field == "member_ids"
    enrolment = svc.do_enrol_family(
        actor=himcare_officer, family=family, channel="officer", member_ids=[members[0].member_id]
    )
    assert enrolment.members.count() == 1 and enrolment.units == 1


def test_category_override_needs_officer_reason_and_document(
    scheme_year, persona_district, himcare_officer, clerk
):
    family, _m = _big_family(persona_district, n=2)
    doc = {"kind": "category_cert", "upload": SimpleUploadedFile("bpl.pdf", PDF, "application/pdf")}
    with pytest.raises(Forbidden):
        svc.do_enrol_family(
            actor=clerk,
            family=family,
            channel="counter",
            category_override="I",
            override_reason="x",
            override_documents=[doc],
        )
    officer_override = functools.partial(
        svc.do_enrol_family, actor=himcare_officer, family=family, channel="officer", category_override="I"
    )
    with pytest.raises(DomainError) as err:
        officer_override(override_documents=[doc])
    assert err.value.field == "override_reason"
    with pytest.raises(DomainError) as err:
        officer_override(override_reason="BPL certificate seen")
    assert err.value.field == "override_documents"
    enrolment = officer_override(override_reason="BPL certificate seen", override_documents=[doc])
    assert enrolment.category == "I" and enrolment.category_source == "override"
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert Document.objects.filter(enrolment=enrolment, kind="category_cert").count() == 1


def test_who_may_enrol(
    scheme_year,
    persona_district,
    persona_other_district,
    citizen,
    citizen_family,
    other_facility_clerk,
    district_officer,
    himcare_officer,
):
    with pytest.raises(Forbidden):
        svc.do_enrol_family(actor=district_officer, family=citizen_family, channel="officer")
    with pytest.raises(NotFound):  # a clerk of another district does not see the family
        svc.do_enrol_family(actor=other_facility_clerk, family=citizen_family, channel="counter")
    with pytest.raises(Forbidden):  # a citizen cannot claim to be an officer
        svc.do_enrol_family(actor=citizen, family=citizen_family, channel="officer")
    stranger, _m = _big_family(persona_district, n=1)
    with pytest.raises(NotFound):
        svc.do_enrol_family(actor=citizen, family=stranger, channel="citizen")
    enrolment = svc.do_enrol_family(actor=citizen, family=citizen_family, channel="citizen")
    assert enrolment.channel == "citizen" and enrolment.enrolled_by is None


def test_cancel(scheme_year, persona_district, himcare_officer, clerk):
    family, _m = _big_family(persona_district, n=2, family_fields={"is_bpl": True})
    enrolment = svc.do_enrol_family(actor=himcare_officer, family=family, channel="officer")
    with pytest.raises(Forbidden):
        svc.do_cancel_enrolment(actor=clerk, enrolment=enrolment, reason="x")
    with pytest.raises(DomainError):
        svc.do_cancel_enrolment(actor=himcare_officer, enrolment=enrolment, reason="")
    Wallet.objects.filter(enrolment=enrolment).update(blocked_paise=10_000_00)
    with pytest.raises(Conflict) as err:
        svc.do_cancel_enrolment(actor=himcare_officer, enrolment=enrolment, reason="Duplicate family")
    assert err.value.code == "money_blocked"
    Wallet.objects.filter(enrolment=enrolment).update(blocked_paise=0)
    svc.do_cancel_enrolment(actor=himcare_officer, enrolment=enrolment, reason="Duplicate family")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CANCELLED and enrolment.cancelled_by == himcare_officer
    # cancelled: the family may enrol again
    assert svc.do_enrol_family(actor=himcare_officer, family=family, channel="officer").status == "active"


def test_expire_and_command(scheme_year, persona_district, himcare_officer):
    family, _m = _big_family(persona_district, n=2)
    family.is_bpl = True
    family.save()
    enrolment = svc.do_enrol_family(actor=himcare_officer, family=family, channel="officer")
    assert svc.expire_enrolments(enrolment.valid_to) == 0
    Enrolment.objects.filter(pk=enrolment.pk).update(
        valid_from=timezone.localdate() - datetime.timedelta(days=366),
        valid_to=timezone.localdate() - datetime.timedelta(days=1),
    )
    call_command("expire_himcare_enrolments")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.EXPIRED


def test_renewal_window_and_carry_over(scheme_year, persona_district, himcare_officer, clerk):
    family, _m = _big_family(persona_district, n=2)
    enrolment = svc.do_enrol_family(actor=clerk, family=family, channel="counter")
    svc.do_record_counter_payment(actor=clerk, enrolment=enrolment, receipt_no="R-1")
    enrolment.refresh_from_db()
    with pytest.raises(DomainError) as err:
        svc.do_renew_enrolment(actor=clerk, enrolment=enrolment, channel="counter", receipt_no="R-2")
    assert err.value.code == "renewal_not_open"
    day = enrolment.valid_to - datetime.timedelta(days=10)
    # Without a receipt the renewal waits for payment and the current card stays in force meanwhile.
    renewed = svc.do_renew_enrolment(actor=clerk, enrolment=enrolment, channel="counter", today=day)
    enrolment.refresh_from_db()
    assert renewed.status == EnrolmentStatus.PENDING_PAYMENT and enrolment.status == EnrolmentStatus.ACTIVE
    with pytest.raises(Conflict):  # a second renewal while one waits
        svc.do_renew_enrolment(actor=clerk, enrolment=enrolment, channel="counter", today=day)
    svc.do_record_counter_payment(actor=clerk, enrolment=renewed, receipt_no="R-2")
    renewed.refresh_from_db()
    enrolment.refresh_from_db()
    assert renewed.status == EnrolmentStatus.ACTIVE and renewed.renewal_of == enrolment
    assert enrolment.status == EnrolmentStatus.EXPIRED
    assert renewed.valid_to == svc.add_months(enrolment.valid_to + datetime.timedelta(days=1), 12)
    with pytest.raises(Conflict):
        svc.do_renew_enrolment(
            actor=clerk, enrolment=enrolment, channel="counter", receipt_no="R-3", today=day
        )


def test_expired_card_renews_only_in_enrolment_months(persona_district, himcare_officer, clerk):
    month = timezone.localdate().month
    make_scheme_year(new_enrolment_months=[m for m in range(1, 13) if m != month])
    family, _m = _big_family(persona_district, n=2)
    enrolment = svc.do_enrol_family(
        actor=himcare_officer, family=family, channel="officer", special_case_reason="x"
    )
    svc.do_record_counter_payment(actor=himcare_officer, enrolment=enrolment, receipt_no="R-1")
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status="expired",
        valid_from=timezone.localdate() - datetime.timedelta(days=368),
        valid_to=timezone.localdate() - datetime.timedelta(days=3),
    )
    enrolment.refresh_from_db()
    with pytest.raises(DomainError) as err:
        svc.do_renew_enrolment(actor=clerk, enrolment=enrolment, channel="counter", receipt_no="R-2")
    assert err.value.code == "outside_enrolment_window"
    renewed = svc.do_renew_enrolment(
        actor=himcare_officer, enrolment=enrolment, channel="officer", special_case_reason="MS authorised"
    )
    assert renewed.status == EnrolmentStatus.PENDING_PAYMENT  # an expired card's renewal may wait for payment


def test_import_pmjay_list(db, persona_district, tmp_path):
    family, _m = _big_family(persona_district, n=1)
    ration, _m2 = make_family(persona_district, ration_card_no="RC-998877")
    path = tmp_path / "pmjay.csv"
    path.write_text(
        "family_id,ration_card_no,source,listed_on\n"
        f"{family.family_id},,SECC 2011,2019-01-01\n"
        ",RC-998877,SECC 2011,2019-02-01\n"
        "NO-SUCH-FAMILY,,SECC 2011,2019-01-01\n"
        f"{family.family_id},,,2019-01-01\n"
        f"{family.family_id},,SECC,yesterday\n"
    )
    call_command("import_pmjay_families", str(path))
    assert PmjayFamily.objects.count() == 2
    result = svc.do_import_pmjay_list(svc.read_pmjay_csv(path.read_text()))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert [(e.row, e.field) for e in result.errors] == [(4, "family_id"), (5, "source"), (6, "listed_on")]


def test_card_sms_templates_render_in_both_languages(settings):
    from himswasthya.notify.sms import SmsMessage, render

    for key, start in (
        ("himcare_card_issued", "HimSwasthya HIMCARE card"),
        ("himcare_card_issued_hi", "हिमस्वास्थ्य"),
    ):
        sent = render(
            SmsMessage(
                mobile="9811111111",
                template_key=key,
                variables={"card": "HC2602300000012", "date": "05-09-2027"},
            )
        )
        assert sent.text.startswith(start) and "HC2602300000012" in sent.text and sent.template_id


# --- real races on PostgreSQL: each thread its own connection ---------------------------------------------
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_racing_enrolments_get_distinct_card_serials_and_one_per_family(persona_district, himcare_officer):
    make_scheme_year(code="RACE-ENROL")
    families = [_big_family(persona_district, n=1, family_fields={"is_bpl": True})[0] for _ in range(6)]
    results = race(
        [
            lambda f=f: svc.do_enrol_family(actor=himcare_officer, family=f, channel="officer")
            for f in families
        ],
        timeout=120,
    )
    assert all(isinstance(r, Enrolment) for r in results), results
    cards = sorted(Enrolment.objects.values_list("card_number", flat=True))
    assert len(set(cards)) == 6 and all(svc.is_valid_card_number(c) for c in cards)
    family = _big_family(persona_district, n=1, family_fields={"is_bpl": True})[0]
    results = race(
        [lambda: svc.do_enrol_family(actor=himcare_officer, family=family, channel="officer")] * 4,
        timeout=120,
    )
    assert sum(isinstance(r, Enrolment) for r in results) == 1
    assert all(isinstance(r, (Enrolment, Conflict)) for r in results), results
