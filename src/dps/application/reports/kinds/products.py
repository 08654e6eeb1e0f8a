"""商品別 / 商品カテゴリ別 Products: per product category and its products, the open pipeline by certainty
(確度) of the opportunities' product lines, the won amount, the sales results (販売実績), the 受注予算
per category, 達成率 and 予実差 over a fiscal year or a date range, for the owners at or under an
organisation (closure), through the acting user's visibility (R7).

Product categories are the tenant's `product_category` code list: flat, so the "tree" is category >
product, and a category row rolls up its products (and the lines or results that name no product).
The SQL groups per (product, category, certainty); the roll-up to categories is done here in Python
over that small grouped result (a tenant has a handful of categories), never over records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from attrs import frozen

from dps.application.reports.kinds.product_ports import CategoryBudget, ProductAmount
from dps.application.reports.params import ParamKind, Params, ParamSpec
from dps.application.reports.queries import (
    CERTAINTY_LIST,
    ORDERS_BUDGET_KIND,
    code_columns,
    report_organization,
)
from dps.application.reports.read_models import RATE, ZERO, Column
from dps.application.reports.tables import (
    Cell,
    CellKind,
    Drill,
    ReportTable,
    TableColumn,
    key_part,
    left_out_note,
    org_filters,
)
from dps.application.sales.access import viewer_in
from dps.application.shared.errors import Invalid
from dps.application.shared.time import today_in
from dps.domain.sales.fiscal_years import MAX_YEAR, MIN_YEAR, FiscalYear, month_start
from dps.domain.sales.opportunities import WON_STAGE
from dps.domain.sales.products import CATEGORY_LIST
from dps.domain.shared.principal import Principal

if TYPE_CHECKING:
    from dps.application.sales.deps import SalesDeps

LEVELS = ("product", "category")


# --- read models ---------------------------------------------------------------------------------


@frozen
class ProductFigures:
    """The figures of one product or category. `budget` None: not budgeted at this level (products:
    budgets are per category)."""

    pipeline: Mapping[str, Decimal]
    """certainty code ('' none) -> open pipeline amount."""
    won: Decimal
    actual: Decimal
    budget: Decimal | None = None

    @property
    def pipeline_total(self) -> Decimal:
        return sum(self.pipeline.values(), ZERO)

    @property
    def achievement_rate(self) -> Decimal | None:
        """達成率 = actual / budget (None without a budget)."""
        if not self.budget:
            return None
        return (self.actual / self.budget).quantize(RATE, ROUND_HALF_UP)

    @property
    def gap(self) -> Decimal | None:
        """予実差 = budget - actual (None without a budget level)."""
        return None if self.budget is None else self.budget - self.actual

    @staticmethod
    def add(parts: Sequence[ProductFigures], budget: Decimal | None) -> ProductFigures:
        pipeline: dict[str, Decimal] = {}
        for p in parts:
            for code, amount in p.pipeline.items():
                pipeline[code] = pipeline.get(code, ZERO) + amount
        return ProductFigures(pipeline, sum((p.won for p in parts), ZERO), sum((p.actual for p in parts), ZERO),
                              budget)


@frozen
class ProductRow:
    """A product (`product_id` None: the lines / results of the category naming no product)."""

    product_id: UUID | None
    code: str
    name: str
    figures: ProductFigures


@frozen
class CategoryGroup:
    code: str
    """'' for figures without a category."""
    label: str
    products: tuple[ProductRow, ...]
    total: ProductFigures
    """Its products rolled up, with the category's budget."""


@frozen
class ProductReport:
    organization_id: UUID
    organization_code: str
    organization_name: str
    date_from: date
    date_to: date
    """Inclusive."""
    fiscal_year: int | None
    level: str
    certainties: tuple[Column, ...]
    categories: tuple[CategoryGroup, ...]
    total: ProductFigures
    left_out: int


@frozen
class ProductReportQuery:
    """Either `fiscal_year` (None and no dates: the current one) or `date_from` .. `date_to`."""

    organization_id: UUID | None = None
    fiscal_year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    level: str = "product"


# --- use case ------------------------------------------------------------------------------------


