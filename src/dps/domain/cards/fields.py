"""What a business card says, field by field, and one line of text read from it."""

from __future__ import annotations

from attrs import asdict, field, frozen

FIELD_NAMES: tuple[str, ...] = (
    "company", "department", "title", "family_name", "given_name", "family_kana", "given_kana",
    "postal_code", "address", "phone", "fax", "mobile", "email", "url",
)
"""The fields in their output order (`dps cards read --json`, the review screen)."""


@frozen
class CardFields:
    """The fields of one card; an empty string where the card shows nothing (or nothing was read).

    `postal_code` is `NNN-NNNN`; phone numbers keep the card's grouping with hyphens
    (`03-1234-5678`, `+81-3-1234-5678`); kana are as printed (hiragana, katakana or romaji).
    """

    company: str = ""
    department: str = ""
    title: str = ""
    family_name: str = ""
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    mobile: str = ""
    email: str = ""
    url: str = ""

    def as_dict(self) -> dict[str, str]:
        """The fields as a dict in `FIELD_NAMES` order."""
        values = asdict(self)
        return {name: values[name] for name in FIELD_NAMES}

    def filled(self) -> int:
        """How many fields hold something: a rough measure of how much was recognised."""
        return sum(1 for name in FIELD_NAMES if getattr(self, name))

    @property
    def is_empty(self) -> bool:
        return self.filled() == 0


@frozen
class CardLine:
    """One line of OCR text, with the glyph height in pixels and the engine's confidence (0-100) when known."""

    text: str
    height: float = field(default=0.0)
    confidence: float = field(default=-1.0)
