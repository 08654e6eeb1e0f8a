"""会社 Company: the tenant's own (group) companies, roots of the organisation trees."""

from __future__ import annotations

from datetime import date

from attrs import define, field

from dps.domain.directory.codes import validate_code, validate_name
from dps.domain.shared.ids import CompanyId


@define(eq=False)
class Company:
    """A company exists from `valid_from`; its organisations cannot start before it does."""

    id: CompanyId
    code: str = field(converter=validate_code)
    name: str = field(converter=validate_name)
    valid_from: date
    kana: str = ""
    version: int = 1

    def rename(self, name: str, kana: str | None = None) -> None:
        self.name = validate_name(name)
        if kana is not None:
            self.kana = kana