def _category_budget(found: Sequence[CategoryBudget], organization_id: UUID) -> dict[str, Decimal]:
    """Per category, as 先行管理 totals it: the organisation's own budget when it has one for the
    category, else the sum of its direct children's and its affiliated users' budgets."""
    own: dict[str, Decimal] = {}
    rows: dict[str, Decimal] = {}
    for b in found:
        slot = own if b.user_id is None and b.organization_id == organization_id else rows
        slot[b.category_code] = slot.get(b.category_code, ZERO) + b.amount
    return {**rows, **own}


def roll_up(categories: Sequence[Column], lines: Sequence[ProductAmount], results: Sequence[ProductAmount],
            budget: Mapping[str, Decimal]) -> tuple[tuple[CategoryGroup, ...], ProductFigures]:
    """The grouped sums laid out as categories (in `categories`' order) of products (by code, the lines
    naming no product last), each category the sum of its products with its budget, and the grand
    total the sum of the categories. `categories` names every category of `lines`, `results` and
    `budget` (`code_columns` adds the ones found). Pure, over the small GROUP BY result."""
    pipeline: dict[tuple[str, UUID | None], dict[str, Decimal]] = defaultdict(dict)
    won: dict[tuple[str, UUID | None], Decimal] = defaultdict(lambda: ZERO)
    actual: dict[tuple[str, UUID | None], Decimal] = defaultdict(lambda: ZERO)
    names: dict[tuple[str, UUID | None], tuple[str, str]] = {}
    for c in lines:
        key = (c.category_code, c.product_id)
        names[key] = (c.product_code, c.product_name)
        if c.won:
            won[key] += c.amount
        else:
            slot = pipeline[key]
            slot[c.certainty_code] = slot.get(c.certainty_code, ZERO) + c.amount
    for r in results:
        key = (r.category_code, r.product_id)
        names.setdefault(key, (r.product_code, r.product_name))
        actual[key] += r.amount

    groups: list[CategoryGroup] = []
    for cat in categories:
        keys = sorted((k for k in names if k[0] == cat.code),
                      key=lambda k: (k[1] is None, names[k][0], str(k[1])))
        products = tuple(
            ProductRow(k[1], names[k][0] if k[1] else "", names[k][1] if k[1] else "(商品なし) (no product)",
                       ProductFigures(dict(pipeline.get(k, {})), won[k], actual[k])) for k in keys)
        total = ProductFigures.add([p.figures for p in products], budget.get(cat.code, ZERO))
        label = _label(cat) if cat.code else "(カテゴリなし) (no category)"
        groups.append(CategoryGroup(cat.code, label, products, total))
    grand = ProductFigures.add([g.total for g in groups], sum((g.total.budget or ZERO for g in groups), ZERO))
    return tuple(groups), grand


