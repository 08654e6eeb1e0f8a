"""Register, edit (full replace) and delete one budget."""

from __future__ import annotations

from uuid import UUID

from attrs import frozen

from dps.application.sales.access import update_rule, viewer_in
from dps.application.sales.budgets.rules import (
    WHAT,
    BudgetInput,
    check_target,
    code_lists,
    deleted_entry,
    draft_of,
    ensure_may_change,
    ensure_unique,
)
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import acting_user
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.budgets import Budget
from dps.domain.shared.principal import Principal


@frozen
class EditBudgetCommand:
    """Replace the whole budget (target, kind, notes, every line) if it is still at `expected_version`."""

    budget_id: UUID
    expected_version: int
    content: BudgetInput


@frozen
class DeleteBudgetCommand:
    budget_id: UUID
    expected_version: int | None = None
    """When given, a budget changed since it was read is not deleted (Conflict)."""


class RegisterBudget:
    """Register a budget for a fiscal year (in the tenant's fiscal calendar), a target and a kind.

    - Full licence; under the strict update rule only administrators, the target user and managers
      of the target organisation.
    - The target organisation and user exist; a user named with an organisation belongs to it.
    - Kind and categories come from the code lists; months lie in the fiscal year; amounts >= 0.
    - One budget per (fiscal year, target, per-category or not, kind): a second is a Conflict.
    """

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, data: BudgetInput) -> Budget:
        d = self._d
        ensure_can_write(principal, d.audit, "budget.create")
        with d.uow(principal.tenant_id) as uow:
            tenant = uow.tenant()
            kinds, categories = code_lists(uow)
            with domain_rules():
                draft = draft_of(data, tenant.fiscal_year_start_month)
                budget = Budget.plan(d.ids.new_id(), draft, kinds=kinds, categories=categories)
            check_target(uow, draft)
            viewer = viewer_in(uow, principal, d.clock)
            ensure_may_change(uow, viewer, tenant.update_rule, draft, d.audit, action="budget.create", key=None)
            ensure_unique(uow, budget)
            budget.stamp_created(acting_user(uow, principal), d.clock.now())
            uow.budgets.add(budget)
            uow.commit()
        log_master_change(d.audit, principal, WHAT, "create", budget)
        return budget


class EditBudget:
    """Replace a budget's content and lines; a stale `expected_version` is a Conflict carrying the
    current version. The same rules as registration apply, and under the strict update rule the
    principal must be in charge of both the old and the new target."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: EditBudgetCommand) -> Budget:
        d = self._d
        ensure_can_write(principal, d.audit, "budget.update")
        with d.uow(principal.tenant_id) as uow:
            budget = uow.budgets.get(cmd.budget_id)
            if budget is None:
                raise NotFound(WHAT, cmd.budget_id)
            rule = update_rule(uow)
            viewer = viewer_in(uow, principal, d.clock)
            ensure_may_change(uow, viewer, rule, budget, d.audit, action="budget.update", key=budget.id)
            if budget.version != cmd.expected_version:
                raise Conflict("the budget was changed by someone else / 他の人が先に更新しました",
                               current_version=budget.version)
            before = snapshot(budget)
            same_year = cmd.content.fiscal_year == budget.fiscal_year
            start_month = budget.fiscal_year_start_month if same_year else uow.tenant().fiscal_year_start_month
            kinds, categories = code_lists(uow)
            with domain_rules():
                draft = draft_of(cmd.content, start_month)
                budget.revise(draft, kinds=kinds, categories=categories)
            check_target(uow, draft)
            ensure_may_change(uow, viewer, rule, draft, d.audit, action="budget.update", key=budget.id)
            ensure_unique(uow, budget)
            budget.stamp_updated(acting_user(uow, principal), d.clock.now())
            uow.budgets.update(budget)
            uow.commit()
        log_master_change(d.audit, principal, WHAT, "update", budget, before=before)
        return budget


class DeleteBudget:
    """Delete one budget and its lines (nothing else refers to a budget)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: DeleteBudgetCommand) -> None:
        d = self._d
        ensure_can_write(principal, d.audit, "budget.delete")
        with d.uow(principal.tenant_id) as uow:
            budget = uow.budgets.get(cmd.budget_id)
            if budget is None:
                raise NotFound(WHAT, cmd.budget_id)
            viewer = viewer_in(uow, principal, d.clock)
            ensure_may_change(uow, viewer, update_rule(uow), budget, d.audit, action="budget.delete", key=budget.id)
            if cmd.expected_version is not None and budget.version != cmd.expected_version:
                raise Conflict("the budget was changed by someone else / 他の人が先に更新しました",
                               current_version=budget.version)
            before = snapshot(budget)
            uow.budgets.delete([budget.id])
            uow.commit()
        deleted_entry(d.audit, principal, budget, before)
