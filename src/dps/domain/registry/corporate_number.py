"""法人番号 Corporate number: the NTA's 13-digit id whose first digit checks the other twelve."""

from __future__ import annotations

import re
import unicodedata

from attrs import frozen

from dps.domain.shared.errors import DomainError

_SEPARATORS = re.compile(r"[\s\-‐－ー]")


def check_digit(base12: str) -> int:
    """9 - (sum of the 12 base digits weighted 1,2,1,2... from the right) mod 9 (財務省令第七十号 第二条)."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def normalise(raw: str) -> str:
    """Fold full-width digits (NFKC), drop hyphens and spaces, and a leading invoice 'T'."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    return text[1:] if text[:1] in ("T", "t") else text


@frozen
class CorporateNumber:
    """A valid corporate number; build it with `parse` from what a user typed or a file held."""

    value: str

    def __attrs_post_init__(self) -> None:
        if len(self.value) != 13 or not self.value.isascii() or not self.value.isdigit():
            raise DomainError("法人番号は13桁の数字です / a corporate number has 13 digits", field="corporate_number")
        expected = check_digit(self.value[1:])
        if int(self.value[0]) != expected:
            raise DomainError(
                f"法人番号の検査用数字が正しくありません / check digit is {self.value[0]}, expected {expected}",
                field="corporate_number",
            )

    @classmethod
    def parse(cls, raw: str) -> CorporateNumber:
        return cls(normalise(raw))

    @classmethod
    def from_base(cls, base12: str) -> CorporateNumber:
        """The corporate number of a 12-digit base number (会社法人等番号)."""
        return cls(f"{check_digit(base12)}{base12}")

    def __str__(self) -> str:
        return self.value
