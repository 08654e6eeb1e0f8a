"""What the registry screens and API show: a corporation offered as a candidate for an account, and the
differences between an account and its registry record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from uuid import UUID

from attrs import frozen

from dps.application.registry.ports import RegistrySource

CLOSE_CAUSES: Mapping[str, str] = {
    "01": "清算の結了等 / liquidation completed",
    "11": "合併による解散等 / dissolved by merger",
    "21": "登記官による閉鎖 / closed by the registrar",
    "31": "その他の清算の結了等 / other liquidation",
}
"""The NTA's 登記記録の閉鎖等の事由 codes (reference §1: closeCause)."""


def close_cause_label(code: str) -> str:
    """The people's words for a closing cause code; an unknown code is shown as it is."""
    return CLOSE_CAUSES.get(code, code)


@frozen
class CorporationCandidate:
    """One corporation a user may pick for an account: its number, what the account would get (`values`,
    by account field name: name, kana, postal_code, prefecture, address) and its status."""

    corporate_number: str
    name: str
    source: RegistrySource
    values: Mapping[str, str]
    en_name: str = ""
    close_date: date | None = None
    close_cause: str = ""
    successor_number: str = ""

    @property
    def is_closed(self) -> bool:
        return self.close_date is not None

    @property
    def close_cause_label(self) -> str:
        return close_cause_label(self.close_cause)

    @property
    def address(self) -> str:
        return f"{self.values.get('prefecture', '')}{self.values.get('address', '')}"


@frozen
class FieldChange:
    """One field where the account and the registry differ. `target` is where applying it writes (an
    account column, or `custom_fields.<key>`); None when the account has no place for it (shown only)."""

    field: str
    current: str
    registry: str
    target: str | None

    @property
    def applicable(self) -> bool:
        return self.target is not None


@frozen
class RegistryComparison:
    """An account (at `version`) beside the registry's record of its 法人番号."""

    account_id: UUID
    account_name: str
    version: int
    corporate_number: str
    corporation: CorporationCandidate
    changes: tuple[FieldChange, ...]

    def change(self, field: str) -> FieldChange | None:
        return next((c for c in self.changes if c.field == field), None)
