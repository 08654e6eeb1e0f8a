"""Business cards (名刺): the fields printed on a card and the parser that reads them from OCR text."""

from dps.domain.cards.fields import FIELD_NAMES, CardFields, CardLine
from dps.domain.cards.parser import parse_card

__all__ = ["FIELD_NAMES", "CardFields", "CardLine", "parse_card"]
