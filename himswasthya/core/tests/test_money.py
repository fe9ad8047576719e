"""core.money: the one parser of a rupee amount (issue #10 item 4, SEC-27)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError

from himswasthya.core.money import RupeesField, format_indian_grouping, parse_rupees, rupees

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent


@pytest.mark.parametrize(
    ("text", "paise"),
    [
        ("22800", 22_800_00),
        ("22,800.50", 22_800_50),
        ("₹ 1,00,000", 1_00_000_00),
        ("0.5", 50),
        (".05", 5),
        ("7.", 700),
        ("0", 0),
        ("", None),
        ("   ", None),
        (None, None),
        (1500, 1500_00),
    ],
)
def test_good_amounts(text, paise):
    assert parse_rupees(text) == paise


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("NaN", "invalid"),
        ("nan", "invalid"),
        ("Infinity", "invalid"),
        ("-inf", "invalid"),
        ("sNaN", "invalid"),
        ("1E+999999", "invalid"),
        ("1e5", "invalid"),
        ("1_000", "invalid"),
        ("+5", "invalid"),
        ("1.2.3", "invalid"),
        ("0x10", "invalid"),
        ("१००", "digits"),  # Devanagari
        ("١٠٠", "digits"),  # Arabic-Indic
        ("１００", "digits"),  # full-width
        ("5²", "digits"),
        ("10.123", "precision"),
        ("-5", "negative"),
        ("100000001", "too_large"),
        (True, "invalid"),
        (1.5, "invalid"),
    ],
)
def test_bad_amounts_are_refused_with_a_code(text, code):
    with pytest.raises(ValidationError) as caught:
        parse_rupees(text)
    assert caught.value.code == code


def test_options():
    assert parse_rupees("-5", allow_negative=True) == -500
    with pytest.raises(ValidationError) as caught:
        parse_rupees("0", allow_zero=False)
    assert caught.value.code == "zero"
    with pytest.raises(ValidationError, match="5,00,000"):
        parse_rupees("500001", max_rupees=Decimal(500000))


def test_indian_grouping():
    assert [format_indian_grouping(n) for n in (0, 999, 1000, 100000, 12345678, -1500)] == [
        "0",
        "999",
        "1,000",
        "1,00,000",
        "1,23,45,678",
        "-1,500",
    ]


class _Form(forms.Form):
    amount = RupeesField(required=False)
    fee = RupeesField(allow_zero=False)


def test_the_form_field():
    form = _Form({"amount": "1,500.25", "fee": "10"})
    assert form.is_valid() and form.cleaned_data == {"amount": 1_500_25, "fee": 10_00}
    assert 'inputmode="decimal"' in str(form["amount"])
    bad = _Form({"amount": "NaN", "fee": ""})
    assert not bad.is_valid()
    assert "rupees" in bad.errors["amount"][0] and bad.errors["fee"]
    assert not _Form({"amount": "1" * 40, "fee": "1"}).is_valid()


def test_rupees_formats_indian_grouping():
    assert rupees(500_000_00) == "₹5,00,000"
    assert rupees(22_800_00) == "₹22,800"
    assert rupees(12_345_678_90) == "₹1,23,45,678.90"
    assert rupees(-1_500_00) == "-₹1,500"
    assert rupees(0) == "₹0"
    assert rupees(999) == "₹9.99"
