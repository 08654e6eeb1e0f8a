"""活動 activities through the use cases and the SQL store, on SQLite and PostgreSQL: CRUD, R6 (an
activity of a restricted opportunity), 自担当, light users, bad input, the 活動報告 that moves an
opportunity on in the same transaction, search and paging, copy and delete."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from attrs import define, evolve, field

from dps.adapters.db.repositories.sales.record_rows import save_restriction
from dps.adapters.db.tables.collaboration import comments, likes
from dps.adapters.db.tables.records import record_staff
from dps.adapters.db.tables.sales_accounts import accounts, persons
from dps.adapters.db.tables.sales_activities import activities, activity_attendees, activity_persons
from dps.adapters.db.tables.sales_campaigns import campaigns
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.tables.tenancy import tenants
from dps.application.auth.principals import principal_for
from dps.application.catalog.custom_fields import DefineCustomField, DefineCustomFieldCommand
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.users import AddUserCommand
from dps.application.sales.activities.change import DeleteActivity, UpdateActivity
from dps.application.sales.activities.commands import (
    ActivitiesOfQuery,
    CopyActivityCommand,
    CreateActivityCommand,
    DeleteActivityCommand,
    OpportunityProgress,
    SearchActivitiesQuery,
    UpdateActivityCommand,
)
from dps.application.sales.activities.ports import ActivitySearch
from dps.application.sales.activities.queries import GetActivity, ListActivitiesOf, SearchActivities
from dps.application.sales.activities.read_models import ActivityListItem
from dps.application.sales.activities.register import CopyActivity, CreateActivity
from dps.application.sales.deps import SalesDeps
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.shared.paging import PageRequest
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.sales.activities import Activity, ActivityStatus
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.records import RecordType, StaffMember
from dps.domain.shared.ids import OrganizationId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction

SINCE = date(2000, 4, 1)
TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = datetime.now(TOKYO).date()
PAST = TODAY - timedelta(days=3)
NOW = datetime.now(UTC)


class RecordingNotifier:
    def __init__(self) -> None:
        self.events: list[RecordEvent] = []

    def notify(self, uow: SalesUnitOfWork, event: RecordEvent) -> None:
        self.events.append(event)


class RecordingAudit:
    def __init__(self) -> None:
        self.changes: list[dict[str, Any]] = []
        self.denied: list[dict[str, Any]] = []

    def security(self, event: str, **fields: Any) -> None:
        self.denied.append({"event": event, **fields})

    def master_change(self, *, entity: str, record_id: UUID | str, action: str, actor: str,
                      before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
        self.changes.append({"entity": entity, "record_id": str(record_id), "action": action, "actor": actor,
                             "before": before, "after": after})

    def application(self, event: str, **fields: Any) -> None:
        return None


@define
class World:
    """営業部 > 営業一課 and 開発部; alice (営業部), carol (営業一課), dave (開発部), lucy (light, 営業部).
    Records inserted directly: an account, a public and a 非公開 opportunity (owner alice, allow-list
    carol), a person and a campaign."""

    container: Container
    engine: sa.Engine
    tenant: Tenant
    admin: Principal
    deps: SalesDeps
    notifier: RecordingNotifier
    audit: RecordingAudit
    users: dict[str, UserId] = field(factory=dict)
    orgs: dict[str, OrganizationId] = field(factory=dict)
    ids: dict[str, UUID] = field(factory=dict)

    def principal(self, login: str) -> Principal:
        with self.container.uow()(self.tenant.id) as uow:
            user = uow.users.get_by_login(login)
            assert user is not None
            return principal_for(uow, self.tenant.id, user, TODAY)

    def create(self, login: str, **values: Any) -> Activity:
        given: dict[str, Any] = {"status": "planned", "kind_code": "visit", "subject": "訪問", "activity_date": PAST}
        return CreateActivity(self.deps)(self.principal(login), CreateActivityCommand(**(given | values))).activity

    def get(self, login: str, activity_id: UUID) -> Activity:
        return GetActivity(self.deps)(self.principal(login), activity_id)

    def search(self, login: str, page: PageRequest | None = None, **filters: Any) -> list[ActivityListItem]:
        query = SearchActivitiesQuery(search=ActivitySearch(**filters), page=page or PageRequest())
        return list(SearchActivities(self.deps)(self.principal(login), query).items)

    def opportunity_row(self, key: str) -> sa.Row[Any]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(opportunities).where(opportunities.c.id == self.ids[key])).one()
        return row

    def count(self, table: sa.Table) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


@pytest.fixture
def world(engine: sa.Engine, container: Container, tenant: Tenant, admin: Principal) -> World:
    notifier, audit = RecordingNotifier(), RecordingAudit()
    deps = evolve(container.sales_deps(), notifier=notifier, audit=audit)
    w = World(container=container, engine=engine, tenant=tenant, admin=admin, deps=deps, notifier=notifier,
              audit=audit)
    company = container.create_company()(admin, CreateCompanyCommand("acme", "ACME株式会社", SINCE))
    for code, name, parent in (("sales", "営業部", None), ("sales1", "営業一課", "sales"), ("dev", "開発部", None)):
        org = container.create_organization()(admin, CreateOrganizationCommand(
            company.id, code, name, SINCE, parent_id=w.orgs[parent] if parent else None))
        w.orgs[code] = org.id
    for login, org_code, license in (("alice", "sales", License.FULL), ("carol", "sales1", License.FULL),
                                     ("dave", "dev", License.FULL), ("lucy", "sales", License.LIGHT)):
        user = container.add_user()(admin, AddUserCommand(login_id=login, name=f"{login} 太郎", license=license))
        w.users[login] = user.id
        container.assign_affiliation()(admin, AssignAffiliationCommand(user.id, w.orgs[org_code], SINCE))
    container.refresh_org_closure()(admin)
    _insert_records(w)
    return w


def _insert_records(w: World) -> None:
    t, alice = w.tenant.id, w.users["alice"]
    stamps = {"created_at": NOW, "updated_at": NOW, "created_by": alice, "owner_id": alice,
              "owner_organization_id": w.orgs["sales"]}
    w.ids.update(account=uuid4(), other_account=uuid4(), public=uuid4(), secret=uuid4(), person=uuid4(),
                 campaign=uuid4())
    with w.engine.begin() as conn:
        for key, name in (("account", "株式会社サンプル"), ("other_account", "有限会社ほか")):
            conn.execute(accounts.insert().values(tenant_id=t, id=w.ids[key], name=name, **stamps))
        for key, restricted in (("public", False), ("secret", True)):
            conn.execute(opportunities.insert().values(
                tenant_id=t, id=w.ids[key], name=f"案件 {key}", account_id=w.ids["account"], stage_code="10",
                certainty_code="C", expected_amount=Decimal("1000000"), is_restricted=restricted, **stamps))
        save_restriction(conn, t, RecordType.OPPORTUNITY, w.ids["secret"],
                         Restriction(users=frozenset({w.users["carol"]})))
        conn.execute(persons.insert().values(tenant_id=t, id=w.ids["person"], account_id=w.ids["account"],
                                             last_name="山田", first_name="花子", **stamps))
        conn.execute(campaigns.insert().values(tenant_id=t, id=w.ids["campaign"], name="秋のセミナー",
                                               starts_on=SINCE, **stamps))


def _set_update_rule(w: World, rule: str) -> None:
    with w.engine.begin() as conn:
        conn.execute(tenants.update().where(tenants.c.id == w.tenant.id).values(update_rule=rule))


# --- CRUD ----------------------------------------------------------------------------------------------

def test_register_read_change_and_delete(world: World) -> None:
    w = world
    start = datetime.combine(PAST, datetime.min.time(), tzinfo=TOKYO).replace(hour=10)
    created = CreateActivity(w.deps)(w.principal("alice"), CreateActivityCommand(
        status="planned", kind_code="visit", subject="  初回訪問 ", starts_at=start, ends_at=start + timedelta(hours=1),
        purpose_code="greeting", content="会社紹介", next_action="提案書", next_action_on=TODAY,
        opportunity_id=w.ids["public"], campaign_id=w.ids["campaign"], person_ids=(w.ids["person"],),
        attendee_ids=(w.users["carol"],), staff=(StaffMember(w.users["carol"], is_main=True),),
    ))
    a = created.activity
    assert created.opportunity_version is None
    assert a.account_id == w.ids["account"]  # taken from the opportunity
    assert (a.activity_date, a.subject, a.version) == (PAST, "初回訪問", 1)
    assert (a.owner_id, a.owner_organization_id, a.created_by) == (w.users["alice"], w.orgs["sales"], w.users["alice"])

    read = w.get("carol", a.id)
    assert (read.subject, read.kind_code, read.purpose_code) == ("初回訪問", "visit", "greeting")
    assert read.content == "会社紹介"
    assert (read.starts_at, read.ends_at) == (start, start + timedelta(hours=1))
    assert (read.person_ids, read.attendee_ids) == ((w.ids["person"],), (w.users["carol"],))
    assert read.staff == (StaffMember(w.users["carol"], is_main=True),)
    assert (read.opportunity_id, read.campaign_id, read.next_action_on) == (w.ids["public"], w.ids["campaign"], TODAY)
    assert [e.kind for e in w.notifier.events] == [EventKind.ACTIVITY_REGISTERED]
    assert w.notifier.events[0].record_id == w.ids["public"]

    changed = UpdateActivity(w.deps)(w.principal("carol"), UpdateActivityCommand(
        activity_id=a.id, expected_version=1, status="done", result_code="forward", subject="初回訪問（実施）",
        person_ids=(), ends_at=None,
    )).activity
    assert (changed.version, changed.status, changed.result_code) == (2, ActivityStatus.DONE, "forward")
    again = w.get("alice", a.id)
    assert (again.subject, again.person_ids, again.ends_at, again.content) == ("初回訪問（実施）", (), None, "会社紹介")
    assert again.updated_by == w.users["carol"]
    change_log = [c for c in w.audit.changes if c["action"] == "update"][-1]
    assert change_log["before"]["subject"] == "初回訪問"
    assert change_log["after"]["subject"] == "初回訪問（実施）"
    assert {e.kind for e in w.notifier.events[1:]} == {EventKind.RECORD_CHANGED, EventKind.ACTIVITY_REGISTERED}

    with pytest.raises(Conflict) as stale:
        UpdateActivity(w.deps)(w.principal("alice"), UpdateActivityCommand(
            activity_id=a.id, expected_version=1, subject="上書き"))
    assert stale.value.current_version == 2
    assert w.get("alice", a.id).subject == "初回訪問（実施）"

    with w.engine.begin() as conn:
        comment_id = uuid4()
        conn.execute(comments.insert().values(tenant_id=w.tenant.id, id=comment_id, record_type="activity",
                                              record_id=a.id, body="お疲れさま", created_by=w.users["carol"],
                                              created_at=NOW))
        conn.execute(likes.insert().values(tenant_id=w.tenant.id, record_type="activity", record_id=a.id,
                                           user_id=w.users["carol"], created_at=NOW))
    with pytest.raises(Conflict):
        DeleteActivity(w.deps)(w.principal("alice"), DeleteActivityCommand(a.id, expected_version=1))
    DeleteActivity(w.deps)(w.principal("alice"), DeleteActivityCommand(a.id, expected_version=2))
    with pytest.raises(NotFound):
        w.get("alice", a.id)
    for table in (activities, activity_persons, activity_attendees, comments, likes, record_staff):
        assert w.count(table) == 0, table.name
    deleted = [c for c in w.audit.changes if c["action"] == "delete"][-1]
    assert deleted["before"]["subject"] == "初回訪問（実施）"
    assert deleted["after"] is None


def test_an_operator_registers_on_behalf_of_an_owner(world: World) -> None:
    w = world
    saved = CreateActivity(w.deps)(w.admin, CreateActivityCommand(
        status="planned", kind_code="call", subject="代理登録", activity_date=PAST, owner_id=w.users["carol"]))
    a = w.get("carol", saved.activity.id)
    assert (a.owner_id, a.owner_organization_id, a.created_by) == (w.users["carol"], w.orgs["sales1"], None)
    assert [x.id for x in w.search("carol", mine=True)] == [a.id]


def test_unknown_and_foreign_ids_are_not_found(world: World) -> None:
    w = world
    other = w.container.create_tenant()(CreateTenantCommand(code="other", name="他社", full_licenses=1,
                                                            light_licenses=0))
    foreign = uuid4()
    with w.engine.begin() as conn:
        conn.execute(activities.insert().values(
            tenant_id=other.id, id=foreign, status="planned", kind_code="visit", subject="他社の活動",
            activity_date=PAST, created_at=NOW, updated_at=NOW))
    for activity_id in (foreign, uuid4()):
        with pytest.raises(NotFound):
            w.get("alice", activity_id)
        with pytest.raises(NotFound):
            CopyActivity(w.deps)(w.principal("alice"), CopyActivityCommand(activity_id))
    assert w.search("alice") == []
    missing = uuid4()
    with pytest.raises(NotFound):
        w.get("alice", missing)
    with pytest.raises(NotFound):
        UpdateActivity(w.deps)(w.principal("alice"), UpdateActivityCommand(missing, expected_version=1, subject="x"))
    with pytest.raises(NotFound):
        DeleteActivity(w.deps)(w.principal("alice"), DeleteActivityCommand(missing))
    with pytest.raises(NotFound):
        ListActivitiesOf(w.deps)(w.principal("alice"), ActivitiesOfQuery(RecordType.ACCOUNT, missing))


# --- visibility ----------------------------------------------------------------------------------------

def test_an_activity_of_a_restricted_opportunity_is_seen_only_by_those_who_see_the_opportunity(world: World) -> None:
    w = world
    secret = w.create("alice", subject="極秘の打合せ", opportunity_id=w.ids["secret"])
    public = w.create("alice", subject="通常の訪問", opportunity_id=w.ids["public"])
    plain = w.create("alice", subject="飛び込み", account_id=w.ids["account"])

    assert {a.id for a in w.search("dave")} == {public.id, plain.id}
    with pytest.raises(NotFound):
        w.get("dave", secret.id)
    with pytest.raises(NotFound):
        UpdateActivity(w.deps)(w.principal("dave"), UpdateActivityCommand(secret.id, expected_version=1,
                                                                           subject="覗き見"))
    with pytest.raises(NotFound):
        CopyActivity(w.deps)(w.principal("dave"), CopyActivityCommand(secret.id))
    with pytest.raises(NotFound):
        ListActivitiesOf(w.deps)(w.principal("dave"), ActivitiesOfQuery(RecordType.OPPORTUNITY, w.ids["secret"]))
    account_page = ListActivitiesOf(w.deps)(w.principal("dave"), ActivitiesOfQuery(RecordType.ACCOUNT,
                                                                                      w.ids["account"]))
    assert {a.id for a in account_page.items} == {public.id, plain.id}
    assert secret.id not in {a.id for a in w.search("dave", q="極秘")}

    for insider in ("carol", "alice"):
        assert {a.id for a in w.search(insider)} == {secret.id, public.id, plain.id}
        assert w.get(insider, secret.id).subject == "極秘の打合せ"
    nav = ListActivitiesOf(w.deps)(w.principal("carol"), ActivitiesOfQuery(RecordType.OPPORTUNITY, w.ids["secret"]))
    assert [a.id for a in nav.items] == [secret.id]

    # an outsider cannot link an activity to the restricted opportunity either
    with pytest.raises(Invalid) as e:
        w.create("dave", opportunity_id=w.ids["secret"])
    assert "opportunity_id" in e.value.errors


def test_an_activity_restricted_on_its_own_is_seen_by_its_allow_list(world: World) -> None:
    w = world
    own = w.create("alice", subject="人事の相談", restriction=Restriction(organizations=frozenset({w.orgs["sales"]})))
    assert own.id in {a.id for a in w.search("carol")}  # 営業一課 lies under 営業部
    assert own.id not in {a.id for a in w.search("dave")}
    with pytest.raises(NotFound):
        w.get("dave", own.id)


def test_mine_is_my_and_my_organisations_activities(world: World) -> None:
    w = world
    by_alice = w.create("alice", subject="A")
    by_carol = w.create("carol", subject="C")
    by_dave = w.create("dave", subject="D")
    dave_staffs_alice = w.create("alice", subject="A+D", staff=(StaffMember(w.users["dave"]),))

    assert {a.id for a in w.search("alice", mine=True)} == {by_alice.id, by_carol.id, dave_staffs_alice.id}
    assert {a.id for a in w.search("carol", mine=True)} == {by_carol.id}
    assert {a.id for a in w.search("dave", mine=True)} == {by_dave.id, dave_staffs_alice.id}
    assert {a.id for a in w.search("dave", staff_id=w.users["dave"])} == {dave_staffs_alice.id}
    assert {a.id for a in w.search("dave", owner_id=w.users["carol"])} == {by_carol.id}
    # a filter, never a grant: carol's restricted activity stays hidden from a manager not on its list
    hidden = w.create("carol", subject="秘", restriction=Restriction())
    assert hidden.id not in {a.id for a in w.search("alice", mine=True)}


def test_a_light_user_reads_but_cannot_write(world: World) -> None:
    w = world
    a = w.create("alice", subject="共有")
    lucy = w.principal("lucy")
    assert w.get("lucy", a.id).subject == "共有"
    assert [x.id for x in w.search("lucy")] == [a.id]
    with pytest.raises(Forbidden):
        CreateActivity(w.deps)(lucy, CreateActivityCommand(status="planned", kind_code="visit", subject="x",
                                                           activity_date=PAST))
    with pytest.raises(Forbidden):
        UpdateActivity(w.deps)(lucy, UpdateActivityCommand(a.id, expected_version=1, subject="x"))
    with pytest.raises(Forbidden):
        CopyActivity(w.deps)(lucy, CopyActivityCommand(a.id))
    with pytest.raises(Forbidden):
        DeleteActivity(w.deps)(lucy, DeleteActivityCommand(a.id))
    assert w.get("alice", a.id).version == 1
    assert w.count(activities) == 1
    assert {d["user"] for d in w.audit.denied if d["event"] == "permission.denied"} == {"lucy"}


def test_strict_update_rule_lets_only_people_in_charge_change(world: World) -> None:
    w = world
    _set_update_rule(w, "strict")
    a = w.create("carol", subject="担当者のみ")
    with pytest.raises(Forbidden):
        UpdateActivity(w.deps)(w.principal("dave"), UpdateActivityCommand(a.id, expected_version=1, subject="x"))
    # alice manages nothing here (no manager post), carol owns it
    UpdateActivity(w.deps)(w.principal("carol"), UpdateActivityCommand(a.id, expected_version=1, subject="変更"))
    assert w.get("dave", a.id).subject == "変更"


# --- bad input -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "field_name"), [
    ({"kind_code": "fax"}, "kind_code"),
    ({"purpose_code": "nope"}, "purpose_code"),
    ({"status": "maybe"}, "status"),
    ({"subject": " "}, "subject"),
    ({"status": "planned", "result_code": "forward"}, "result_code"),
    ({"status": "done", "activity_date": TODAY + timedelta(days=2)}, "activity_date"),
    ({"account_id": UUID(int=7)}, "account_id"),
    ({"campaign_id": UUID(int=7)}, "campaign_id"),
    ({"lead_id": UUID(int=7)}, "lead_id"),
    ({"person_ids": (UUID(int=7),)}, "person_ids"),
    ({"attendee_ids": (UserId(UUID(int=7)),)}, "attendee_ids"),
    ({"staff": (StaffMember(UserId(UUID(int=7))),)}, "staff"),
    ({"custom_fields": {"unknown": 1}}, "custom_fields.unknown"),
    ({"activity_date": None, "starts_at": datetime(2026, 1, 5, 11, 0, tzinfo=TOKYO),
      "ends_at": datetime(2026, 1, 5, 10, 0, tzinfo=TOKYO)}, "ends_at"),
])
def test_bad_input_is_invalid_on_its_field_and_saves_nothing(
    world: World, values: dict[str, Any], field_name: str
) -> None:
    with pytest.raises(Invalid) as e:
        world.create("alice", **values)
    assert field_name in e.value.errors
    assert world.count(activities) == 0


def test_an_invalid_change_is_refused_and_changes_nothing(world: World) -> None:
    w = world
    a = w.create("alice", status="done", subject="実施済み")
    for change, field_name in (({"kind_code": "fax"}, "kind_code"), ({"status": "planned"}, "status"),
                               ({"next_action_on": PAST - timedelta(days=1)}, "next_action_on")):
        with pytest.raises(Invalid) as e:
            UpdateActivity(w.deps)(w.principal("alice"), UpdateActivityCommand(a.id, expected_version=1, **change))
        assert field_name in e.value.errors
    assert w.get("alice", a.id).version == 1


# --- 活動報告: an actual activity moves its opportunity on ----------------------------------------------

def test_an_actual_activity_updates_its_opportunity_in_the_same_transaction(world: World) -> None:
    w = world
    saved = CreateActivity(w.deps)(w.principal("carol"), CreateActivityCommand(
        status="done", kind_code="visit", subject="提案", activity_date=PAST, opportunity_id=w.ids["public"],
        result_code="forward",
        opportunity_update=OpportunityProgress(expected_version=1, stage_code="30", certainty_code="B",
                                               expected_order_date=TODAY + timedelta(days=30),
                                               expected_amount="1,500,000"),
    ))
    assert saved.opportunity_version == 2
    row = w.opportunity_row("public")
    assert (row.stage_code, row.certainty_code, row.version) == ("30", "B", 2)
    assert row.expected_order_date == TODAY + timedelta(days=30)
    assert Decimal(str(row.expected_amount)) == Decimal("1500000")
    assert row.updated_by == w.users["carol"]
    assert w.get("alice", saved.activity.id).status is ActivityStatus.DONE
    assert {(c["entity"], c["action"]) for c in w.audit.changes} >= {("activity", "create"), ("opportunity", "update")}

    # a stale opportunity version: neither the activity nor the opportunity changes
    with pytest.raises(Conflict) as stale:
        CreateActivity(w.deps)(w.principal("alice"), CreateActivityCommand(
            status="done", kind_code="call", subject="電話", activity_date=PAST, opportunity_id=w.ids["public"],
            opportunity_update=OpportunityProgress(expected_version=1, stage_code="40"),
        ))
    assert stale.value.current_version == 2
    assert w.count(activities) == 1
    assert (w.opportunity_row("public").stage_code, w.opportunity_row("public").version) == ("30", 2)

    # a bad value for the opportunity: 422 on the prefixed field, nothing saved
    with pytest.raises(Invalid) as bad:
        CreateActivity(w.deps)(w.principal("alice"), CreateActivityCommand(
            status="done", kind_code="call", subject="電話", activity_date=PAST, opportunity_id=w.ids["public"],
            opportunity_update=OpportunityProgress(expected_version=2, stage_code="99", expected_amount="abc"),
        ))
    assert any(k.startswith("opportunity_update.") for k in bad.value.errors)
    assert w.count(activities) == 1

    # only an actual reports progress
    with pytest.raises(Invalid) as plan:
        w.create("alice", status="planned", opportunity_id=w.ids["public"],
                 opportunity_update=OpportunityProgress(expected_version=2, stage_code="40"))
    assert "opportunity_update" in plan.value.errors
    assert w.opportunity_row("public").version == 2


def test_turning_a_plan_into_an_actual_can_move_the_opportunity_on(world: World) -> None:
    w = world
    plan = w.create("alice", subject="次回訪問", opportunity_id=w.ids["public"])
    saved = UpdateActivity(w.deps)(w.principal("alice"), UpdateActivityCommand(
        plan.id, expected_version=1, status="done", result_code="forward",
        opportunity_update=OpportunityProgress(expected_version=1, certainty_code="A"),
    ))
    assert (saved.activity.version, saved.opportunity_version) == (2, 2)
    assert w.opportunity_row("public").certainty_code == "A"

    with pytest.raises(Conflict):
        UpdateActivity(w.deps)(w.principal("alice"), UpdateActivityCommand(
            plan.id, expected_version=2, content="追記",
            opportunity_update=OpportunityProgress(expected_version=1, certainty_code="B"),
        ))
    assert w.get("alice", plan.id).content == ""
    assert (w.opportunity_row("public").certainty_code, w.opportunity_row("public").version) == ("A", 2)


def test_progress_needs_the_right_to_edit_the_opportunity(world: World) -> None:
    w = world
    _set_update_rule(w, "strict")
    with pytest.raises(Forbidden):
        CreateActivity(w.deps)(w.principal("dave"), CreateActivityCommand(
            status="done", kind_code="visit", subject="勝手に", activity_date=PAST, opportunity_id=w.ids["public"],
            opportunity_update=OpportunityProgress(expected_version=1, stage_code="40"),
        ))
    assert w.count(activities) == 0
    assert w.opportunity_row("public").stage_code == "10"
    # without the progress part the same activity registers fine
    assert w.create("dave", status="done", opportunity_id=w.ids["public"]).opportunity_id == w.ids["public"]


# --- search, navigation, paging ------------------------------------------------------------------------

def test_search_filters_and_pages(world: World) -> None:
    w = world
    DefineCustomField(uow=w.deps.uow, clock=w.deps.clock, ids=w.deps.ids, audit=w.deps.audit)(
        w.admin, DefineCustomFieldCommand(entity="activity", key="channel", label_ja="経路", kind="text"))
    visit = w.create("alice", subject="ｶﾌﾞｼｷ会社 訪問", kind_code="visit", activity_date=PAST - timedelta(days=10),
                     person_ids=(w.ids["person"],), custom_fields={"channel": "web"})
    call = w.create("alice", subject="電話フォロー", kind_code="call", status="done", activity_date=PAST,
                    campaign_id=w.ids["campaign"])
    mail = w.create("carol", subject="資料送付", kind_code="mail", status="cancelled",
                    activity_date=PAST - timedelta(days=5), account_id=w.ids["other_account"])

    def ids(**filters: Any) -> list[UUID]:
        return [a.id for a in w.search("dave", **filters)]

    assert ids() == [call.id, mail.id, visit.id]  # newest activity date first
    assert ids(q="カブシキ") == [visit.id]
    assert ids(q="フォロー 電話") == [call.id]
    assert ids(q="100%") == []
    assert ids(kind_codes=("visit", "mail")) == [mail.id, visit.id]
    assert ids(statuses=(ActivityStatus.DONE, ActivityStatus.CANCELLED)) == [call.id, mail.id]
    assert ids(date_from=PAST - timedelta(days=6), date_to=PAST - timedelta(days=1)) == [mail.id]
    assert ids(person_id=w.ids["person"]) == [visit.id]
    assert ids(campaign_id=w.ids["campaign"]) == [call.id]
    assert ids(account_id=w.ids["other_account"]) == [mail.id]
    assert ids(custom_fields=(("channel", "web"),)) == [visit.id]
    assert ids(custom_fields=(("channel", "tel"),)) == []

    person_page = ListActivitiesOf(w.deps)(w.principal("dave"), ActivitiesOfQuery(RecordType.PERSON, w.ids["person"]))
    assert [a.id for a in person_page.items] == [visit.id]
    campaign_page = ListActivitiesOf(w.deps)(w.principal("dave"), ActivitiesOfQuery(RecordType.CAMPAIGN,
                                                                                       w.ids["campaign"]))
    assert [a.id for a in campaign_page.items] == [call.id]

    seen: list[UUID] = []
    cursor = None
    for _ in range(5):
        page = SearchActivities(w.deps)(w.principal("dave"), SearchActivitiesQuery(
            page=PageRequest(limit=1, cursor=cursor, sort="activity_date")))
        seen += [a.id for a in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [visit.id, mail.id, call.id]
    by_update = [a.id for a in w.search("dave", page=PageRequest(sort="-updated_at"))]
    assert by_update == [mail.id, call.id, visit.id]
    with pytest.raises(Invalid):
        w.search("dave", page=PageRequest(sort="subject"))


# --- copy -----------------------------------------------------------------------------------------------

def test_copy_plans_the_next_visit_without_history(world: World) -> None:
    w = world
    start = datetime.combine(PAST, datetime.min.time(), tzinfo=TOKYO).replace(hour=14)
    original = w.create("alice", status="done", subject="定例訪問", activity_date=None, starts_at=start,
                        ends_at=start + timedelta(hours=2), result_code="same", next_action="再訪",
                        next_action_on=TODAY + timedelta(days=7), opportunity_id=w.ids["public"],
                        person_ids=(w.ids["person"],), attendee_ids=(w.users["carol"],))
    with w.engine.begin() as conn:
        conn.execute(comments.insert().values(tenant_id=w.tenant.id, id=uuid4(), record_type="activity",
                                              record_id=original.id, body="次回も", created_by=w.users["carol"],
                                              created_at=NOW))
    copy = CopyActivity(w.deps)(w.principal("carol"), CopyActivityCommand(original.id))
    read = w.get("dave", copy.id)
    assert read.id != original.id
    assert (read.status, read.result_code, read.version) == (ActivityStatus.PLANNED, None, 1)
    assert read.activity_date == TODAY + timedelta(days=7)
    assert read.starts_at == datetime.combine(TODAY + timedelta(days=7), start.timetz())
    assert read.ends_at == read.starts_at + timedelta(hours=2)  # type: ignore[operator]
    assert (read.subject, read.opportunity_id, read.account_id) == ("定例訪問", w.ids["public"], w.ids["account"])
    assert (read.person_ids, read.attendee_ids) == ((w.ids["person"],), (w.users["carol"],))
    assert (read.owner_id, read.created_by) == (w.users["carol"], w.users["carol"])
    with w.engine.connect() as conn:
        copied_comments = conn.execute(sa.select(comments.c.id).where(comments.c.record_id == copy.id)).all()
    assert copied_comments == []
    assert w.get("alice", original.id).status is ActivityStatus.DONE
    assert w.notifier.events[-1].kind is EventKind.ACTIVITY_REGISTERED
