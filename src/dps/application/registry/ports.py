"""What the account screens and the card import need from a corporate registry: look up corporations
by 法人番号 (corporate number) or by name. Adapters: the offline registry (a local table loaded from the
NTA's bulk files), the NTA 法人番号システム Web-API (Ver.4) and the gBizINFO REST API (v2); a chain
asks them in the configured order. Every failure of a source is a `RegistryUnavailable` the UI can
explain ("registry unreachable, enter manually"), never a bare transport error."""

from __future__ import annotations

import enum
from abc import abstractmethod
from collections.abc import Sequence
from datetime import date
from typing import Protocol, runtime_checkable

from attrs import frozen

from dps.application.shared.errors import ApplicationError


class RegistrySource(enum.StrEnum):
    OFFLINE = "offline"
    NTA = "nta"
    GBIZINFO = "gbizinfo"


@frozen
class CorporateRecord:
    """One corporation as the registry publishes it (the NTA's 30-field layout, normalised: NFKC text,
    dates parsed, empty strings for absent text). `furigana` is katakana without the corporate form."""

    corporate_number: str
    name: str
    source: RegistrySource
    furigana: str = ""
    kind: str = ""
    """法人種別 code (101 国の機関, 301 株式会社, 305 合同会社, ...)."""
    prefecture: str = ""
    city: str = ""
    street: str = ""
    postal_code: str = ""
    """7 digits, no hyphen."""
    address_outside: str = ""
    en_name: str = ""
    en_address: str = ""
    close_date: date | None = None
    close_cause: str = ""
    successor_number: str = ""
    """The corporation that absorbed this one (merger), else ''."""
    change_date: date | None = None
    update_date: date | None = None
    assignment_date: date | None = None

    @property
    def address(self) -> str:
        return f"{self.prefecture}{self.city}{self.street}" or self.address_outside

    @property
    def is_closed(self) -> bool:
        return self.close_date is not None


class RegistryUnavailable(ApplicationError):
    """A source could not answer: unreachable, timed out, throttled, refused the credentials or is not
    configured. `reason` is a short code (unreachable, timeout, throttled, unauthorized, not_configured,
    bad_response); the message is for people (Japanese / English)."""

    def __init__(self, source: RegistrySource, reason: str, message: str) -> None:
        super().__init__(message)
        self.source = source
        self.reason = reason


@runtime_checkable
class CorporateRegistry(Protocol):
    """Runtime-checkable: litestar checks the instance it injects into handlers against this type."""

    @property
    def source(self) -> RegistrySource:
        """Which registry answers (a chain: its first source)."""
        ...

    @abstractmethod
    def by_numbers(self, numbers: Sequence[str]) -> Sequence[CorporateRecord]:
        """The latest record of each given 13-digit number it knows (unknown numbers are absent); any
        number of numbers (an adapter batches by the source's limit, 10 for the NTA)."""

    @abstractmethod
    def search_name(self, name: str, *, limit: int = 20) -> Sequence[CorporateRecord]:
        """Corporations whose name matches `name` (normalised: full/half width, kana, corporate-form words
        such as 株式会社 in front or behind ignored), best first, at most `limit`; closed ones included
        (marked by `close_date`)."""