class RunProductReport:
    """商品別: four aggregate statements (product lines, the left-out count, sales results, budget
    lines) and a few label reads, whatever the amount of data. Budgets are monthly: a date range
    takes the budget of every month it touches."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, query: ProductReportQuery) -> ProductReport:
        d = self._d
        if query.level not in LEVELS:
            raise Invalid.field("level", f"{' / '.join(LEVELS)} のいずれか / one of {', '.join(LEVELS)}")
        if query.fiscal_year is not None and not MIN_YEAR <= query.fiscal_year <= MAX_YEAR:
            raise Invalid.field("fiscal_year", f"{MIN_YEAR}..{MAX_YEAR}")
        dated = query.date_from is not None or query.date_to is not None
        if dated and query.fiscal_year is not None:
            raise Invalid.field("fiscal_year", "年度か期間のどちらか / either a fiscal year or a date range")
        if dated and (query.date_from is None or query.date_to is None):
            missing = "date_from" if query.date_from is None else "date_to"
            raise Invalid.field(missing, "期間は開始日と終了日の両方 / a date range needs both ends")
        if query.date_from is not None and query.date_to is not None and query.date_from > query.date_to:
            raise Invalid.field("date_from", "開始日が終了日より後です / date_from is after date_to")
        with d.reading(principal.tenant_id) as uow:
            tenant = uow.tenant()
            today = today_in(d.clock, tenant.time_zone)
            year: FiscalYear | None = None
            if query.date_from is not None and query.date_to is not None:
                start, end = query.date_from, query.date_to + timedelta(days=1)
            else:
                year = (FiscalYear(query.fiscal_year, tenant.fiscal_year_start_month)
                        if query.fiscal_year is not None
                        else FiscalYear.containing(today, tenant.fiscal_year_start_month))
                start, end = year.start, year.end
            viewer = viewer_in(uow, principal, d.clock)
            labels = uow.reports
            org = report_organization(labels, principal, query.organization_id, today)
            children = labels.children(org.id, today)
            members = labels.affiliated_users(org.id, today)
            reader = uow.product_report
            lines = reader.line_amounts(viewer, org.id, start, end)
            results = reader.result_amounts(org.id, start, end)
            budgets = reader.category_budgets({org.id, *(c.id for c in children)}, {u.id for u in members},
                                              ORDERS_BUDGET_KIND, month_start(start), end)
            certainty_list = uow.code_lists.get(CERTAINTY_LIST)
            category_list = uow.code_lists.get(CATEGORY_LIST)
        certainties = code_columns(certainty_list, {c.certainty_code for c in lines.cells if not c.won})
        budget = _category_budget(budgets, org.id)
        found = {c.category_code for c in (*lines.cells, *results)} | {k for k, v in budget.items() if v}
        categories = code_columns(category_list, found)

        groups, grand = roll_up(categories, lines.cells, results, budget)
        return ProductReport(
            organization_id=org.id, organization_code=org.code, organization_name=org.name, date_from=start,
            date_to=end - timedelta(days=1), fiscal_year=year.year if year else None, level=query.level,
            certainties=certainties, categories=groups, total=grand, left_out=lines.left_out,
        )


# --- table ---------------------------------------------------------------------------------------


def _label(c: Column) -> str:
    return f"{c.label_ja} {c.label_en}".strip() if c.label_en and c.label_en != c.label_ja else c.label_ja


def product_columns(certainties: Sequence[Column]) -> tuple[TableColumn, ...]:
    """商品別's columns for these certainty values."""
    columns = [TableColumn("カテゴリコード Category code", key="category_code"),
               TableColumn("カテゴリ Category", key="category_name"),
               TableColumn("商品コード Product code", key="product_code"),
               TableColumn("商品名 Product", key="product_name")]
    columns += [TableColumn(f"見込 {_label(c)}", CellKind.MONEY, f"pipeline.{key_part(c.code)}")
                for c in certainties]
    columns += [TableColumn("見込計 Pipeline total", CellKind.MONEY, "pipeline_total"),
                TableColumn("受注 Won", CellKind.MONEY, "won"),
                TableColumn("販売実績 Actual", CellKind.MONEY, "actual"),
                TableColumn("予算 Budget", CellKind.MONEY, "budget"),
                TableColumn("達成率 Achievement", CellKind.RATE, "achievement_rate"),
                TableColumn("予実差 Gap", CellKind.MONEY, "gap")]
    return tuple(columns)


