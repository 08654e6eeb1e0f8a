"""法人番号 check digits: real numbers pass, every single-digit change fails."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.registry.corporate_number import CorporateNumber, check_digit
from dps.domain.shared.errors import DomainError

REAL = [
    "7000012050002",  # 国税庁
    "1180301018771",  # トヨタ自動車
    "4000012090001",  # 経済産業省
    "7010001008844",  # 日立製作所
    "5070001032626", "4011001098993", "6120001039879", "1000020012131", "2120901007402", "7123456789012",
]
base12 = st.text(alphabet="0123456789", min_size=12, max_size=12)


@pytest.mark.parametrize("number", REAL)
def test_real_corporate_numbers_are_valid(number: str) -> None:
    assert CorporateNumber.parse(number).value == number


@pytest.mark.parametrize("number", ["1234567890123", "2180001015846", "123", "70000120500O2"])
def test_invalid_numbers_name_the_field(number: str) -> None:
    with pytest.raises(DomainError) as e:
        CorporateNumber.parse(number)
    assert e.value.field == "corporate_number"


def test_input_is_normalised() -> None:
    assert CorporateNumber.parse("７０００－０１２０５－０００２").value == "7000012050002"
    assert CorporateNumber.parse("T7000012050002").value == "7000012050002"
    assert CorporateNumber.parse(" 7000 0120 5000 2 ").value == "7000012050002"


@given(base12)
def test_the_check_digit_is_never_zero(base: str) -> None:
    assert 1 <= check_digit(base) <= 9
    assert str(CorporateNumber.from_base(base))[1:] == base


@given(base12, st.integers(0, 11), st.integers(1, 9))
def test_a_single_changed_base_digit_is_caught_unless_it_wraps_mod_9(base: str, pos: int, delta: int) -> None:
    number = CorporateNumber.from_base(base).value
    digit = int(base[pos])
    changed = (digit + delta) % 10
    mutated = number[: pos + 1] + str(changed) + number[pos + 2 :]
    weight = 1 if (12 - pos) % 2 else 2
    same_sum_mod_9 = (weight * (changed - digit)) % 9 == 0
    if same_sum_mod_9:
        CorporateNumber(mutated)
    else:
        with pytest.raises(DomainError):
            CorporateNumber(mutated)
