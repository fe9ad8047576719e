"""Beneficiary verification: each identifier kind, refusals, no-cover reasons, roles and the audit entry."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError, Forbidden, NotFound, RateLimited
from himswasthya.core.validators import luhn_check_digit
from himswasthya.himcare.enrolment.verification import (
    SecondFactRequired,
    card_check_character,
    do_verify_beneficiary,
    format_card_number,
    normalise_card_number,
    recent_alerts,
)
from himswasthya.himcare.models import (
    Claim,
    EnrolmentStatus,
    Wallet,
)
from himswasthya.himcare.tests.factories import (
    card_verification_fixtures,
    make_active_enrolment,
    make_family,
    make_past_case,
)
from himswasthya.people.models import IdentifierType, PersonIdentifier

CARD = format_card_number(2026, 23, 12)
FACT = "1980"  # Asha Devi's year of birth (the family of himcare/tests/conftest.py)
ABHA = "9123456789012"
ABHA = ABHA + str(luhn_check_digit(ABHA))


_fresh_rate_window, enrolled = card_verification_fixtures(CARD)


def _wrong_check(card: str) -> str:
    right = card[-1]
    wrong = "0" if right != "0" else "1"
    return card[:-1] + wrong


def test_card_number_format_and_check_character():
    assert CARD.startswith("HC26023") and len(CARD) == 15
    assert card_check_character(CARD[2:14]) == CARD[-1]
    assert normalise_card_number(" hc-26023-0000012" + CARD[-1].lower()) == CARD


def test_verify_by_card_number_shows_cover_members_and_wallet(scheme_desk, enrolled):
    Wallet.objects.filter(enrolment=enrolled).update(blocked_paise=20_000_00, consumed_paise=30_000_00)
    view = do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)
    assert view.query_kind == "card"
    assert view.has_active_cover and view.no_cover_reason == ""
    assert view.card_number == CARD and view.status == EnrolmentStatus.ACTIVE
    assert view.cover_paise == 500_000_00
    assert view.available_paise == 500_000_00 - 50_000_00
    assert [m.name for m in view.members] == ["Asha Devi", "Ramesh Thakur", "Anu Thakur"]
    assert {m.unit_no for m in view.members} == {1}
    assert not any(m.is_query_person for m in view.members)  # a card names the family, not a person


def test_card_with_spaces_and_lower_case_is_found(scheme_desk, enrolled):
    view = do_verify_beneficiary(
        actor=scheme_desk, query=f"  {CARD[:7].lower()} {CARD[7:]} ", second_fact=FACT
    )
    assert view.family_id == "HP-FAM-HC-1"


def test_mistyped_check_character_has_its_own_message(scheme_desk, enrolled):
    with pytest.raises(DomainError) as exc:
        do_verify_beneficiary(actor=scheme_desk, query=_wrong_check(CARD), second_fact=FACT)
    assert exc.value.code == "card_checksum"
    assert "check character" in str(exc.value.message)


def test_badly_shaped_card_number_is_refused(scheme_desk, enrolled):
    with pytest.raises(DomainError) as exc:
        do_verify_beneficiary(actor=scheme_desk, query="HC2602300001", second_fact=FACT)
    assert exc.value.code == "card_invalid"


def test_unknown_card_is_not_found(scheme_desk, enrolled):
    with pytest.raises(NotFound):
        do_verify_beneficiary(actor=scheme_desk, query=format_card_number(2026, 23, 99), second_fact=FACT)


def test_verify_by_abha_number_marks_the_person(scheme_desk, enrolled, citizen_family):
    daughter = citizen_family.members.get(name_roman="Anu Thakur")
    PersonIdentifier.objects.create(person=daughter.person, id_type=IdentifierType.ABHA_NUMBER, value=ABHA)
    hyphenated = f"{ABHA[:2]}-{ABHA[2:6]}-{ABHA[6:10]}-{ABHA[10:]}"
    view = do_verify_beneficiary(actor=scheme_desk, query=hyphenated, second_fact=FACT)
    assert view.query_kind == "abha_number" and view.has_active_cover
    assert [m.name for m in view.members if m.is_query_person] == ["Anu Thakur"]


def test_abha_number_with_bad_check_digit_is_refused(scheme_desk, enrolled):
    bad = ABHA[:-1] + str((int(ABHA[-1]) + 1) % 10)
    with pytest.raises(DomainError) as exc:
        do_verify_beneficiary(actor=scheme_desk, query=bad, second_fact=FACT)
    assert exc.value.code == "abha_checksum"


def test_verify_by_abha_address(scheme_desk, enrolled, citizen_family):
    husband = citizen_family.members.get(name_roman="Ramesh Thakur")
    PersonIdentifier.objects.create(
        person=husband.person, id_type=IdentifierType.ABHA_ADDRESS, value="ramesh.1978@abdm"
    )
    view = do_verify_beneficiary(actor=scheme_desk, query="Ramesh.1978@ABDM", second_fact=FACT)
    assert view.query_kind == "abha_address"
    assert [m.name for m in view.members if m.is_query_person] == ["Ramesh Thakur"]


def test_verify_by_member_id(scheme_desk, enrolled, citizen_family):
    view = do_verify_beneficiary(actor=scheme_desk, query="hp-fam-hc-1-2", second_fact=FACT)
    assert view.query_kind == "member_id"
    assert [m.member_id for m in view.members if m.is_query_person] == ["HP-FAM-HC-1-2"]


def test_verify_by_mobile_single_family(scheme_desk, enrolled, citizen):
    view = do_verify_beneficiary(actor=scheme_desk, query="+91 98765 43210", second_fact=FACT)
    assert view.query_kind == "mobile" and not view.needs_choice
    assert view.card_number == CARD
    assert [m.name for m in view.members if m.is_query_person] == ["Asha Devi"]


def test_mobile_shared_by_two_families_returns_a_choice(scheme_desk, enrolled, persona_district, citizen):
    make_family(
        persona_district,
        [{"name_roman": "Kusum Lata", "sex": "F", "year_of_birth": 1980, "mobile": citizen.mobile}],
        family_id="HP-FAM-HC-2",
    )
    view = do_verify_beneficiary(actor=scheme_desk, query=citizen.mobile, second_fact=FACT)
    assert view.needs_choice and view.enrolment is None
    assert [c.family_id for c in view.choices] == ["HP-FAM-HC-1", "HP-FAM-HC-2"]
    assert view.choices[0].card_number == CARD and view.choices[1].card_number == ""
    # choosing one verifies it by its head's member id
    chosen = do_verify_beneficiary(actor=scheme_desk, query=view.choices[1].member_id, second_fact=FACT)
    assert chosen.family_id == "HP-FAM-HC-2"
    assert chosen.no_cover_reason == "not_enrolled" and not chosen.has_active_cover


def test_expired_card_is_no_active_cover_with_dates(scheme_desk, enrolled):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    enrolled.valid_from = yesterday - datetime.timedelta(days=365)
    enrolled.valid_to = yesterday
    enrolled.save(update_fields=["valid_from", "valid_to"])
    view = do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)
    assert not view.has_active_cover and view.no_cover_reason == "expired"
    assert view.available_paise == 0
    assert str(yesterday.year) in view.no_cover_message


def test_status_expired_and_cancelled(scheme_desk, enrolled):
    enrolled.status = EnrolmentStatus.EXPIRED
    enrolled.save(update_fields=["status"])
    assert do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT).no_cover_reason == "expired"
    enrolled.status = EnrolmentStatus.CANCELLED
    enrolled.cancelled_at = timezone.now()
    enrolled.save(update_fields=["status", "cancelled_at"])
    view = do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)
    assert view.no_cover_reason == "cancelled" and "cancelled" in view.no_cover_message


def test_pending_payment_is_no_active_cover(scheme_desk, enrolled):
    enrolled.status = EnrolmentStatus.PENDING_PAYMENT
    enrolled.save(update_fields=["status"])
    view = do_verify_beneficiary(actor=scheme_desk, query="HP-FAM-HC-1-1", second_fact=FACT)
    assert view.no_cover_reason == "pending_payment" and not view.has_active_cover


def test_family_member_left_out_of_the_enrolment_is_flagged(scheme_desk, citizen_family, scheme_year):
    first_two = list(citizen_family.members.order_by("pk"))[:2]
    make_active_enrolment(citizen_family, scheme_year, members=first_two)
    view = do_verify_beneficiary(actor=scheme_desk, query="HP-FAM-HC-1-3", second_fact=FACT)
    assert view.has_active_cover and view.person_not_covered
    assert len(view.members) == 2


def test_past_cases_and_claims_are_listed(
    scheme_desk, enrolled, other_scheme_desk, persona_other_facility, surgery_package
):
    case = make_past_case(
        enrolled, facility=persona_other_facility, raised_by=other_scheme_desk, package=surgery_package
    )
    Claim.objects.create(
        claim_no="CLM-T-1",
        case=case,
        claimed_paise=22_800_00,
        approved_paise=20_000_00,
        status="part_approved",
    )
    view = do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)
    [seen] = view.cases
    assert seen.case_no == "CASE-T-1" and seen.hospital == persona_other_facility.name
    assert seen.packages == [f"SG039A {surgery_package.name}"]
    assert seen.claim_no == "CLM-T-1" and seen.approved_paise == 20_000_00


@pytest.mark.parametrize("persona", ["facility_admin", "clerk", "himcare_officer", "state_admin"])
def test_other_allowed_roles(request, persona, enrolled):
    user = request.getfixturevalue(persona)
    assert do_verify_beneficiary(actor=user, query=CARD, second_fact=FACT).has_active_cover


@pytest.mark.parametrize("persona", ["citizen", "district_officer", "doctor"])
def test_refused_roles(request, persona, enrolled):
    user = request.getfixturevalue(persona)
    with pytest.raises(Forbidden):
        do_verify_beneficiary(actor=user, query=CARD, second_fact=FACT)


def test_audit_entry_has_the_kind_never_the_value(scheme_desk, enrolled, citizen):
    do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)
    do_verify_beneficiary(actor=scheme_desk, query=citizen.mobile, second_fact=FACT)
    entries = list(AuditEntry.objects.filter(action="himcare.verify").order_by("id"))
    assert [e.detail["kind"] for e in entries] == ["card", "mobile"]
    assert entries[0].object_type == "himcare.Enrolment" and entries[0].object_id == str(enrolled.pk)
    assert {e.purpose for e in entries} == {"himcare_claims"}
    for entry in entries:
        assert CARD not in repr(entry.detail) and citizen.mobile not in repr(entry.detail)


def test_not_found_is_audited_too(scheme_desk, db):
    with pytest.raises(NotFound):
        do_verify_beneficiary(actor=scheme_desk, query="9812345678", second_fact=FACT)
    entry = AuditEntry.objects.get(action="himcare.verify")
    assert entry.detail == {"kind": "mobile", "result": "not_found"}


def test_aadhaar_is_never_searched(scheme_desk, db):
    with pytest.raises(DomainError) as exc:
        do_verify_beneficiary(actor=scheme_desk, query="2345 6789 0123", second_fact=FACT)
    assert exc.value.code == "aadhaar_not_searchable"


def test_rate_limited_like_people_search(scheme_desk, enrolled, settings):
    settings.HIMCARE_VERIFY_PER_MINUTE = 2
    do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)
    do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)
    with pytest.raises(RateLimited):
        do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)


def test_old_card_of_a_renewed_family_shows_the_live_enrolment(scheme_desk, enrolled, scheme_year):
    enrolled.status = EnrolmentStatus.EXPIRED
    enrolled.save(update_fields=["status"])
    renewed = make_active_enrolment(enrolled.family, scheme_year)
    renewed.card_number = format_card_number(2026, 23, 13)
    renewed.save(update_fields=["card_number"])
    view = do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)
    assert view.has_active_cover and view.card_number == renewed.card_number


def test_inactive_staff_are_refused(scheme_desk, enrolled):
    scheme_desk.is_active = False
    scheme_desk.save(update_fields=["is_active"])
    with pytest.raises(Forbidden):
        do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)


def test_register_member_ids_of_letters_only_are_still_member_ids(scheme_desk, persona_district, scheme_year):
    family, members = make_family(persona_district, family_id="HPFABCDEFGH")
    members[1].member_id = "HPMABCDEFGH"
    members[1].save(update_fields=["member_id"])
    make_active_enrolment(family, scheme_year)
    view = do_verify_beneficiary(actor=scheme_desk, query="hpmabcdefgh", second_fact="1975")
    assert view.query_kind == "member_id" and view.has_active_cover


def test_mobile_shared_by_two_families_the_second_fact_picks_one(
    scheme_desk, enrolled, persona_district, citizen
):
    make_family(
        persona_district,
        [{"name_roman": "Kusum Lata", "sex": "F", "year_of_birth": 1960, "mobile": citizen.mobile}],
        family_id="HP-FAM-HC-2",
    )
    view = do_verify_beneficiary(actor=scheme_desk, query=citizen.mobile, second_fact="Kusum")
    assert not view.needs_choice and view.family_id == "HP-FAM-HC-2"


# --- the second fact (issue #10 item 6) -------------------------------------------------------------------
def test_identifier_alone_shows_nothing_and_looks_nothing_up(
    scheme_desk, enrolled, django_assert_num_queries
):
    with django_assert_num_queries(0), pytest.raises(SecondFactRequired) as exc:
        do_verify_beneficiary(actor=scheme_desk, query=CARD)
    assert exc.value.field == "second_fact" and exc.value.status == 400
    assert "second fact" in str(exc.value.message)
    assert not AuditEntry.objects.filter(action="himcare.verify").exists()


@pytest.mark.parametrize(
    "fact",
    ["1978", "2012", "Asha", "asha devi", "ANU", "Anu Thakur", "Ramesh", "आशा", "आशा देवी", "Aasha Devee"],
)
def test_any_members_year_of_birth_or_name_is_a_second_fact(scheme_desk, enrolled, fact):
    assert do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=fact).has_active_cover


@pytest.mark.parametrize("fact", ["1981", "Devi", "Thakur", "Sunita", "Asha Kumari"])
def test_wrong_second_fact_is_the_same_refusal_as_an_unknown_card(scheme_desk, enrolled, fact):
    with pytest.raises(NotFound) as wrong:
        do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=fact)
    with pytest.raises(NotFound) as unknown:
        do_verify_beneficiary(actor=scheme_desk, query=format_card_number(2026, 23, 99), second_fact=FACT)
    assert wrong.value.as_dict() == unknown.value.as_dict()
    results = list(
        AuditEntry.objects.filter(action="himcare.verify").order_by("id").values_list("detail", flat=True)
    )
    assert [r["result"] for r in results] == ["second_fact_mismatch", "not_found"]
    assert fact not in repr(results) and FACT not in repr(results)  # never the second fact itself


@pytest.mark.parametrize("fact", ["19800", "१९८०", "1800", "3000", "19 80", "x" * 101])
def test_malformed_second_fact_is_a_clear_error(scheme_desk, enrolled, fact):
    with pytest.raises(DomainError) as exc:
        do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=fact)
    assert exc.value.field == "second_fact" and exc.value.status == 400


def test_failures_lock_the_user_out_for_the_hour_and_raise_an_alert(
    scheme_desk, other_scheme_desk, enrolled, settings, caplog
):
    settings.HIMCARE_VERIFY_FAILURES_PER_HOUR = 3
    for fact in ("1990", "1991", "1992"):
        with pytest.raises(NotFound):
            do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=fact)
    # the right fact no longer helps: the user is refused for the rest of the hour
    with pytest.raises(RateLimited) as exc:
        do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)
    assert exc.value.code == "verify_locked"
    [alert] = AuditEntry.objects.filter(action="himcare_verify.alert")
    assert alert.actor_id == scheme_desk.pk and alert.detail == {"reason": "failures", "count": 3}
    assert "HIMCARE verification alert" in caplog.text
    # another desk is not affected
    assert do_verify_beneficiary(actor=other_scheme_desk, query=CARD, second_fact=FACT).has_active_cover


def test_volume_raises_one_alert_an_hour(scheme_desk, enrolled, settings):
    settings.HIMCARE_VERIFY_ALERT_PER_HOUR = 3
    for _ in range(5):
        do_verify_beneficiary(actor=scheme_desk, query=CARD, second_fact=FACT)
    [alert] = AuditEntry.objects.filter(action="himcare_verify.alert")
    assert alert.detail == {"reason": "verifications", "count": 3}
    [listed] = recent_alerts()
    assert listed["user"] == scheme_desk.username and listed["count"] == 3
