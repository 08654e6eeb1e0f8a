"""予算 Budgets (S1): a plan of amounts per month of one fiscal year for an organisation and/or a
user, of one kind (受注 / 売上 / 粗利 ... from the `budget_kind` code list), optionally split per
product category (`product_category` code list). Quarter, half-year and year totals are derived.

A budget remembers the fiscal calendar (start month) it was planned in, so its quarters keep
their meaning if the tenant later moves its fiscal year start.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from attrs import define, frozen

from dps.domain.catalog.code_lists import CodeList
from dps.domain.sales.fiscal_years import FiscalYear, month_start
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.money import to_money
from dps.domain.shared.periods import Period
from dps.domain.visibility.policy import UpdateRule, Viewer

NOTES_MAX = 4000
ZERO = Decimal(0)


def target_key(organization_id: UUID | None, user_id: UUID | None, by_category: bool) -> str:
    """The canonical text of (organisation, user, per-category) stored in `budgets.target_key`, so
    that one unique key (tenant, fiscal year, target key, kind) forbids a second such budget."""
    org = str(organization_id) if organization_id is not None else "-"
    user = str(user_id) if user_id is not None else "-"
    return f"o:{org}|u:{user}|{'category' if by_category else 'month'}"


@frozen
class BudgetLine:
    """The amount of one month (first day of the month), for one product category when the budget
    is per category (otherwise `category_code` is '')."""

    month: date
    amount: Decimal
    category_code: str = ""


@frozen
class LineDraft:
    """A line as entered: `amount` is still raw input (text or number), checked by the budget."""

    month: date
    amount: object
    category_code: str = ""


@frozen
class BudgetDraft:
    """Everything a user enters for a budget; `Budget.plan` / `Budget.revise` check it whole."""

    fiscal_year: FiscalYear
    kind_code: str
    organization_id: OrganizationId | None = None
    user_id: UserId | None = None
    by_category: bool = False
    notes: str = ""
    lines: tuple[LineDraft, ...] = ()

    @property
    def target_key(self) -> str:
        return target_key(self.organization_id, self.user_id, self.by_category)


def check_membership(draft: BudgetDraft, affiliation_periods: Iterable[Period]) -> None:
    """When a budget names an organisation and a user, the user belongs to that organisation (or one
    of its sub-organisations) on at least one day of the fiscal year. `affiliation_periods` are the
    periods of the user's affiliations with those organisations."""
    if draft.organization_id is None or draft.user_id is None:
        return
    year = draft.fiscal_year.period
    if not any(p.overlaps(year) for p in affiliation_periods):
        raise DomainError(
            f"the user does not belong to the organisation during fiscal year {draft.fiscal_year.year} / "
            "担当者がその年度に組織に所属していません",
            field="user_id",
        )


