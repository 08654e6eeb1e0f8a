"""予算: lines of one fiscal year, code-list kinds and categories, derived totals, who may change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.domain.catalog.code_lists import CodeList, CodeValue
from dps.domain.sales.budgets import (
    Budget,
    BudgetDraft,
    LineDraft,
    can_change_budget,
    check_membership,
    target_key,
)
from dps.domain.sales.fiscal_years import FiscalYear
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import OrganizationId, TenantId, UserId
from dps.domain.shared.periods import Period
from dps.domain.shared.principal import License, Principal, Role
from dps.domain.visibility.policy import UpdateRule, Viewer

KINDS = CodeList(key="budget_kind", values=[CodeValue("orders", "受注予算"), CodeValue("sales", "売上予算"),
                                             CodeValue("old", "旧", is_active=False)])
CATEGORIES = CodeList(key="product_category",
                      values=[CodeValue("hardware", "ハード"), CodeValue("service", "サービス")])
ORG = OrganizationId(UUID(int=1))
OTHER_ORG = OrganizationId(UUID(int=2))
USER = UserId(UUID(int=3))
FY = FiscalYear(2026, 4)

amounts = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


def draft(*lines: LineDraft, **kw: object) -> BudgetDraft:
    values: dict[str, object] = {"fiscal_year": FY, "kind_code": "orders", "organization_id": ORG, "lines": lines}
    values.update(kw)
    return BudgetDraft(**values)  # type: ignore[arg-type]


def plan(d: BudgetDraft) -> Budget:
    return Budget.plan(uuid4(), d, kinds=KINDS, categories=CATEGORIES)


def field_of(d: BudgetDraft) -> str | None:
    with pytest.raises(DomainError) as e:
        plan(d)
    return e.value.field


@given(data=st.data(), start=st.integers(1, 12), by_category=st.booleans())
def test_totals_are_consistent(data: st.DataObject, start: int, by_category: bool) -> None:
    fy = FiscalYear(2026, start)
    cats = ["hardware", "service"] if by_category else [""]
    keys = data.draw(st.sets(st.tuples(st.integers(0, 11), st.sampled_from(cats)), max_size=24))
    lines = [LineDraft(fy.months()[i], data.draw(amounts), c) for i, c in sorted(keys)]
    budget = plan(draft(*lines, fiscal_year=fy, by_category=by_category))

    months = budget.month_totals()
    assert [m for m, _ in months] == list(fy.months())
    expected = [sum((Decimal(str(x.amount)) for x in lines if x.month == m), Decimal(0)) for m in fy.months()]
    assert [a for _, a in months] == expected
    quarters = budget.quarter_totals()
    assert list(quarters) == [sum(expected[3 * q:3 * q + 3], Decimal(0)) for q in range(4)]
    halves = budget.half_totals()
    assert halves == (quarters[0] + quarters[1], quarters[2] + quarters[3])
    assert budget.total == sum(quarters, Decimal(0)) == sum(halves, Decimal(0)) == sum(expected, Decimal(0))
    assert sum(budget.category_totals().values(), Decimal(0)) == budget.total
    assert [(x.month, x.category_code) for x in budget.lines] == sorted((x.month, x.category_code) for x in lines)


def test_a_month_outside_the_fiscal_year_names_the_line() -> None:
    d = draft(LineDraft(date(2026, 4, 1), 100), LineDraft(date(2027, 4, 1), 100))
    with pytest.raises(DomainError) as e:
        plan(d)
    assert e.value.field == "lines[1].month"
    assert "2027-04" in e.value.message
    assert field_of(draft(LineDraft(date(2026, 3, 1), 1))) == "lines[0].month"


def test_any_day_of_a_month_counts_as_that_month() -> None:
    budget = plan(draft(LineDraft(date(2026, 5, 20), "1,000")))
    assert budget.lines[0].month == date(2026, 5, 1)
    assert budget.lines[0].amount == Decimal(1000)


@pytest.mark.parametrize("amount", [-1, "abc", None, "1.234", True])
def test_bad_amounts_name_the_line(amount: object) -> None:
    assert field_of(draft(LineDraft(date(2026, 4, 1), 1), LineDraft(date(2026, 5, 1), amount))) == "lines[1].amount"


def test_a_month_twice_is_refused_but_per_category_months_may_repeat() -> None:
    assert field_of(draft(LineDraft(date(2026, 4, 1), 1), LineDraft(date(2026, 4, 1), 2))) == "lines[1].month"
    budget = plan(draft(LineDraft(date(2026, 4, 1), 1, "hardware"), LineDraft(date(2026, 4, 1), 2, "service"),
                        by_category=True))
    assert budget.month_totals()[0] == (date(2026, 4, 1), Decimal(3))
    assert budget.category_totals() == {"hardware": Decimal(1), "service": Decimal(2)}
    with pytest.raises(DomainError):
        plan(draft(LineDraft(date(2026, 4, 1), 1, "hardware"), LineDraft(date(2026, 4, 1), 2, "hardware"),
                   by_category=True))


def test_categories_only_on_per_category_budgets_and_from_the_code_list() -> None:
    assert field_of(draft(LineDraft(date(2026, 4, 1), 1, "hardware"))) == "lines[0].category_code"
    assert field_of(draft(LineDraft(date(2026, 4, 1), 1), by_category=True)) == "lines[0].category_code"
    assert field_of(draft(LineDraft(date(2026, 4, 1), 1, "food"), by_category=True)) == "lines[0].category_code"


def test_kind_must_be_an_active_code_and_a_target_is_needed() -> None:
    assert field_of(draft(kind_code="nope")) == "kind_code"
    assert field_of(draft(kind_code="old")) == "kind_code"
    assert field_of(draft(organization_id=None)) == "organization_id"
    assert plan(draft(organization_id=None, user_id=USER)).user_id == USER
    assert field_of(draft(notes="x" * 4001)) == "notes"


def test_a_refused_revision_changes_nothing() -> None:
    budget = plan(draft(LineDraft(date(2026, 4, 1), 5)))
    with pytest.raises(DomainError):
        budget.revise(draft(LineDraft(date(2030, 4, 1), 5), kind_code="sales"), kinds=KINDS, categories=CATEGORIES)
    assert budget.kind_code == "orders"
    assert budget.total == Decimal(5)
    budget.revise(draft(LineDraft(date(2027, 4, 1), 7), fiscal_year=FiscalYear(2027, 4), user_id=USER),
                  kinds=KINDS, categories=CATEGORIES)
    assert (budget.fiscal_year, budget.user_id, budget.total) == (2027, USER, Decimal(7))


ids = st.one_of(st.none(), st.uuids())


@given(a=st.tuples(ids, ids, st.booleans()), b=st.tuples(ids, ids, st.booleans()))
def test_the_target_key_tells_targets_apart(a: tuple[UUID | None, UUID | None, bool],
                                            b: tuple[UUID | None, UUID | None, bool]) -> None:
    assert (target_key(*a) == target_key(*b)) == (a == b)
    assert len(target_key(*a)) <= 120


def test_membership_needs_an_affiliation_overlapping_the_year() -> None:
    both = draft(user_id=USER)
    check_membership(both, [Period(date(2027, 3, 1), date(2027, 3, 2))])
    with pytest.raises(DomainError) as e:
        check_membership(both, [Period(date(2020, 1, 1), date(2026, 4, 1)), Period(date(2027, 4, 1))])
    assert e.value.field == "user_id"
    check_membership(draft(), [])  # an organisation alone needs no member


def viewer(*, license: License = License.FULL, admin: bool = False, user: UserId = UserId(uuid4()),
           managed: frozenset[OrganizationId] = frozenset()) -> Viewer:
    principal = Principal(tenant_id=TenantId(uuid4()), user_id=user, login_id="x", name="x", license=license,
                          roles=frozenset({Role.TENANT_ADMIN}) if admin else frozenset())
    return Viewer(principal=principal, managed_org_descendants=managed)


def test_who_may_change_a_budget() -> None:
    org_budget = draft()
    user_budget = draft(organization_id=None, user_id=USER)
    both = draft(user_id=USER)
    light = viewer(license=License.LIGHT, admin=True)
    anyone = viewer()
    for d in (org_budget, user_budget, both):
        assert not can_change_budget(light, d, UpdateRule.ANY_FULL_USER)
        assert can_change_budget(anyone, d, UpdateRule.ANY_FULL_USER)
        assert not can_change_budget(anyone, d, UpdateRule.STRICT)
        assert can_change_budget(viewer(admin=True), d, UpdateRule.STRICT)
    manager = viewer(managed=frozenset({ORG}))
    assert can_change_budget(manager, org_budget, UpdateRule.STRICT)
    assert can_change_budget(manager, both, UpdateRule.STRICT)
    assert not can_change_budget(viewer(managed=frozenset({OTHER_ORG})), org_budget, UpdateRule.STRICT)
    assert can_change_budget(viewer(user=USER), user_budget, UpdateRule.STRICT)
    assert can_change_budget(viewer(user=USER), both, UpdateRule.STRICT)
    assert not can_change_budget(manager, user_budget, UpdateRule.STRICT)
    assert can_change_budget(manager, user_budget, UpdateRule.STRICT, target_user_orgs=frozenset({ORG}))
