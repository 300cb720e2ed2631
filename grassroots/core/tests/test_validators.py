from datetime import date

import pytest
from django.core.exceptions import ValidationError

from grassroots.core.validators import (
    id_check_digit,
    mask_id_number,
    normalize_mobile,
    parse_id_number,
    validate_mobile,
)

# A well-known sample number from the GB 11643 literature: check digit X.
VALID_X = "11010519491231002X"


def test_check_digit_of_the_standard_sample():
    assert id_check_digit(VALID_X[:17]) == "X"


def test_parse_gives_birth_date_and_gender():
    facts = parse_id_number(VALID_X.lower())
    assert facts.birth_date == date(1949, 12, 31)
    assert facts.gender == "F"  # 17th digit 2 is even


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_check_digit"),
        ("11010519491331002X", "id_birth_date"),
        ("1101051949123100", "id_format"),
        ("11010519491231002Y", "id_format"),
        ("110105189912310020", "id_birth_date"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(value)
    assert exc.value.code == code


def test_mask_keeps_region_and_last_four():
    assert mask_id_number("320102199001011234") == "3201**********1234"
    assert mask_id_number("") == ""


@pytest.mark.parametrize("value", ["13812345678", "138 1234 5678", "+8619912345678"])
def test_mobile_accepts_mainland_numbers(value):
    validate_mobile(value)


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "abc", "1381234567890"])
def test_mobile_refuses_the_rest(value):
    with pytest.raises(ValidationError):
        validate_mobile(value)


def test_normalize_mobile_strips_country_code_and_spaces():
    assert normalize_mobile("+86 138-1234-5678") == "13812345678"