def product_table(report: ProductReport) -> ReportTable:
    """Per category its products (level 0) then the category's roll-up (level 1), or (level
    `category`) the category rows only; the totals row is every category. A product's pipeline cells
    drill down to the open opportunities with the product (certainty, expected order dates), its won
    cell to the won ones with it (the list has no order-date filter: every period), actuals to the
    sales results of the product, a category's actual to the results of its code and the totals' to
    every result of the period. The opportunity list has no category filter: category rows have no
    opportunity drills."""
    columns = product_columns(report.certainties)
    first = 4
    pipeline_total, won_col, actual_col = first + len(report.certainties), first + len(report.certainties) + 1, \
        first + len(report.certainties) + 2
    scope = org_filters(report.organization_id, subtree=True)
    expected = (("expected_order_date_from", report.date_from.isoformat()),
                ("expected_order_date_to", report.date_to.isoformat()))
    period = (("date_from", report.date_from.isoformat()), ("date_to", report.date_to.isoformat()))

    rows: list[tuple[Cell, ...]] = []
    levels: list[int] = []
    drills: dict[tuple[int, int], Drill] = {}

    def figures(f: ProductFigures) -> list[Cell]:
        return [*(f.pipeline.get(c.code, ZERO) for c in report.certainties), f.pipeline_total, f.won, f.actual,
                f.budget, f.achievement_rate, f.gap]

    def drill_line(index: int, line: Sequence[Cell], product: tuple[tuple[str, str], ...] | None,
                   result: tuple[tuple[str, str], ...] | None) -> None:
        """`product`, `result`: the opportunity and sales-result filters of the line (None: no list
        filter selects its records, so no drill)."""
        if product is not None:
            for offset, c in enumerate(report.certainties):
                if c.code and line[first + offset]:
                    drills[(index, first + offset)] = Drill("opportunities", (
                        *scope, *product, ("is_open", "true"), ("certainty_code", c.code), *expected))
            if line[pipeline_total]:
                drills[(index, pipeline_total)] = Drill("opportunities", (*scope, *product, ("is_open", "true"),
                                                                          *expected))
            if line[won_col]:
                drills[(index, won_col)] = Drill("opportunities", (*scope, *product, ("stage_code", WON_STAGE)))
        if line[actual_col] and result is not None:
            drills[(index, actual_col)] = Drill("sales-results", (*scope, *result, *period))

    for g in report.categories:
        if report.level == "product":
            for p in g.products:
                line = (g.code, g.label, p.code, p.name, *figures(p.figures))
                if p.product_id is not None:
                    ident = (("product_id", str(p.product_id)),)
                    drill_line(len(rows), line, ident, ident)
                rows.append(line)
                levels.append(0)
        line = (g.code, g.label, None, "小計 Subtotal" if report.level == "product" else None, *figures(g.total))
        drill_line(len(rows), line, None, (("category_code", g.code),) if g.code else None)
        rows.append(line)
        levels.append(1 if report.level == "product" else 0)
    totals = ("合計 Total", report.organization_name, None, None, *figures(report.total))
    drill_line(len(rows), totals, None, ())
    shown_period = (f"FY{report.fiscal_year}" if report.fiscal_year is not None
                    else f"{report.date_from} .. {report.date_to}")
    notes = (f"{report.organization_code} {report.organization_name}: {shown_period}",
             "予算は受注予算のカテゴリ別 / budget: the 受注 (orders) budget per category",
             left_out_note(report.left_out))
    params = (("organization", "組織 Organisation", f"{report.organization_code} {report.organization_name}"),
              ("period", "期間 Period", f"{report.date_from} .. {report.date_to}"),
              ("level", "表示単位 Level", "商品 Product" if report.level == "product" else "カテゴリ Category"))
    return ReportTable("商品別 Products", columns, tuple(rows), totals, notes, kind="products",
                       levels=tuple(levels), drills=drills, params=params, left_out=report.left_out)


# --- kind ----------------------------------------------------------------------------------------


class ProductsKind:
    """The `ReportKind` 商品別. The catalogue imports the kinds, so a kind reads the catalogue's
    parameter types when it is built and run, not when its module is imported (no import cycle)."""

    name = "products"
    title = "商品別 Products"
    description = ("商品カテゴリ・商品ごとの確度別見込・受注・販売実績・予算・達成率 / pipeline by certainty, won, "
                   "actual, budget and achievement per product category and product")
    params: tuple[ParamSpec, ...]

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps
        self.params = (
            ParamSpec("organization_id", "組織 Organisation", ParamKind.ORGANIZATION,
                      help="担当組織がその配下 / owners at or under it"),
            ParamSpec("fiscal_year", "年度 Fiscal year", ParamKind.YEAR,
                      help="既定: 今年度 (期間指定時は不要) / default: the current one (not with dates)"),
            ParamSpec("date_from", "開始日 From", ParamKind.DATE),
            ParamSpec("date_to", "終了日 To", ParamKind.DATE),
            ParamSpec("level", "表示単位 Level", ParamKind.CHOICE,
                      choices=(("product", "商品 Product"), ("category", "カテゴリ Category"))))

    def columns(self, principal: Principal) -> tuple[TableColumn, ...]:
        with self._d.reading(principal.tenant_id) as uow:
            certainties = uow.code_lists.get(CERTAINTY_LIST)
        return product_columns(code_columns(certainties, set()))

    def run(self, principal: Principal, params: Mapping[str, str]) -> ReportTable:
        p = Params(params)
        query = ProductReportQuery(p.uuid("organization_id"), p.int("fiscal_year"), p.date("date_from"),
                                   p.date("date_to"), p.choice("level", LEVELS, "product"))
        return product_table(RunProductReport(self._d)(principal, query))
