"""The reports JSON API (smoke): 活動別 and 先行管理 answer with rows, months and the left-out count,
default to the caller's organisation, and map bad input to 422."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from litestar.testing import TestClient

from dps.adapters.db.tables.sales_accounts import accounts
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_opportunities import opportunities
from tests.integration.http.conftest import World


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


def _seed(world: World) -> None:
    c = world.container
    c.refresh_org_closure()(world.admin)
    alice = next(u for u in c.list_users()(world.admin) if u.login_id == "alice")
    now = datetime.now(UTC)
    owned = {"owner_id": alice.id, "owner_organization_id": world.organization.id, "created_by": alice.id,
             "created_at": now, "updated_at": now, "tenant_id": world.tenant.id}
    with c.engine().begin() as conn:
        account = uuid.uuid4()
        conn.execute(accounts.insert().values(id=account, name="得意先", **owned))
        for day, kind, status in ((date(2025, 4, 3), "visit", "done"), (date(2025, 5, 3), "call", "planned")):
            conn.execute(activities.insert().values(id=uuid.uuid4(), status=status, kind_code=kind, subject="s",
                                                    activity_date=day, account_id=account, **owned))
        conn.execute(opportunities.insert().values(
            id=uuid.uuid4(), name="案件", account_id=account, stage_code="20", certainty_code="A", is_open=True,
            expected_order_date=date(2025, 6, 1), expected_amount=Decimal(1000), **owned))


def test_activity_and_pipeline_reports(client: TestClient[Any], world: World) -> None:
    _seed(world)
    alice = _auth(world.bearer("alice"))
    got = client.get("/api/v1/reports/activities", headers=alice,
                     params={"date_from": "2025-04-01", "date_to": "2025-05-31"})
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["organization_code"] == "sales"  # alice's primary organisation
    assert body["months"] == ["2025-04", "2025-05"]
    assert (body["total"], body["left_out"]) == (2, 0)
    assert body["rows"][0]["is_self"]
    assert body["rows"][0]["cells"] == [
        {"month": "2025-04", "status": "done", "kind_code": "visit", "count": 1},
        {"month": "2025-05", "status": "planned", "kind_code": "call", "count": 1},
    ]

    pipeline = client.get("/api/v1/reports/pipeline", headers=alice,
                          params={"organization_id": str(world.organization.id), "fiscal_year": 2025})
    assert pipeline.status_code == 200, pipeline.text
    p = pipeline.json()
    assert len(p["months"]) == 12
    assert p["months"][0] == "2025-04"
    assert [r["code"] for r in p["rows"]] == ["alice"]
    june = p["rows"][0]["months"][2]
    assert (june["forecast"], june["landing"], june["achievement_rate"]) == ({"A": "1000.00"}, "800.00", None)
    assert p["total"]["year"]["landing"] == "800.00"


def test_bad_input(client: TestClient[Any], world: World) -> None:
    _seed(world)
    alice = _auth(world.bearer("alice"))
    assert client.get("/api/v1/reports/activities", headers=alice,
                      params={"date_from": "2025-04-01"}).status_code == 422
    assert client.get("/api/v1/reports/activities", headers=alice,
                      params={"date_from": "2025-05-01", "date_to": "2025-04-01"}).status_code == 422
    assert client.get("/api/v1/reports/pipeline", headers=alice,
                      params={"organization_id": str(uuid.uuid4())}).status_code == 422
