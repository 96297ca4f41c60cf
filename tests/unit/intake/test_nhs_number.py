from hypothesis import given
from hypothesis import strategies as st

from services.intake.codes import is_valid_nhs_number


def with_check_digit(nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else nine + str(check)


def test_known_valid_numbers_pass_with_or_without_spaces():
    assert is_valid_nhs_number("9434765919")
    assert is_valid_nhs_number("943 476 5919")


def test_a_wrong_check_digit_wrong_length_or_non_digits_fail():
    assert not is_valid_nhs_number("9434765918")
    assert not is_valid_nhs_number("943476591")
    assert not is_valid_nhs_number("94347659190")
    assert not is_valid_nhs_number("94347a5919")
    assert not is_valid_nhs_number("0000000000")
    assert not is_valid_nhs_number("1111111111")
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in "9434765919")
    assert not is_valid_nhs_number(full_width)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_nine_digits_and_their_check_digit_pass_unless_the_check_would_be_ten(nine):
    number = with_check_digit(nine)
    if number is None:
        assert not any(is_valid_nhs_number(nine + str(d)) for d in range(10))
    elif len(set(number)) > 1:  # one digit ten times is never issued
        assert is_valid_nhs_number(number)


@given(
    st.text(alphabet="0123456789", min_size=9, max_size=9),
    st.integers(0, 9),
    st.integers(1, 9),
)
def test_changing_any_one_digit_is_detected(nine, position, shift):
    number = with_check_digit(nine)
    if number is None:
        return
    changed = str((int(number[position]) + shift) % 10)
    assert not is_valid_nhs_number(number[:position] + changed + number[position + 1 :])
