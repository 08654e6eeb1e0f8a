"""一括削除: delete many budgets at once, chosen by id or by filter, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from attrs import field, frozen

from dps.application.sales.access import update_rule, viewer_in
from dps.application.sales.budgets.rules import WHAT, BudgetQuery, allowed, deleted_entry, filter_of
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Forbidden, Invalid, NotFound
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.domain.shared.principal import Principal


def _ids(values: Iterable[UUID]) -> tuple[UUID, ...]:
    return tuple(values)


@frozen
class DeleteBudgetsCommand:
    """Either `ids`, or a filter whose `fiscal_year` is required (organisation with or without its
    sub-organisations, user, kind narrow it). `dry_run` counts what would go and deletes nothing."""

    ids: tuple[UUID, ...] = field(default=(), converter=_ids)
    query: BudgetQuery | None = None
    dry_run: bool = False


@frozen
class DeleteBudgetsResult:
    matched: int
    deleted: int


class DeleteBudgets:
    """Delete every chosen budget, or none: an unknown id, or one budget the principal may not
    change under the strict update rule, refuses the whole batch. Each deleted budget is written
    to the master-change log."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: DeleteBudgetsCommand) -> DeleteBudgetsResult:
        d = self._d
        ensure_can_write(principal, d.audit, "budget.bulk_delete")
        if bool(cmd.ids) == (cmd.query is not None):
            raise Invalid.field(
                "ids", "give either ids or a filter (fiscal_year, ...) / ID か条件のどちらかを指定してください"
            )
        if cmd.query is not None and cmd.query.fiscal_year is None:
            raise Invalid.field("fiscal_year", "required to delete by filter / 条件で削除するには年度が必要です")
        with d.uow(principal.tenant_id) as uow:
            if cmd.query is not None:
                budgets = list(uow.budgets.matching(filter_of(uow, cmd.query)))
            else:
                wanted = list(dict.fromkeys(cmd.ids))
                budgets = list(uow.budgets.get_many(wanted))
                missing = set(wanted) - {b.id for b in budgets}
                if missing:
                    raise NotFound(WHAT, next(i for i in wanted if i in missing))
            viewer = viewer_in(uow, principal, d.clock)
            rule = update_rule(uow)
            refused = [b for b in budgets if not allowed(uow, viewer, rule, b)]
            if refused:
                d.audit.security(
                    "permission.denied", user=principal.login_id, action="budget.bulk_delete", record_type=WHAT,
                    record_id=",".join(str(b.id) for b in refused[:20]),
                    reason=f"strict update rule: not in charge of {len(refused)} of {len(budgets)} budgets",
                )
                raise Forbidden(
                    f"you may not delete {len(refused)} of the {len(budgets)} budgets; nothing was deleted / "
                    "削除する権限のない予算が含まれています"
                )
            if cmd.dry_run:
                return DeleteBudgetsResult(matched=len(budgets), deleted=0)
            before = {b.id: snapshot(b) for b in budgets}
            deleted = uow.budgets.delete([b.id for b in budgets])
            uow.commit()
        for b in budgets:
            deleted_entry(d.audit, principal, b, before[b.id])
        d.audit.application("budget.bulk_deleted", actor=principal.login_id, deleted=deleted)
        return DeleteBudgetsResult(matched=len(budgets), deleted=deleted)
