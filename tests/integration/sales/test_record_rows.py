"""The rows every sales record keeps beside its table (staff, allow-list, relations), the access chain
sub-resources are judged by (R6), and the clean-up on delete - on both engines."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import sqlalchemy as sa

from dps.adapters.db.repositories.sales.record_access import SqlRecordAccessReader
from dps.adapters.db.repositories.sales.record_rows import (
    delete_record_children,
    load_relations,
    load_restrictions,
    load_staff,
    save_relations,
    save_restriction,
    save_staff,
)
from dps.adapters.db.tables.collaboration import comments, likes
from dps.adapters.db.tables.records import record_acl, record_staff
from dps.adapters.db.tables.sales_accounts import accounts, business_cards, persons
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.application.directory.users import AddUser, AddUserCommand
from dps.bootstrap.container import Container
from dps.domain.sales.records import RecordType, Relation, StaffMember
from dps.domain.shared.ids import OrganizationId, PublicGroupId, UserId
from dps.domain.shared.principal import License, Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _stamps() -> dict[str, object]:
    return {"created_at": NOW, "updated_at": NOW}


def _user(container: Container, admin: Principal, login: str) -> UserId:
    user = AddUser(container.directory_deps())(admin, AddUserCommand(login_id=login, name=login, license=License.FULL))
    return user.id


def test_staff_restriction_relations_round_trip_and_cleanup(
    engine: sa.Engine, container: Container, tenant: Tenant, admin: Principal
) -> None:
    alice, bob = _user(container, admin, "alice"), _user(container, admin, "bob")
    account_id, person_id = uuid4(), uuid4()
    restriction = Restriction(users=frozenset({bob}), organizations=frozenset({OrganizationId(uuid4())}),
                              groups=frozenset({PublicGroupId(uuid4())}))
    t = tenant.id
    with engine.begin() as conn:
        conn.execute(accounts.insert().values(tenant_id=t, id=account_id, name="取引先", owner_id=alice,
                                              is_restricted=True, **_stamps()))
        conn.execute(persons.insert().values(tenant_id=t, id=person_id, account_id=account_id, last_name="山田",
                                             **_stamps()))
        save_staff(conn, t, RecordType.ACCOUNT, account_id, [StaffMember(alice, is_main=True), StaffMember(bob)])
        save_restriction(conn, t, RecordType.ACCOUNT, account_id, restriction)
        save_relations(conn, t, RecordType.ACCOUNT, account_id, [Relation(person_id, "contact")])
        comment_id = uuid4()
        conn.execute(comments.insert().values(tenant_id=t, id=comment_id, record_type="account", record_id=account_id,
                                              body="よろしく", created_by=bob, created_at=NOW))
        conn.execute(likes.insert().values(tenant_id=t, record_type="comment", record_id=comment_id, user_id=alice,
                                           created_at=NOW))

    with engine.begin() as conn:
        staff = load_staff(conn, t, RecordType.ACCOUNT, [account_id])[account_id]
        assert staff[0] == StaffMember(alice, is_main=True)
        assert set(staff) == {StaffMember(alice, True), StaffMember(bob)}
        assert load_restrictions(conn, t, RecordType.ACCOUNT, [account_id])[account_id] == restriction
        relations = load_relations(conn, t, RecordType.ACCOUNT, [account_id])[account_id]
        assert relations == (Relation(person_id, "contact"),)
        chain = SqlRecordAccessReader(conn, t).access_chain(RecordType.ACCOUNT, account_id)
        assert chain is not None
        assert chain[0].restriction == restriction
        assert chain[0].staff_ids == {alice, bob}
        # a comment is judged on its record
        assert SqlRecordAccessReader(conn, t).access_chain(RecordType.COMMENT, comment_id) == chain
        assert SqlRecordAccessReader(conn, t).label_of(RecordType.ACCOUNT, account_id) == "取引先"

        delete_record_children(conn, t, RecordType.ACCOUNT, [account_id])
        for table in (record_staff, record_acl, comments):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(likes)).scalar() == 0
        assert load_relations(conn, t, RecordType.ACCOUNT, [account_id]) == {}


def test_activity_inherits_its_opportunitys_restriction_and_cards_their_persons(
    engine: sa.Engine, container: Container, tenant: Tenant, admin: Principal
) -> None:
    carol = _user(container, admin, "carol")
    t = tenant.id
    account_id, opp_id, act_id, free_act_id, person_id, card_id = (uuid4() for _ in range(6))
    with engine.begin() as conn:
        conn.execute(accounts.insert().values(tenant_id=t, id=account_id, name="A", **_stamps()))
        conn.execute(opportunities.insert().values(tenant_id=t, id=opp_id, name="案件", account_id=account_id,
                                                   stage_code="10", is_restricted=True, owner_id=carol, **_stamps()))
        for aid, opp in ((act_id, opp_id), (free_act_id, None)):
            conn.execute(activities.insert().values(
                tenant_id=t, id=aid, status="done", kind_code="visit", subject="訪問", activity_date=NOW.date(),
                opportunity_id=opp, account_id=account_id, **_stamps()))
        conn.execute(persons.insert().values(tenant_id=t, id=person_id, account_id=account_id, last_name="佐藤",
                                             is_restricted=True, **_stamps()))
        conn.execute(business_cards.insert().values(tenant_id=t, id=card_id, person_id=person_id,
                                                    received_on=NOW.date(), company_name="A", last_name="佐藤",
                                                    created_at=NOW))

    with engine.connect() as conn:
        reader = SqlRecordAccessReader(conn, t)
        chain = reader.access_chain(RecordType.ACTIVITY, act_id)
        assert chain is not None
        assert len(chain) == 2
        assert not chain[0].is_restricted
        assert chain[1].is_restricted
        assert chain[1].owner_id == carol
        free = reader.access_chain(RecordType.ACTIVITY, free_act_id)
        assert free is not None
        assert len(free) == 1
        card = reader.access_chain(RecordType.BUSINESS_CARD, card_id)
        assert card is not None
        assert card[0].is_restricted
        assert reader.access_chain(RecordType.OPPORTUNITY, uuid4()) is None
        assert reader.access_chain(RecordType.COMMENT, uuid4()) is None


def test_another_tenants_record_is_not_found(engine: sa.Engine, container: Container, tenant: Tenant) -> None:
    account_id = uuid4()
    with engine.begin() as conn:
        conn.execute(accounts.insert().values(tenant_id=tenant.id, id=account_id, name="A", **_stamps()))
    from dps.application.tenancy.tenants import CreateTenantCommand

    other = container.create_tenant()(CreateTenantCommand(code="other", name="他社"))
    with engine.connect() as conn:
        assert SqlRecordAccessReader(conn, other.id).access_chain(RecordType.ACCOUNT, account_id) is None
        assert SqlRecordAccessReader(conn, tenant.id).access_chain(RecordType.ACCOUNT, account_id) is not None


