"""Checks the budget use cases share: building the draft, the target's existence, the strict
update rule, the unique key, and the filter of lists and bulk deletion."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from attrs import frozen

from dps.application.sales.budgets.ports import BudgetFilter
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Conflict, Forbidden, Invalid, domain_rules
from dps.application.shared.ports import AuditLog
from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.budgets import Budget, BudgetDraft, LineDraft, can_change_budget, check_membership
from dps.domain.sales.fiscal_years import FiscalYear, parse_month
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import UpdateRule, Viewer

WHAT = "budget"


@frozen
class BudgetLineInput:
    """One line as entered: `month` a date or text such as '2026-04'; `amount` text or a number."""

    month: date | str
    amount: object
    category_code: str = ""


@frozen
class BudgetInput:
    """The whole content of a budget, as registered or as it replaces an existing one."""

    fiscal_year: int
    kind_code: str
    organization_id: OrganizationId | None = None
    user_id: UserId | None = None
    by_category: bool = False
    notes: str = ""
    lines: tuple[BudgetLineInput, ...] = ()


@frozen
class BudgetQuery:
    """Filters of the list and of bulk deletion; `include_sub_orgs` widens the organisation to
    its sub-organisations through the organisation roll-up (集計組織)."""

    fiscal_year: int | None = None
    organization_id: OrganizationId | None = None
    include_sub_orgs: bool = False
    user_id: UserId | None = None
    kind_code: str | None = None


def draft_of(data: BudgetInput, start_month: int) -> BudgetDraft:
    """The domain draft of `data` in a calendar starting in `start_month` (DomainError when a
    fiscal year or month is malformed)."""
    lines = tuple(
        LineDraft(
            month=parse_month(line.month, field=f"lines[{i}].month") if isinstance(line.month, str) else line.month,
            amount=line.amount, category_code=line.category_code,
        )
        for i, line in enumerate(data.lines)
    )
    return BudgetDraft(
        fiscal_year=FiscalYear(data.fiscal_year, start_month), kind_code=data.kind_code,
        organization_id=data.organization_id, user_id=data.user_id, by_category=data.by_category,
        notes=data.notes, lines=lines,
    )


def code_lists(uow: SalesUnitOfWork) -> tuple[CodeList, CodeList]:
    """The tenant's `budget_kind` and `product_category` lists (empty when not configured)."""
    kinds = uow.code_lists.get("budget_kind") or CodeList(key="budget_kind")
    categories = uow.code_lists.get("product_category") or CodeList(key="product_category")
    return kinds, categories


def check_target(uow: SalesUnitOfWork, draft: BudgetDraft) -> None:
    """The organisation and user exist (the organisation during the fiscal year), and a user named
    with an organisation belongs to it (or a sub-organisation) on some day of the year."""
    year = draft.fiscal_year.period
    if draft.organization_id is not None:
        org = uow.organizations.get(draft.organization_id)
        if org is None:
            raise Invalid.field("organization_id", "no such organisation / 組織が見つかりません")
        if not org.span.overlaps(year):
            raise Invalid.field(
                "organization_id",
                f"organisation '{org.code}' does not exist in fiscal year {draft.fiscal_year.year} / "
                "その年度に存在しない組織です",
            )
    if draft.user_id is not None and uow.users.get(draft.user_id) is None:
        raise Invalid.field("user_id", "no such user / 担当者が見つかりません")
    if draft.organization_id is not None and draft.user_id is not None:
        scope = uow.org_closure.descendants_or_self([draft.organization_id]) | {draft.organization_id}
        periods = [a.period for a in uow.affiliations.for_user(draft.user_id) if a.organization_id in scope]
        with domain_rules():
            check_membership(draft, periods)


def ensure_may_change(
    uow: SalesUnitOfWork, viewer: Viewer, rule: UpdateRule, budget: Budget | BudgetDraft, audit: AuditLog,
    *, action: str, key: UUID | None,
) -> None:
    """Forbidden (logged in the security log) unless the principal may change budgets of this target."""
    if not allowed(uow, viewer, rule, budget):
        audit.security(
            "permission.denied", user=viewer.principal.login_id, action=action, record_type=WHAT,
            record_id=str(key) if key else "", reason="strict update rule: not in charge of the budget's target",
        )
        raise Forbidden("you may not change budgets of this target / この対象の予算を変更する権限がありません")


def allowed(uow: SalesUnitOfWork, viewer: Viewer, rule: UpdateRule, budget: Budget | BudgetDraft) -> bool:
    user_orgs: frozenset[OrganizationId] = frozenset()
    needs_user_orgs = (
        rule is UpdateRule.STRICT and budget.organization_id is None and budget.user_id is not None
        and viewer.principal.user_id != budget.user_id and not viewer.principal.is_admin
    )
    if needs_user_orgs:
        assert budget.user_id is not None
        year = budget.fiscal_year if isinstance(budget, BudgetDraft) else budget.period
        user_orgs = frozenset(
            a.organization_id for a in uow.affiliations.for_user(budget.user_id) if a.period.overlaps(year.period)
        )
    return can_change_budget(viewer, budget, rule, target_user_orgs=user_orgs)


def ensure_unique(uow: SalesUnitOfWork, budget: Budget) -> None:
    """Conflict when another budget has the same fiscal year, target and kind."""
    found = uow.budgets.find_id(budget.fiscal_year, budget.target_key, budget.kind_code)
    if found is not None and found != budget.id:
        raise Conflict(duplicate_message(budget), field="kind_code")


def duplicate_message(budget: Budget) -> str:
    split = "per category" if budget.by_category else "per month"
    return (
        f"a '{budget.kind_code}' budget ({split}) of fiscal year {budget.fiscal_year} already exists for this "
        f"target / 同じ年度・対象・種類の予算が既に登録されています"
    )


def filter_of(uow: SalesUnitOfWork, query: BudgetQuery) -> BudgetFilter:
    """The repository filter of `query`; an unknown organisation, user or kind is invalid input (so a
    typing mistake in a bulk delete is reported, not silently matching nothing)."""
    org_ids: frozenset[OrganizationId] | None = None
    if query.organization_id is not None:
        if uow.organizations.get(query.organization_id) is None:
            raise Invalid.field("organization_id", "no such organisation / 組織が見つかりません")
        org_ids = frozenset({query.organization_id})
        if query.include_sub_orgs:
            org_ids |= uow.org_closure.descendants_or_self([query.organization_id])
    if query.user_id is not None and uow.users.get(query.user_id) is None:
        raise Invalid.field("user_id", "no such user / 担当者が見つかりません")
    kind = query.kind_code.strip() if query.kind_code else None
    if kind and code_lists(uow)[0].value(kind) is None:
        raise Invalid.field("kind_code", f"'{kind}' is not a budget kind / 予算種類コードではありません")
    return BudgetFilter(fiscal_year=query.fiscal_year, organization_ids=org_ids, user_id=query.user_id,
                        kind_code=kind or None)


def deleted_entry(audit: AuditLog, principal: Principal, budget: Budget, before: dict[str, Any]) -> None:
    """The master-change log line of a deleted budget: its state before, nothing after."""
    audit.master_change(entity=WHAT, record_id=budget.id, action="delete", actor=principal.login_id,
                        before=before, after=None)
