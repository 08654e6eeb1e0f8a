"""Reading budgets: one budget, a filtered page, and the lookup of targets by code and login id.
Every licensed user reads every budget of the tenant (budgets are never 非公開)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from attrs import frozen

from dps.application.sales.budgets.rules import WHAT, BudgetQuery, filter_of
from dps.application.sales.deps import SalesDeps
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid, NotFound
from dps.application.shared.paging import Page, PageRequest
from dps.domain.sales.budgets import Budget
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import Principal


@frozen
class TargetLabel:
    """How a budget's target reads on screen: the organisation's code and name (as at the start of
    the fiscal year, or its latest name) and the user's login id and name."""

    organization_code: str = ""
    organization_name: str = ""
    user_login: str = ""
    user_name: str = ""


@frozen
class BudgetView:
    budget: Budget
    target: TargetLabel


@frozen
class ResolvedTarget:
    organization_id: OrganizationId | None = None
    user_id: UserId | None = None


class GetBudget:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, budget_id: UUID) -> BudgetView:
        with self._d.uow(principal.tenant_id) as uow:
            budget = uow.budgets.get(budget_id)
            if budget is None:
                raise NotFound(WHAT, budget_id)
            return BudgetView(budget, _labels(uow, [budget])[budget.id])


class ListBudgets:
    """A page of budgets matching the filters, with their targets' labels."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: BudgetQuery, page: PageRequest) -> Page[BudgetView]:
        with self._d.uow(principal.tenant_id) as uow:
            found = uow.budgets.search(filter_of(uow, query), page)
            labels = _labels(uow, found.items)
            return Page(
                items=[BudgetView(b, labels[b.id]) for b in found.items], next_cursor=found.next_cursor,
                total=found.total,
            )


class ResolveBudgetTarget:
    """Organisation code and login id -> ids, for the command line. Organisation codes are unique per
    company; a code used by several companies is refused as ambiguous."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(
        self, principal: Principal, *, organization_code: str | None = None, user_login: str | None = None
    ) -> ResolvedTarget:
        with self._d.uow(principal.tenant_id) as uow:
            org_id: OrganizationId | None = None
            user_id: UserId | None = None
            if organization_code:
                code = organization_code.strip()
                matches = [o for o in uow.organizations.list_all() if o.code == code]
                if not matches:
                    raise NotFound("organisation", code)
                if len(matches) > 1:
                    raise Invalid.field(
                        "organization_code",
                        f"'{code}' is used by {len(matches)} companies / 複数の会社で使われているコードです",
                    )
                org_id = matches[0].id
            if user_login:
                user = uow.users.get_by_login(user_login.strip())
                if user is None:
                    raise NotFound("user", user_login.strip())
                user_id = user.id
            return ResolvedTarget(organization_id=org_id, user_id=user_id)


def _labels(uow: SalesUnitOfWork, budgets: Iterable[Budget]) -> dict[UUID, TargetLabel]:
    orgs: dict[OrganizationId, tuple[str, str]] = {}
    users: dict[UserId, tuple[str, str]] = {}
    out: dict[UUID, TargetLabel] = {}
    for b in budgets:
        org = ("", "")
        if b.organization_id is not None:
            if b.organization_id not in orgs:
                found = uow.organizations.get(b.organization_id)
                name = ""
                if found is not None:
                    v = found.version_at(b.period.start) or (found.versions[-1] if found.versions else None)
                    name = v.name if v is not None else ""
                orgs[b.organization_id] = (found.code if found else "", name)
            org = orgs[b.organization_id]
        user = ("", "")
        if b.user_id is not None:
            if b.user_id not in users:
                u = uow.users.get(b.user_id)
                users[b.user_id] = (u.login_id, u.name) if u else ("", "")
            user = users[b.user_id]
        out[b.id] = TargetLabel(organization_code=org[0], organization_name=org[1], user_login=user[0],
                                user_name=user[1])
    return out
