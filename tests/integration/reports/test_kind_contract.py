"""Every kind of the catalogue keeps the contract the grid, definitions and templates rely on: its
columns have unique keys, a run's columns are among `columns()` (plus found codes), every row has a
level, drills point inside the table, and the parameters it shows can be named in a template."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dps.application.reports.catalog import ReportCatalog
from dps.application.reports.templates.placeholders import PARAM_KEYS
from dps.bootstrap.container import Container
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from tests.integration.reports.report_seed import seed_reports
from tests.integration.sales.test_opportunities_support import Sales, build_sales

DATES = {"date_from": "2025-04-01", "date_to": "2026-03-31"}


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    sales = build_sales(container, engine, tenant, admin)
    seed_reports(sales)
    return sales


def test_every_kind_keeps_the_table_contract(s: Sales, admin: Principal) -> None:
    catalog = ReportCatalog(s.deps)
    assert set(catalog.names()) >= {"activities", "pipeline", "accounts", "opportunities", "products", "campaigns",
                                    "leads"}
    for kind in catalog:
        offered = [c.key for c in kind.columns(admin)]
        assert len(offered) == len(set(offered)), kind.name
        assert all(offered), kind.name
        wanted = {p.name for p in kind.params}
        period = DATES if "date_from" in wanted else {"fiscal_year": "2025"}  # a kind may refuse both
        table = kind.run(admin, {k: v for k, v in (period | {"organization_id": str(s.orgs["hq"])}).items()
                                 if k in wanted})
        keys = [c.key for c in table.columns]
        assert len(keys) == len(set(keys)), kind.name
        assert table.kind == kind.name
        assert not table.levels or len(table.levels) == len(table.rows), kind.name
        assert len(table.totals) == len(table.columns), kind.name
        assert all(len(row) == len(table.columns) for row in table.rows), kind.name
        for (row, column), drill in table.drills.items():
            assert 0 <= row <= len(table.rows), kind.name
            assert 0 <= column < len(table.columns), kind.name
            assert drill.resource, kind.name
            assert drill.filters, kind.name
        assert {key for key, _label, _value in table.params} <= set(PARAM_KEYS), kind.name
        picked = table.select(list(reversed(keys[:2])))
        assert [c.key for c in picked.columns] == list(reversed(keys[:2]))
