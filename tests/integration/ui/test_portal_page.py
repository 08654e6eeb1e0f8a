"""The portal (ポータル, home page `/`): the lists and the two SVG charts show, for the logged-in user,
what the visibility rules let them see - the data set of `portal_seed` (two users in different
organisations, a restricted opportunity with its activities absent for the other user)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from dps.adapters.db.tables.collaboration import notifications
from dps.application.auth.principals import principal_for
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import License, Principal
from dps.entrypoints.http.ui.formats import Formats
from tests.integration.http import conftest as http_fixtures
from tests.integration.http.conftest import LIGHT_PASSWORD, PASSWORD, World, log_in
from tests.integration.sales.portal_seed import HOME, PortalSeed, seed_portal

app_container = http_fixtures.app_container
client = http_fixtures.client
world = http_fixtures.world
"""The HTTP tests' fixtures: a container on SQLite, the app's TestClient, tenant acme with alice and bob."""

SINCE = date(2000, 4, 1)
yen = Formats.yen
thousand = Formats.thousand_yen


def _principal(world: World, login: str) -> Principal:
    with world.container.uow()(world.tenant.id) as uow:
        user = uow.users.get_by_login(login)
        assert user is not None
        return principal_for(uow, world.tenant.id, user, date.today())


@pytest.fixture
def seeded(world: World, sqlite_engine: sa.Engine) -> PortalSeed:
    """world's 営業部 (sales) with 営業一課 under it and 開発部 beside it; carol (営業一課), dave (開発部),
    lucy (light, 営業部) beside alice; then the portal data set."""
    c, admin = world.container, world.admin
    orgs: dict[str, OrganizationId] = {"sales": world.organization.id}
    for code, name, parent in (("sales1", "営業一課", world.organization.id), ("dev", "開発部", None)):
        orgs[code] = c.create_organization()(admin, CreateOrganizationCommand(
            world.organization.company_id, code, name, SINCE, parent_id=parent)).id
    world.add_user("carol")
    world.add_user("dave")
    world.add_user("lucy", license=License.LIGHT, password=LIGHT_PASSWORD)
    users: dict[str, UserId] = {u.login_id: u.id for u in c.list_users()(admin)}
    for login in ("carol", "dave", "lucy"):
        c.assign_affiliation()(admin, AssignAffiliationCommand(users[login], orgs[HOME[login]], SINCE))
    c.refresh_org_closure()(admin)
    return seed_portal(sqlite_engine, world.tenant.id, c.sales_deps(), lambda login: _principal(world, login),
                       users, orgs)


def _notify(engine: sa.Engine, world: World, user: UserId, record_id: uuid.UUID, count: int, read: int) -> None:
    start = datetime.now(UTC) - timedelta(hours=count)
    with engine.begin() as conn:
        conn.execute(notifications.insert(), [{
            "tenant_id": world.tenant.id, "id": uuid.uuid4(), "user_id": user, "kind": "comment_added",
            "record_type": "activity", "record_id": record_id, "summary": f"コメント{n}",
            "created_at": start + timedelta(hours=n), "read_at": start if n < read else None,
        } for n in range(count)])


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section [^>]*id="{section_id}".*?</section>', html, re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


def _svg(html: str, chart_id: str) -> str:
    match = re.search(rf'<figure [^>]*id="{chart_id}">\s*(<svg .*?</svg>)', html, re.S)
    assert match, f"no chart {chart_id}"
    return match.group(1)


def _links(html: str, prefix: str) -> list[str]:
    return re.findall(rf'<a class="record-link" href="/{prefix}/([0-9a-f-]+)">', html)


def _stage_rows(html: str) -> dict[str, tuple[str, str]]:
    rows = re.findall(r'<tr data-stage="(\w+)">.*?class="num stage-count">(\d+)<.*?class="num stage-amount">([^<]*)<',
                      html, re.S)
    return {stage: (count, amount) for stage, count, amount in rows}


def test_alice_sees_her_portal(client: TestClient[Any], world: World, seeded: PortalSeed) -> None:
    expected = seeded.expected_for("alice")
    log_in(client, "alice", PASSWORD)
    html = client.get("/").text

    # who is logged in (kept from the old home page)
    assert 'class="user-name">Alice 太郎<' in html
    assert 'class="organization">営業部<' in html
    assert 'class="license">フルユーザ / Full user<' in html
    assert 'action="/logout"' in html

    upcoming = _section(html, "portal-upcoming")
    assert _links(upcoming, "activities") == [str(seeded.ids[n]) for n in expected.upcoming]
    assert "過ぎた予定" not in upcoming
    assert "課の予定" not in upcoming
    team = _section(html, "portal-team")
    assert _links(team, "activities") == [str(seeded.ids[n]) for n in expected.team]
    assert "Carol 太郎" in team  # the owner's name
    assert f'href="/opportunities/{seeded.ids["大型更改"]}"' in team  # the activity's opportunity, linked
    assert f'href="/accounts/{seeded.ids["account"]}">東京商事<' in team

    pipeline = _section(html, "portal-pipeline")
    assert _stage_rows(pipeline) == {
        "10": ("1", "¥1,000,000"), "20": ("3", "¥5,000,000"), "30": ("1", "¥4,000,000"), "40": ("0", "¥0"),
        "50": ("0", "¥0")}
    assert 'class="num pipeline-count">5<' in pipeline
    assert 'class="num pipeline-amount">¥10,000,000<' in pipeline
    assert _links(pipeline, "opportunities") == [str(seeded.ids[n]) for n in expected.nearest]

    chart = _svg(html, "chart-pipeline")
    assert chart.startswith('<svg class="chart"')
    assert 'role="img" aria-label="ステージ別の見込金額' in chart
    assert "<title>ステージ別の見込金額" in chart
    assert len(re.findall(r'<rect class="bar"', chart)) == 5
    assert re.findall(r'class="category"[^>]*>([^<]*)<', chart) == ["情報収集", "提案", "見積提出", "交渉", "内示"]
    assert "<title>提案: ¥5,000,000 (件数 3)</title>" in chart
    assert "千円" in chart  # the unit on the y axis

    orders = _section(html, "portal-orders")
    assert "単位：千円" in orders
    assert f"{seeded.year.year}年度" in orders
    chart = _svg(html, "chart-orders")
    assert len(re.findall(r'<rect class="bar budget"', chart)) == 12
    elapsed = seeded.year.months().index(seeded.today.replace(day=1)) + 1
    assert len(re.findall(r'<circle class="point"', chart)) == elapsed  # the line stops at this month
    assert len(re.findall(r"<polyline ", chart)) == 1
    months = [m.month for m in seeded.year.months()]
    assert re.findall(r'class="category"[^>]*>([^<]*)<', chart) == [f"{m}月" for m in months]
    this_month = seeded.today.replace(day=1)
    assert f"<title>{this_month.month}月 受注実績: {yen(expected.ordered[this_month])}</title>" in chart
    for month, amount in expected.budget.items():
        row = re.search(rf'<tr data-month="{month:%Y-%m}">.*?</tr>', orders, re.S)
        assert row, month
        assert f'class="num budget">{thousand(amount)}<' in row.group(0)
        assert f'class="num ordered">{thousand(expected.ordered.get(month, 0))}<' in row.group(0)
    assert f'class="num budget-total">{thousand(sum(expected.budget.values()))}<' in orders
    assert f'class="num ordered-total">{thousand(sum(expected.ordered.values()))}<' in orders


def test_the_other_user_does_not_see_the_restricted_opportunity(
    client: TestClient[Any], world: World, seeded: PortalSeed
) -> None:
    expected = seeded.expected_for("lucy")
    log_in(client, "lucy", LIGHT_PASSWORD)
    html = client.get("/").text

    for hidden in ("大型更改", "極秘受注", "非公開訪問", "更改の報告", "更改の打合せ"):
        assert hidden not in html
    assert _stage_rows(_section(html, "portal-pipeline")) == {
        "10": ("1", "¥1,000,000"), "20": ("2", "¥2,000,000"), "30": ("1", "¥4,000,000"), "40": ("0", "¥0"),
        "50": ("0", "¥0")}
    assert _links(_section(html, "portal-pipeline"), "opportunities") == [
        str(seeded.ids[n]) for n in expected.nearest]
    assert _links(_section(html, "portal-team"), "activities") == [str(seeded.ids[n]) for n in expected.team]
    orders = _section(html, "portal-orders")
    assert f'class="num ordered-total">{thousand(sum(expected.ordered.values()))}<' in orders  # 6,000 not 6,700
    # the empty state, without the register link a light user may not follow
    upcoming = _section(html, "portal-upcoming")
    assert "今後の予定はありません" in upcoming
    assert "/activities/new" not in upcoming


def test_notifications_show_the_newest_five_and_the_unread_count(
    client: TestClient[Any], world: World, seeded: PortalSeed, sqlite_engine: sa.Engine
) -> None:
    alice = next(u for u in world.container.list_users()(world.admin) if u.login_id == "alice")
    _notify(sqlite_engine, world, alice.id, seeded.ids["昨日の訪問"], 7, read=2)
    log_in(client, "alice", PASSWORD)
    box = _section(client.get("/").text, "portal-notifications")
    assert re.findall(r"コメント(\d)", box) == ["6", "5", "4", "3", "2"]
    assert '<span class="count">5</span>' in box
    assert 'href="/notifications"' in box
    assert f'href="/activities/{seeded.ids["昨日の訪問"]}"' in box


def test_a_user_without_organisation_gets_an_empty_portal(client: TestClient[Any], world: World) -> None:
    log_in(client, "bob", LIGHT_PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert 'class="organization"><span class="muted">未所属' in html
    assert "主所属の組織がないため表示できません" in html
    assert "まだ活動がありません" in html
    chart = _svg(html, "chart-pipeline")
    assert len(re.findall(r'<rect class="bar"', chart)) == 5  # every open stage, at zero
    assert 'id="chart-orders"' not in html


def _statements(client: TestClient[Any], engine: sa.Engine) -> list[str]:
    """The statements of one GET / (after a warm-up: the viewer and principal are memoised)."""
    client.get("/")
    found: list[str] = []

    def count(*args: Any) -> None:
        found.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/").status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return found


def test_the_portal_sends_a_fixed_number_of_statements(
    client: TestClient[Any], world: World, seeded: PortalSeed, sqlite_engine: sa.Engine
) -> None:
    log_in(client, "alice", PASSWORD)
    before = _statements(client, sqlite_engine)
    alice = next(u for u in world.container.list_users()(world.admin) if u.login_id == "alice")
    _notify(sqlite_engine, world, alice.id, seeded.ids["昨日の訪問"], 9, read=3)
    headers = {"Authorization": f"Bearer {world.bearer('alice')}"}
    for n in range(6):
        assert client.post("/api/v1/opportunities", headers=headers, json={
            "name": f"追加{n}", "account_id": str(seeded.ids["account"]), "stage_code": ("10", "40")[n % 2],
            "expected_amount": "1000", "expected_order_date": seeded.today.isoformat()}).status_code == 201
        assert client.post("/api/v1/activities", headers=headers, json={
            "kind_code": "visit", "subject": f"訪問{n}", "status": "done",
            "activity_date": seeded.today.isoformat()}).status_code == 201
    after = _statements(client, sqlite_engine)
    assert len(after) == len(before) <= 25, "\n".join(s.split("\n")[0][:120] for s in after)
