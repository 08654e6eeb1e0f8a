"""役職 Position: a post held within an organisation membership, ranked per company."""

from __future__ import annotations

from attrs import define, field

from dps.domain.directory.codes import validate_code, validate_name
from dps.domain.shared.ids import CompanyId, PositionId


@define(eq=False)
class Position:
    """`rank` orders posts (higher is more senior); `is_manager` marks posts that manage an organisation."""

    id: PositionId
    company_id: CompanyId
    code: str = field(converter=validate_code)
    name: str = field(converter=validate_name)
    rank: int = 0
    is_manager: bool = False
    version: int = 1