@define(kw_only=True, eq=False)
class Budget:
    """One budget with its lines (at most one per month, or per month and category)."""

    id: UUID
    fiscal_year: int
    fiscal_year_start_month: int = 4
    organization_id: OrganizationId | None = None
    user_id: UserId | None = None
    kind_code: str
    by_category: bool = False
    notes: str = ""
    lines: tuple[BudgetLine, ...] = ()
    created_by: UserId | None = None
    created_at: datetime | None = None
    updated_by: UserId | None = None
    updated_at: datetime | None = None
    version: int = 1

    # -- building and changing

    @classmethod
    def plan(cls, budget_id: UUID, draft: BudgetDraft, *, kinds: CodeList, categories: CodeList | None) -> Budget:
        """A new budget from `draft`, every rule checked (DomainError naming the field otherwise)."""
        budget = cls(id=budget_id, fiscal_year=draft.fiscal_year.year, kind_code=draft.kind_code)
        budget.revise(draft, kinds=kinds, categories=categories)
        return budget

    def revise(self, draft: BudgetDraft, *, kinds: CodeList, categories: CodeList | None) -> None:
        """Replace everything (target, kind, fiscal year, notes and all lines) with `draft`; on a
        broken rule nothing changes."""
        if draft.organization_id is None and draft.user_id is None:
            raise DomainError(
                "a budget needs a target: an organisation, a user or both / 対象の組織または担当者を指定してください",
                field="organization_id",
            )
        kind = kinds.validate(draft.kind_code.strip(), field_name="kind_code").code
        notes = draft.notes.strip()
        if len(notes) > NOTES_MAX:
            raise DomainError(f"at most {NOTES_MAX} characters", field="notes")
        lines = _checked_lines(draft, categories)
        self.fiscal_year = draft.fiscal_year.year
        self.fiscal_year_start_month = draft.fiscal_year.start_month
        self.organization_id, self.user_id = draft.organization_id, draft.user_id
        self.kind_code, self.by_category, self.notes, self.lines = kind, draft.by_category, notes, lines

    def stamp_created(self, by: UserId | None, at: datetime) -> None:
        self.created_by, self.created_at = by, at
        self.updated_by, self.updated_at = by, at

    def stamp_updated(self, by: UserId | None, at: datetime) -> None:
        self.updated_by, self.updated_at = by, at

    # -- derived views

    @property
    def period(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year, self.fiscal_year_start_month)

    @property
    def target_key(self) -> str:
        return target_key(self.organization_id, self.user_id, self.by_category)

    def month_totals(self) -> tuple[tuple[date, Decimal], ...]:
        """All twelve months of the year in order with their amount (summed over categories; a month
        without a line counts as zero)."""
        sums = dict.fromkeys(self.period.months(), ZERO)
        for line in self.lines:
            sums[line.month] += line.amount
        return tuple(sums.items())

    def quarter_totals(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """四半期 Q1-Q4 of the fiscal year."""
        q = [ZERO] * 4
        for i, (_, amount) in enumerate(self.month_totals()):
            q[i // 3] += amount
        return q[0], q[1], q[2], q[3]

    def half_totals(self) -> tuple[Decimal, Decimal]:
        """上期 / 下期."""
        q = self.quarter_totals()
        return q[0] + q[1], q[2] + q[3]

    @property
    def total(self) -> Decimal:
        """年間 the whole year."""
        return sum((line.amount for line in self.lines), ZERO)

    def category_totals(self) -> dict[str, Decimal]:
        """Year total per product category ('' when the budget is not per category)."""
        sums: dict[str, Decimal] = {}
        for line in self.lines:
            sums[line.category_code] = sums.get(line.category_code, ZERO) + line.amount
        return sums


def _checked_lines(draft: BudgetDraft, categories: CodeList | None) -> tuple[BudgetLine, ...]:
    year = draft.fiscal_year
    seen: set[tuple[date, str]] = set()
    lines: list[BudgetLine] = []
    for i, raw in enumerate(draft.lines):
        name = f"lines[{i}]"
        month = month_start(raw.month)
        if not year.contains(month):
            first, last = year.months()[0], year.months()[-1]
            raise DomainError(
                f"line {i + 1}: month {month.strftime('%Y-%m')} is outside fiscal year {year.year} "
                f"({first.strftime('%Y-%m')} .. {last.strftime('%Y-%m')}) / 年度外の月です",
                field=f"{name}.month",
            )
        category = raw.category_code.strip()
        if draft.by_category:
            if not category:
                raise DomainError(f"line {i + 1}: a product category is required (per-category budget)",
                                  field=f"{name}.category_code")
            if categories is None:
                raise DomainError("the product category code list is missing", field=f"{name}.category_code")
            category = categories.validate(category, field_name=f"{name}.category_code").code
        elif category:
            raise DomainError(f"line {i + 1}: a category is allowed only on a per-category budget (by_category)",
                              field=f"{name}.category_code")
        amount = to_money(raw.amount, field=f"{name}.amount")
        key = (month, category)
        if key in seen:
            what = f"{month.strftime('%Y-%m')}" + (f" / {category}" if category else "")
            raise DomainError(f"line {i + 1}: {what} is given twice", field=f"{name}.month")
        seen.add(key)
        lines.append(BudgetLine(month=month, amount=amount, category_code=category))
    return tuple(sorted(lines, key=lambda line: (line.month, line.category_code)))


def can_change_budget(
    viewer: Viewer, budget: Budget | BudgetDraft, rule: UpdateRule,
    *, target_user_orgs: frozenset[OrganizationId] = frozenset(),
) -> bool:
    """Who may register, change or delete a budget (budgets are never 非公開, so all may read them).

    Light users never. Under the default rule every full user. Under the strict rule:
    administrators, the target user, and managers whose managed organisations (with their
    sub-organisations) include the target organisation - or, for a budget of a user alone, one of
    the organisations that user belongs to in the fiscal year (`target_user_orgs`).
    """
    principal = viewer.principal
    if not principal.can_write_records:
        return False
    if rule is UpdateRule.ANY_FULL_USER or principal.is_admin:
        return True
    if budget.user_id is not None and budget.user_id == principal.user_id:
        return True
    managed = viewer.managed_org_descendants
    if budget.organization_id is not None:
        return budget.organization_id in managed
    return not target_user_orgs.isdisjoint(managed)
