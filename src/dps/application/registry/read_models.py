"""What the registry screens and API show: a corporation offered as a candidate for an account, and the
differences between an account and its registry record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from uuid import UUID

from attrs import frozen

from dps.application.registry.ports import RegistrySource
from dps.domain.registry.close_causes import close_cause_code
from dps.domain.registry.close_causes import close_cause_label as _label


def close_cause_label(code: str) -> str:
    """The people's words for a closing cause (the NTA's code, or its text as gBizINFO gave it), 'ja / en';
    an unknown code is shown as it is."""
    return _label(close_cause_code(code)) if code.strip() else ""


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
    def status_values(self) -> dict[str, str]:
        """The English name and the closing status as an account's fields would take them (a date in ISO
        form, the closing cause as its code; empty when the registry says nothing)."""
        return {
            "en_name": self.en_name,
            "closed_on": self.close_date.isoformat() if self.close_date else "",
            "close_cause": close_cause_code(self.close_cause) if self.close_cause.strip() else "",
            "successor_corporate_number": self.successor_number,
        }

    @property
    def address(self) -> str:
        return f"{self.values.get('prefecture', '')}{self.values.get('address', '')}"


@frozen
class FieldChange:
    """One field where the account and the registry differ, both values as the account stores them (a
    date as 2024-04-01, a closing cause as its code). `target` is the account field applying it writes
    (every registry field has one now; kept for the API's shape)."""

    field: str
    current: str
    registry: str
    target: str | None

    @property
    def applicable(self) -> bool:
        return self.target is not None

    @property
    def current_label(self) -> str:
        """The current value as a person reads it (a closing cause in words)."""
        return close_cause_label(self.current) if self.field == "close_cause" else self.current

    @property
    def registry_label(self) -> str:
        return close_cause_label(self.registry) if self.field == "close_cause" else self.registry


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
