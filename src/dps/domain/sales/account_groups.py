"""取引先汎用グループ Account group: a free grouping of accounts beside the parent hierarchy (系列, target
lists, 重点顧客, agency networks). Membership is a set of account ids kept by the repository."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from attrs import define, field

from dps.domain.directory.codes import validate_code
from dps.domain.sales.accounts import strip_texts, text


@define(kw_only=True, eq=False)
class AccountGroup:
    id: UUID
    code: str = field(converter=validate_code)
    name: str = field(validator=text("name", 200, required=True))
    description: str = field(default="", validator=text("description", 4000))
    created_at: datetime | None = None
    version: int = 1

    def __attrs_post_init__(self) -> None:
        strip_texts(self)

    def rename(self, name: str, description: str | None = None) -> None:
        self.name = name.strip()
        if description is not None:
            self.description = description.strip()
