"""所属 / 主所属 / 兼務 Affiliation: a user's membership of an organisation over a period."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from attrs import frozen

from dps.domain.directory.organizations import Organization
from dps.domain.directory.positions import Position
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import AffiliationId, OrganizationId, PositionId, UserId
from dps.domain.shared.periods import Period


@frozen
class Affiliation:
    """`is_primary` marks the 主所属; other affiliations are concurrent posts (兼務)."""

    id: AffiliationId
    user_id: UserId
    organization_id: OrganizationId
    period: Period
    is_primary: bool = True
    position_id: PositionId | None = None


def check_new_affiliation(
    existing: Iterable[Affiliation],
    new: Affiliation,
    organization: Organization,
    position: Position | None,
) -> None:
    """The rules a new or changed affiliation must keep against the user's other affiliations.

    - it lies inside the organisation's validity;
    - its position belongs to the organisation's company;
    - the same user is not affiliated twice with one organisation on any day;
    - a user has at most one primary affiliation on any day.
    """
    if not organization.span.covers(new.period):
        raise DomainError(
            f"affiliation lies outside the validity of organisation '{organization.code}'", field="valid_from"
        )
    if position is not None and position.company_id != organization.company_id:
        raise DomainError("the position belongs to another company", field="position_id")
    for a in existing:
        if a.id == new.id or a.user_id != new.user_id or not a.period.overlaps(new.period):
            continue
        if a.organization_id == new.organization_id:
            raise DomainError("the user already belongs to this organisation in that period", field="valid_from")
        if a.is_primary and new.is_primary:
            raise DomainError(
                "the user already has a primary affiliation in that period; make this one concurrent (兼務)",
                field="is_primary",
            )


def current_affiliations(affiliations: Iterable[Affiliation], day: date) -> list[Affiliation]:
    """Affiliations in force on `day`, the primary first."""
    return sorted((a for a in affiliations if a.period.contains(day)), key=lambda a: not a.is_primary)
