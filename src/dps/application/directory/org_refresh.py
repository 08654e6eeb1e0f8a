"""集計組織最新化: rebuild the organisation closure as of a date, for 自担当 scope and roll-ups."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from dps.application.directory.deps import DirectoryDeps
from dps.application.shared.guards import ensure_admin
from dps.application.shared.time import today_in
from dps.domain.directory.closure import build_closure
from dps.domain.directory.tree import parents_at
from dps.domain.shared.principal import Principal


@frozen
class OrgRefreshResult:
    as_of: date
    organizations: int
    rows: int


class RefreshOrgClosure:
    """Rebuild the closure table from the tree valid on `as_of` (default today).

    - Tenant administrators (and the scheduler) only.
    - Idempotent: running it twice for one date leaves the same rows.
    - The whole swap happens in one transaction: readers never see half a closure.
    """

    def __init__(self, deps: DirectoryDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, as_of: date | None = None) -> OrgRefreshResult:
        ensure_admin(principal, self._d.audit, "org.refresh")
        day = as_of or today_in(self._d.clock, principal.time_zone)
        with self._d.uow(principal.tenant_id) as uow:
            parent_of = parents_at(uow.organizations.list_all(), day)
            rows = build_closure(parent_of)
            written = uow.org_closure.replace(rows, as_of=day, refreshed_at=self._d.clock.now())
            uow.commit()
        result = OrgRefreshResult(as_of=day, organizations=len(parent_of), rows=written)
        self._d.audit.application(
            "org.refreshed", actor=principal.login_id, as_of=day.isoformat(),
            organizations=result.organizations, rows=result.rows,
        )
        return result
