import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from himswasthya.core.validators import (
    format_abha_number,
    generate_abha_number,
    luhn_valid,
    mask_aadhaar_last4,
    mask_mobile,
    normalise_abha_number,
    normalise_mobile,
)

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent

PUBLIC_SAMPLES = [
    "91-3772-0586-4665",
    "91-3075-5157-3552",
    "91510165305101",
    "91-7345-1816-0779",
    "91760487647595",
    "91391417776310",
]


@pytest.mark.parametrize("number", PUBLIC_SAMPLES)
def test_public_abha_samples_validate(number):
    digits = normalise_abha_number(number)
    assert len(digits) == 14 and digits.startswith("91")


@pytest.mark.parametrize("number", ["91-1111-1111-1111", "91-1234-5678-9012"])
def test_known_invalid_abha_numbers_are_refused_with_checksum_reason(number):
    with pytest.raises(ValidationError) as exc:
        normalise_abha_number(number)
    assert exc.value.code == "abha_checksum"


@pytest.mark.parametrize("number", ["9137720586466", "abcd", "", "91-3772-0586-46655"])
def test_wrong_length_abha_is_refused(number):
    with pytest.raises(ValidationError) as exc:
        normalise_abha_number(number)
    assert exc.value.code == "abha_length"


def test_abha_display_format():
    assert format_abha_number("91377205864665") == "91-3772-0586-4665"


@given(st.randoms(use_true_random=False))
def test_generated_abha_numbers_pass_luhn(rnd):
    number = generate_abha_number(rnd)
    assert len(number) == 14 and number.startswith("91") and luhn_valid(number)


@given(st.randoms(use_true_random=False), st.integers(0, 13), st.integers(1, 9))
def test_every_single_digit_error_is_caught(rnd, position, delta):
    number = generate_abha_number(rnd)
    wrong = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not luhn_valid(wrong)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("9876543210", "9876543210"),
        ("+91 98765 43210", "9876543210"),
        ("09876543210", "9876543210"),
        ("919876543210", "9876543210"),
    ],
)
def test_mobile_normalisation(raw, expected):
    assert normalise_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["5876543210", "98765", "98765432101", "abcdefghij"])
def test_bad_mobiles_are_refused(raw):
    with pytest.raises(ValidationError):
        normalise_mobile(raw)


def test_masks_show_only_last_four():
    assert mask_mobile("9876543210") == "XXXXXX3210"
    assert mask_aadhaar_last4("1234") == "XXXX-XXXX-1234"


@given(st.randoms(use_true_random=False), st.integers(0, 12))
def test_adjacent_transpositions_are_caught_except_09(rnd, position):
    number = generate_abha_number(rnd)
    a, b = number[position], number[position + 1]
    swapped = number[:position] + b + a + number[position + 2 :]
    if a == b or {a, b} == {"0", "9"}:
        return  # no change, or Luhn's known blind spot
    assert not luhn_valid(swapped)
