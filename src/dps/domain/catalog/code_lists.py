"""コード区分 Code lists: the per-tenant picklists (stage, certainty, activity kind, ...) that record
fields are validated against, configured as data rather than hard-coded enums."""

from __future__ import annotations

from attrs import define, evolve, field, frozen

from dps.domain.directory.codes import validate_code, validate_name
from dps.domain.shared.errors import DomainError


@frozen
class CodeValue:
    """One choice; `probability` (0-100) is used by certainty (確度) values for weighted forecasts."""

    code: str = field(converter=validate_code)
    label_ja: str = field(converter=validate_name)
    label_en: str = ""
    sort_order: int = 0
    is_active: bool = True
    probability: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.probability is not None and not 0 <= self.probability <= 100:
            raise DomainError("probability must be between 0 and 100", field="probability")


@define(eq=False)
class CodeList:
    key: str = field(converter=validate_code)
    values: list[CodeValue] = field(factory=list)

    def value(self, code: str) -> CodeValue | None:
        return next((v for v in self.values if v.code == code), None)

    def validate(self, code: str, *, field_name: str | None = None) -> CodeValue:
        """The active value `code`, or a DomainError naming the field and the allowed codes."""
        found = self.value(code)
        if found is None or not found.is_active:
            allowed = ", ".join(v.code for v in self.active())
            raise DomainError(f"'{code}' is not a value of code list '{self.key}' (allowed: {allowed})",
                              field=field_name or self.key)
        return found

    def active(self) -> list[CodeValue]:
        return sorted((v for v in self.values if v.is_active), key=lambda v: (v.sort_order, v.code))

    def add(self, value: CodeValue) -> None:
        if self.value(value.code) is not None:
            raise DomainError(f"code '{value.code}' already exists in '{self.key}'", field="code")
        self.values.append(value)

    def deactivate(self, code: str) -> None:
        """Values are never deleted (records keep referring to them); they stop being offered."""
        found = self.value(code)
        if found is None:
            raise DomainError(f"code '{code}' does not exist in '{self.key}'", field="code")
        self.values = [evolve(v, is_active=False) if v.code == code else v for v in self.values]
