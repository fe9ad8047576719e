"""The scheme desk signs in, verifies a card number with a second fact and sees the balance, in English and
in Hindi."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from himswasthya.accounts.tests.fixtures import PERSONA_PASSWORD
from himswasthya.himcare.enrolment.verification import format_card_number
from himswasthya.himcare.models import Wallet

CARD = format_card_number(2026, 23, 4321)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scheme_desk_verifies_a_card_and_sees_the_balance_in_both_languages(
    page, scheme_desk, active_enrolment
):
    cache.clear()
    active_enrolment.card_number = CARD
    active_enrolment.save(update_fields=["card_number"])
    Wallet.objects.filter(enrolment=active_enrolment).update(blocked_paise=50_000_00)

    page.goto("/login/")
    page.get_by_label("Username").fill("scheme_desk")
    page.get_by_label("Password").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("account").wait_for()

    page.goto("/himcare/verify/")
    page.get_by_label("Card number, ABHA, Him Parivar member id or mobile").fill(CARD[:7] + " " + CARD[7:])
    page.get_by_role("button", name="Verify", exact=True).click()
    # the identifier alone shows nothing: the desk is asked for a second fact
    assert "Enter a second fact" in page.get_by_test_id("second-fact-error").inner_text()
    assert page.get_by_test_id("beneficiary").count() == 0 and "Asha Devi" not in page.content()
    # a wrong one is the same refusal as an unknown card
    page.get_by_label("Second fact: year of birth or name of any family member").fill("1999")
    page.get_by_role("button", name="Verify", exact=True).click()
    assert "No beneficiary matches" in page.get_by_test_id("verify-error").inner_text()
    assert page.get_by_test_id("beneficiary").count() == 0
    page.get_by_label("Second fact: year of birth or name of any family member").fill("Anu")
    page.get_by_role("button", name="Verify", exact=True).click()
    page.get_by_role("heading", name="Active cover").wait_for()
    assert page.get_by_test_id("available").inner_text() == "₹4,50,000"
    assert page.get_by_test_id("card-number").inner_text() == CARD
    members = page.get_by_test_id("members").inner_text()
    assert "Asha Devi" in members and "Anu Thakur" in members
    assert page.get_by_test_id("raise-preauth").count() == 3

    page.get_by_role("button", name="हिन्दी में देखें").click()
    page.get_by_role("heading", name="हिमकेयर लाभार्थी का सत्यापन").wait_for()
    page.get_by_label("कार्ड नंबर, आभा, हिम परिवार सदस्य आईडी या मोबाइल").fill(CARD.lower())
    page.get_by_label("दूसरी जानकारी: परिवार के किसी सदस्य का जन्म वर्ष या नाम").fill("आशा देवी")
    page.get_by_role("button", name="सत्यापित करें").click()
    page.get_by_role("heading", name="सक्रिय कवर").wait_for()
    assert page.get_by_test_id("available").inner_text() == "₹4,50,000"
    assert "परिवार की शेष राशि" in page.content()

    # a mistyped check character is caught, in Hindi
    wrong = CARD[:-1] + ("0" if CARD[-1] != "0" else "1")
    page.get_by_label("कार्ड नंबर, आभा, हिम परिवार सदस्य आईडी या मोबाइल").fill(wrong)
    page.get_by_role("button", name="सत्यापित करें").click()
    assert "जाँच अक्षर मेल नहीं खाता" in page.get_by_test_id("verify-error").inner_text()
