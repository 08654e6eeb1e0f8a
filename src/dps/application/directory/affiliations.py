"""Use cases on affiliations (所属 / 兼務) of users to organisations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrs import frozen

from dps.application.directory.deps import DirectoryDeps
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import NotFound, domain_rules
from dps.application.shared.guards import ensure_admin
from dps.domain.directory.affiliations import Affiliation, check_new_affiliation
from dps.domain.shared.ids import AffiliationId, OrganizationId, PositionId, UserId
from dps.domain.shared.periods import Period
from dps.domain.shared.principal import Principal


@frozen
class AssignAffiliationCommand:
    user_id: UserId
    organization_id: OrganizationId
    valid_from: date
    valid_to: date | None = None
    is_primary: bool = True
    position_id: PositionId | None = None


class AssignAffiliation:
    """Affiliate a user with an organisation, as primary post or concurrent post (兼務).

    - Tenant administrators only.
    - A user has one primary affiliation at any date and never two with one organisation.
    - The affiliation lies inside the organisation's validity; the position is of its company.
    """

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: AssignAffiliationCommand) -> Affiliation:
        ensure_admin(principal, self._d.audit, "affiliation.assign")
        with self._d.uow(principal.tenant_id) as uow:
            if uow.users.get(cmd.user_id) is None:
                raise NotFound("user", cmd.user_id)
            org = uow.organizations.get(cmd.organization_id)
            if org is None:
                raise NotFound("organisation", cmd.organization_id)
            position = None
            if cmd.position_id is not None:
                position = uow.positions.get(cmd.position_id)
                if position is None:
                    raise NotFound("position", cmd.position_id)
            with domain_rules():
                aff = Affiliation(
                    id=AffiliationId(self._d.ids.new_id()), user_id=cmd.user_id,
                    organization_id=cmd.organization_id, period=Period(cmd.valid_from, cmd.valid_to),
                    is_primary=cmd.is_primary, position_id=cmd.position_id,
                )
                check_new_affiliation(uow.affiliations.for_user(cmd.user_id), aff, org, position)
            uow.affiliations.add(aff)
            uow.commit()
        log_master_change(self._d.audit, principal, "affiliation", "create", aff)
        return aff


class ListAffiliations:
    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, user_id: UserId) -> Sequence[Affiliation]:
        with self._d.uow(principal.tenant_id) as uow:
            return uow.affiliations.for_user(user_id)
