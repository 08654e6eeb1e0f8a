"""Staff (自社担当者), relations (関係者) and the 非公開 restriction of any record kind, on both engines:
visibility (404), edit rights (403), validation (422), optimistic locking (409) and the
STAFF_ASSIGNED notification. Parent records are inserted as rows (the aggregates are built elsewhere)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Self
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from attrs import evolve

from dps.adapters.db.repositories.sales.record_people import SqlRecordPeopleRepository
from dps.adapters.db.repositories.sales.record_rows import save_staff
from dps.adapters.db.tables.sales_accounts import accounts, persons
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.adapters.db.unit_of_work import SqlUnitOfWork
from dps.application.auth.principals import system_principal
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.users import DeactivateUser
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_people import (
    GetRelations,
    GetRestriction,
    GetStaff,
    ReplaceRelations,
    ReplaceRelationsCommand,
    ReplaceRestriction,
    ReplaceRestrictionCommand,
    ReplaceStaff,
    ReplaceStaffCommand,
)
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.tenancy.tenants import CreateTenantCommand
from dps.bootstrap.container import Container
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.records import RecordType, Relation, StaffMember
from dps.domain.shared.ids import OrganizationId, PublicGroupId, TenantId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.policy import UpdateRule
from dps.domain.visibility.records import Restriction
from tests.integration.sales.test_attachments import NOW, RecordingAudit, add_user, insert_account


class PeopleUow(SqlUnitOfWork):
    """The SQL unit of work with the `record_people` store (until the composition root wires it)."""

    def __enter__(self) -> Self:
        super().__enter__()
        self._people = SqlRecordPeopleRepository(self.conn, self.tenant_id)
        return self

    @property
    def record_people(self) -> SqlRecordPeopleRepository:
        return self._people


def people_uow(engine: sa.Engine) -> Callable[[TenantId], SalesUnitOfWork]:
    return partial(PeopleUow, engine)


class RecordingNotifier:
    def __init__(self) -> None:
        self.events: list[RecordEvent] = []

    def notify(self, uow: SalesUnitOfWork, event: RecordEvent) -> None:
        self.events.append(event)


def insert_person(engine: sa.Engine, tenant_id: TenantId, account_id: UUID, *, restricted: bool = False,
                  owner: UserId | None = None) -> UUID:
    person_id = uuid4()
    with engine.begin() as conn:
        conn.execute(persons.insert().values(tenant_id=tenant_id, id=person_id, account_id=account_id,
                                             last_name="山田", first_name="花子", owner_id=owner,
                                             is_restricted=restricted, created_at=NOW, updated_at=NOW))
    return person_id


def insert_opportunity(engine: sa.Engine, tenant_id: TenantId, account_id: UUID, *, owner: UserId | None) -> UUID:
    opportunity_id = uuid4()
    with engine.begin() as conn:
        conn.execute(opportunities.insert().values(tenant_id=tenant_id, id=opportunity_id, name="基幹刷新",
                                                   account_id=account_id, stage_code="10", owner_id=owner,
                                                   created_by=owner, created_at=NOW, updated_at=NOW))
    return opportunity_id


def account_row(engine: sa.Engine, account_id: UUID) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(accounts.c.version, accounts.c.is_restricted, accounts.c.updated_by)
                            .where(accounts.c.id == account_id)).one()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def audit() -> RecordingAudit:
    return RecordingAudit()


@pytest.fixture
def deps(engine: sa.Engine, container: Container, tenant: Tenant, notifier: RecordingNotifier,
         audit: RecordingAudit) -> SalesDeps:
    return evolve(container.sales_deps(), uow=people_uow(engine), notifier=notifier, audit=audit)


@pytest.fixture
def alice(container: Container, admin: Principal) -> Principal:
    return add_user(container, admin, "alice")


@pytest.fixture
def bob(container: Container, admin: Principal) -> Principal:
    return add_user(container, admin, "bob")


def staff_cmd(record_id: UUID, version: int, *members: StaffMember,
              record_type: RecordType = RecordType.ACCOUNT) -> ReplaceStaffCommand:
    return ReplaceStaffCommand(record_type=record_type, record_id=record_id, staff=members, expected_version=version)


def test_replace_staff_bumps_the_version_and_notifies_new_members(
    engine: sa.Engine, deps: SalesDeps, alice: Principal, bob: Principal, container: Container, admin: Principal,
    notifier: RecordingNotifier, audit: RecordingAudit,
) -> None:
    carol = add_user(container, admin, "carol")
    account_id = insert_account(engine, alice.tenant_id, name="東京商事", owner=alice.user_id,
                                staff=[StaffMember(bob.user_id)])
    assert GetStaff(deps)(alice, RecordType.ACCOUNT, account_id).staff == (StaffMember(bob.user_id),)

    view = ReplaceStaff(deps)(alice, staff_cmd(account_id, 1, StaffMember(alice.user_id),
                                               StaffMember(bob.user_id), StaffMember(carol.user_id, is_main=True)))

    assert view.version == 2
    assert view.staff[0] == StaffMember(carol.user_id, is_main=True)
    again = GetStaff(deps)(bob, RecordType.ACCOUNT, account_id)
    assert again.version == 2
    assert set(again.staff) == {StaffMember(alice.user_id), StaffMember(bob.user_id),
                                StaffMember(carol.user_id, is_main=True)}
    assert again.staff[0].is_main
    row = account_row(engine, account_id)
    assert (row.version, row.updated_by) == (2, alice.user_id)
    # only carol is new (bob was staff already, alice is the actor)
    assert len(notifier.events) == 1
    event = notifier.events[0]
    assert event.kind is EventKind.STAFF_ASSIGNED
    assert (event.record_type, event.record_id, event.actor_id) == (RecordType.ACCOUNT, account_id, alice.user_id)
    assert event.extra_recipients == {carol.user_id}
    assert event.summary == "東京商事"
    assert audit.changes[-1]["action"] == "staff.replace"
    assert audit.changes[-1]["after"]["version"] == 2


def test_two_mains_duplicates_and_unknown_or_inactive_users_are_invalid(
    engine: sa.Engine, deps: SalesDeps, alice: Principal, bob: Principal, container: Container, admin: Principal,
) -> None:
    account_id = insert_account(engine, alice.tenant_id)
    gone = add_user(container, admin, "gone")
    DeactivateUser(container.directory_deps())(admin, "gone")
    for members in (
        (StaffMember(alice.user_id, is_main=True), StaffMember(bob.user_id, is_main=True)),
        (StaffMember(alice.user_id), StaffMember(alice.user_id, is_main=True)),
        (StaffMember(UserId(uuid4())),),
        (StaffMember(gone.user_id),),
    ):
        with pytest.raises(Invalid) as e:
            ReplaceStaff(deps)(alice, staff_cmd(account_id, 1, *members))
        assert set(e.value.errors) == {"staff"}
    assert account_row(engine, account_id).version == 1


def test_a_stale_version_is_a_conflict_and_changes_nothing(
    engine: sa.Engine, deps: SalesDeps, alice: Principal, bob: Principal
) -> None:
    account_id = insert_account(engine, alice.tenant_id)
    ReplaceStaff(deps)(alice, staff_cmd(account_id, 1, StaffMember(alice.user_id, is_main=True)))
    with pytest.raises(Conflict) as e:
        ReplaceStaff(deps)(bob, staff_cmd(account_id, 1, StaffMember(bob.user_id)))
    assert e.value.current_version == 2
    assert GetStaff(deps)(alice, RecordType.ACCOUNT, account_id).staff == (StaffMember(alice.user_id, True),)
    with pytest.raises(Conflict):
        ReplaceRestriction(deps)(bob, ReplaceRestrictionCommand(RecordType.ACCOUNT, account_id, Restriction(), 1))
    assert account_row(engine, account_id).is_restricted is False


def test_invisible_records_are_not_found_and_light_or_strict_users_are_forbidden(
    engine: sa.Engine, container: Container, admin: Principal, deps: SalesDeps, alice: Principal, bob: Principal,
    audit: RecordingAudit,
) -> None:
    secret = insert_account(engine, alice.tenant_id, owner=bob.user_id, restriction=Restriction())
    for get in (GetStaff(deps), GetRelations(deps), GetRestriction(deps)):
        with pytest.raises(NotFound):
            get(alice, RecordType.ACCOUNT, secret)
        with pytest.raises(NotFound):
            get(alice, RecordType.ACCOUNT, uuid4())
    with pytest.raises(NotFound):
        ReplaceStaff(deps)(alice, staff_cmd(secret, 1, StaffMember(alice.user_id)))
    assert GetStaff(deps)(bob, RecordType.ACCOUNT, secret).version == 1  # the owner sees it

    light = add_user(container, admin, "light", License.LIGHT)
    public = insert_account(engine, alice.tenant_id)
    assert GetRelations(deps)(light, RecordType.ACCOUNT, public).relations == ()
    with pytest.raises(Forbidden):
        ReplaceStaff(deps)(light, staff_cmd(public, 1, StaffMember(light.user_id)))
    assert ("permission.denied", "light") in [(e, f["user"]) for e, f in audit.security_events]


def test_the_strict_update_rule_limits_changes_to_the_people_in_charge(
    engine: sa.Engine, container: Container, deps: SalesDeps
) -> None:
    strict = container.create_tenant()(CreateTenantCommand(code="strict", name="厳格株式会社",
                                                           update_rule=UpdateRule.STRICT))
    admin = system_principal(strict.id)
    owner, other = add_user(container, admin, "owner"), add_user(container, admin, "other")
    account_id = insert_account(engine, strict.id, owner=owner.user_id)
    with pytest.raises(Forbidden):
        ReplaceStaff(deps)(other, staff_cmd(account_id, 1, StaffMember(other.user_id)))
    assert ReplaceStaff(deps)(owner, staff_cmd(account_id, 1, StaffMember(other.user_id))).version == 2
    # now staff, `other` may change it
    assert ReplaceStaff(deps)(other, staff_cmd(account_id, 2, StaffMember(other.user_id, True))).version == 3


def test_relations_need_visible_persons_and_known_roles(
    engine: sa.Engine, deps: SalesDeps, alice: Principal, bob: Principal
) -> None:
    account_id = insert_account(engine, alice.tenant_id, owner=alice.user_id)
    yamada = insert_person(engine, alice.tenant_id, account_id)
    hidden = insert_person(engine, alice.tenant_id, account_id, restricted=True, owner=bob.user_id)
    opportunity = insert_opportunity(engine, alice.tenant_id, account_id, owner=alice.user_id)

    def relate(*relations: Relation, version: int = 1, record_type: RecordType = RecordType.ACCOUNT,
               record_id: UUID = account_id) -> ReplaceRelationsCommand:
        return ReplaceRelationsCommand(record_type, record_id, relations, version)

    view = ReplaceRelations(deps)(alice, relate(Relation(yamada, "decision_maker")))
    assert (view.version, view.relations) == (2, (Relation(yamada, "decision_maker"),))
    assert GetRelations(deps)(bob, RecordType.ACCOUNT, account_id).relations == (Relation(yamada, "decision_maker"),)
    on_opportunity = ReplaceRelations(deps)(alice, relate(Relation(yamada), record_type=RecordType.OPPORTUNITY,
                                                          record_id=opportunity))
    assert on_opportunity.relations == (Relation(yamada, None),)

    for bad in (
        relate(Relation(hidden, "contact"), version=2),  # alice cannot see that person
        relate(Relation(uuid4()), version=2),
        relate(Relation(yamada, "emperor"), version=2),
        relate(Relation(yamada), Relation(yamada, "contact"), version=2),
        relate(Relation(yamada), record_type=RecordType.PERSON, record_id=yamada),
    ):
        with pytest.raises(Invalid) as e:
            ReplaceRelations(deps)(alice, bad)
        assert set(e.value.errors) == {"relations"}
    assert GetRelations(deps)(alice, RecordType.ACCOUNT, account_id).version == 2
    # bob sees his restricted person
    assert ReplaceRelations(deps)(bob, relate(Relation(hidden), version=2)).relations == (Relation(hidden),)


def test_restriction_on_and_off(
    engine: sa.Engine, container: Container, admin: Principal, deps: SalesDeps, alice: Principal, bob: Principal,
) -> None:
    company = container.create_company()(admin, CreateCompanyCommand("acme", "ACME", NOW.date()))
    org = container.create_organization()(admin, CreateOrganizationCommand(company.id, "sales", "営業部", NOW.date()))
    account_id = insert_account(engine, alice.tenant_id, owner=alice.user_id)
    allow = Restriction(users=frozenset({bob.user_id}), organizations=frozenset({org.id}))

    view = ReplaceRestriction(deps)(alice, ReplaceRestrictionCommand(RecordType.ACCOUNT, account_id, allow, 1))
    assert (view.version, view.restriction) == (2, allow)
    assert GetRestriction(deps)(bob, RecordType.ACCOUNT, account_id).restriction == allow
    assert account_row(engine, account_id).is_restricted is True

    for bad in (Restriction(users=frozenset({UserId(uuid4())})),
                Restriction(organizations=frozenset({OrganizationId(uuid4())})),
                Restriction(groups=frozenset({PublicGroupId(uuid4())}))):
        with pytest.raises(Invalid) as e:
            ReplaceRestriction(deps)(alice, ReplaceRestrictionCommand(RecordType.ACCOUNT, account_id, bad, 2))
        assert set(e.value.errors) == {"restriction"}

    # an empty allow-list: only owner, creator and staff see it
    ReplaceRestriction(deps)(alice, ReplaceRestrictionCommand(RecordType.ACCOUNT, account_id, Restriction(), 2))
    with pytest.raises(NotFound):
        GetRestriction(deps)(bob, RecordType.ACCOUNT, account_id)

    public = ReplaceRestriction(deps)(alice, ReplaceRestrictionCommand(RecordType.ACCOUNT, account_id, None, 3))
    assert (public.version, public.restriction) == (4, None)
    assert account_row(engine, account_id).is_restricted is False
    assert GetRestriction(deps)(bob, RecordType.ACCOUNT, account_id).restriction is None


def test_kinds_without_people_are_not_found(deps: SalesDeps, alice: Principal) -> None:
    with pytest.raises(NotFound):
        GetStaff(deps)(alice, RecordType.BUDGET, uuid4())
    with pytest.raises(NotFound):
        ReplaceStaff(deps)(alice, staff_cmd(uuid4(), 1, record_type=RecordType.COMMENT))


def test_staff_rows_written_elsewhere_are_read_main_first(
    engine: sa.Engine, deps: SalesDeps, alice: Principal, bob: Principal
) -> None:
    account_id = insert_account(engine, alice.tenant_id)
    with engine.begin() as conn:
        save_staff(conn, alice.tenant_id, RecordType.ACCOUNT, account_id,
                   [StaffMember(alice.user_id), StaffMember(bob.user_id, is_main=True)])
    assert GetStaff(deps)(alice, RecordType.ACCOUNT, account_id).staff[0] == StaffMember(bob.user_id, True)
