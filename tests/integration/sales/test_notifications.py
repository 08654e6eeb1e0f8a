"""Notifications (M5) on SQLite and PostgreSQL: who is told of a comment or like (owner, creator,
staff, earlier commenters, extra recipients, never the actor), never anyone who cannot see the
record now (R7), filtered again when read; unread count, mark read, read-all, only my own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.collaboration import comments
from dps.application.sales.collaboration.comments import AddComment, AddCommentCommand
from dps.application.sales.collaboration.inbox import (
    CountUnreadNotifications,
    ListNotifications,
    MarkAllNotificationsRead,
    MarkNotificationRead,
)
from dps.application.sales.collaboration.likes import LikeIt
from dps.application.sales.collaboration.notifications import NotifyInterestedUsers
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import NotFound
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.likes import LikeTarget
from dps.domain.sales.records import RecordType
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.records import Restriction
from tests.fakes.clock import FakeClock
from tests.integration.sales.test_comments_support import Directory, build_directory, insert_record, notified, restrict

ACCOUNT, ACTIVITY, OPPORTUNITY = RecordType.ACCOUNT, RecordType.ACTIVITY, RecordType.OPPORTUNITY


@pytest.fixture
def people(container: Container, admin: Principal) -> Directory:
    return build_directory(container, admin)


@pytest.fixture
def deps(container: Container) -> SalesDeps:
    return container.sales_deps()


def _comment(deps: SalesDeps, who: Principal, record_type: RecordType, record_id: uuid.UUID, body: str) -> uuid.UUID:
    return AddComment(deps)(who, AddCommentCommand(record_type, record_id, body)).id


def test_a_comment_tells_owner_creator_staff_and_earlier_commenters_not_the_actor(
    container: Container, deps: SalesDeps, people: Directory
) -> None:
    p, engine = people.principals, container.engine()
    activity = insert_record(engine, people.tenant_id, ACTIVITY, name="A社訪問", owner=people.id("oscar"),
                             creator=people.id("olga"), staff=[people.id("sam"), people.id("alice")])
    _comment(deps, p["gina"], ACTIVITY, activity, "同行します")
    body = "見積の件\n確認しました。来週の訪問で提案書と価格表を持参します。よろしくお願いします"
    _comment(deps, p["alice"], ACTIVITY, activity, body)

    told = notified(engine, activity)
    comment = EventKind.COMMENT_ADDED.value
    assert told == {
        people.id("oscar"): [comment, comment], people.id("olga"): [comment, comment],
        people.id("sam"): [comment, comment], people.id("alice"): [comment],  # not of her own comment
        people.id("gina"): [comment],  # an earlier commenter, not of her own comment
    }
    item = ListNotifications(deps)(p["oscar"], unread_only=False, request=PageRequest()).items[0]
    head, excerpt = item.summary.split(": ", 1)
    assert head == "有田 さんが「A社訪問」にコメントしました"
    # one line, cut to 40 characters
    assert excerpt == "見積の件 確認しました。来週の訪問で提案書と価格表を持参します。よろしくお願い…"
    assert len(excerpt) == 40
    assert (item.record_type, item.record_id, item.actor_id, item.actor_name) == (
        ACTIVITY, activity, people.id("alice"), "有田")
    assert (item.kind, item.read_at) == (EventKind.COMMENT_ADDED, None)


def test_nobody_who_cannot_see_the_record_now_is_told(
    container: Container, deps: SalesDeps, people: Directory
) -> None:
    """The activity inherits its restricted opportunity (listed: 第1課). Olga is staff of the activity
    but not of the opportunity; frank commented while he was in 第1課 and has left it since."""
    p, engine, t = people.principals, container.engine(), people.tenant_id
    deal = insert_record(engine, t, OPPORTUNITY, owner=people.id("oscar"), staff=[people.id("sam")],
                         restriction=Restriction(organizations=frozenset({people.orgs["TEAM1"]})))
    activity = insert_record(engine, t, ACTIVITY, owner=people.id("oscar"), opportunity_id=deal,
                             staff=[people.id("sam"), people.id("olga")])
    with engine.begin() as conn:
        conn.execute(comments.insert().values(
            tenant_id=t, id=uuid.uuid4(), record_type="activity", record_id=activity, body="昔のコメント",
            created_by=people.id("frank"), created_at=datetime(2019, 6, 1, tzinfo=UTC),
        ))
    _comment(deps, p["luke"], ACTIVITY, activity, "第1課から")  # a light user, seeing it through 第1課
    assert set(notified(engine, activity)) == {people.id("oscar"), people.id("sam")}

    with container.uow()(t) as uow:
        deps.notifier.notify(uow, RecordEvent(
            kind=EventKind.RECORD_CHANGED, record_type=OPPORTUNITY, record_id=deal, actor_id=people.id("oscar"),
            summary="ステージを変更", extra_recipients=frozenset(
                {people.id("gina"), people.id("alice"), people.id("luke"), people.id("frank")}),
        ))
        uow.commit()
    told = notified(engine, deal)
    assert set(told) == {people.id("sam"), people.id("luke")}  # owner is the actor; gina, alice, frank cannot see


def test_a_notification_disappears_when_its_record_is_hidden(
    container: Container, deps: SalesDeps, people: Directory
) -> None:
    p, engine, t = people.principals, container.engine(), people.tenant_id
    account = insert_record(engine, t, ACCOUNT, owner=people.id("oscar"))
    _comment(deps, p["sam"], ACCOUNT, account, "最初のコメント")
    _comment(deps, p["alice"], ACCOUNT, account, "続き")
    sam = p["sam"]
    mine = ListNotifications(deps)(sam, unread_only=True, request=PageRequest()).items
    assert [n.record_id for n in mine] == [account]
    assert CountUnreadNotifications(deps)(sam) == 1

    restrict(engine, t, ACCOUNT, account, Restriction(users=frozenset({people.id("alice")})))
    assert ListNotifications(deps)(sam, unread_only=False, request=PageRequest()).items == []
    assert CountUnreadNotifications(deps)(sam) == 0
    with pytest.raises(NotFound):
        MarkNotificationRead(deps)(sam, mine[0].id)
    assert CountUnreadNotifications(deps)(p["oscar"]) == 2  # the owner still sees it

    restrict(engine, t, ACCOUNT, account, Restriction(organizations=frozenset({people.orgs["SALES"]})))
    assert CountUnreadNotifications(deps)(sam) == 1  # listed again through 営業本部


def test_unread_count_mark_read_and_read_all_only_for_my_own(
    container: Container, deps: SalesDeps, people: Directory
) -> None:
    p, engine, t = people.principals, container.engine(), people.tenant_id
    clock = FakeClock()
    fixed = SalesDeps(uow=deps.uow, clock=clock, ids=deps.ids, audit=deps.audit,
                      notifier=NotifyInterestedUsers(clock, deps.ids), files=deps.files)
    records = [insert_record(engine, t, ACTIVITY, name=f"活動{i}", owner=people.id("oscar")) for i in range(3)]
    first_comment = _comment(fixed, p["alice"], ACTIVITY, records[0], "コメント")
    for record in records[1:]:
        clock.advance(minutes=1)
        _comment(fixed, p["alice"], ACTIVITY, record, "コメント")
    clock.advance(minutes=1)
    LikeIt(fixed)(p["sam"], LikeTarget(RecordType.COMMENT, first_comment))
    oscar = p["oscar"]
    assert CountUnreadNotifications(fixed)(oscar) == 4
    page = ListNotifications(fixed)(oscar, unread_only=False, request=PageRequest(limit=3))
    assert [n.record_id for n in page.items] == [records[0], records[2], records[1]]  # newest first
    assert page.items[0].kind is EventKind.LIKE_ADDED
    rest = ListNotifications(fixed)(oscar, unread_only=False, request=PageRequest(limit=3, cursor=page.next_cursor))
    assert [n.record_id for n in rest.items] == [records[0]]

    newest = page.items[0]
    with pytest.raises(NotFound):  # somebody else's notification
        MarkNotificationRead(fixed)(p["alice"], newest.id)
    with pytest.raises(NotFound):
        MarkNotificationRead(fixed)(oscar, uuid.uuid4())
    read = MarkNotificationRead(fixed)(oscar, newest.id)
    assert read.read_at == clock.now()
    clock.advance(minutes=5)
    assert MarkNotificationRead(fixed)(oscar, newest.id).read_at == read.read_at  # the first reading stays
    assert CountUnreadNotifications(fixed)(oscar) == 3
    unread = ListNotifications(fixed)(oscar, unread_only=True, request=PageRequest())
    assert newest.id not in {n.id for n in unread.items}
    assert len(unread.items) == 3

    assert MarkAllNotificationsRead(fixed)(oscar) == 3
    assert CountUnreadNotifications(fixed)(oscar) == 0
    assert MarkAllNotificationsRead(fixed)(oscar) == 0
    assert CountUnreadNotifications(fixed)(p["alice"]) == 1  # hers stay unread: sam liked her comment
    assert CountUnreadNotifications(fixed)(p["sam"]) == 0


def test_an_event_on_a_comment_is_news_of_its_record(container: Container, deps: SalesDeps, people: Directory) -> None:
    p, engine, t = people.principals, container.engine(), people.tenant_id
    account = insert_record(engine, t, ACCOUNT, owner=people.id("oscar"))
    _comment(deps, p["olga"], ACCOUNT, account, "コメント")
    with engine.connect() as conn:
        comment_id = conn.execute(sa.select(comments.c.id).where(comments.c.record_id == account)).scalar_one()
    with container.uow()(t) as uow:
        deps.notifier.notify(uow, RecordEvent(kind=EventKind.LIKE_ADDED, record_type=RecordType.COMMENT,
                                              record_id=comment_id, actor_id=people.id("sam")))
        deps.notifier.notify(uow, RecordEvent(kind=EventKind.LIKE_ADDED, record_type=RecordType.COMMENT,
                                              record_id=uuid.uuid4(), actor_id=people.id("sam")))
        deps.notifier.notify(uow, RecordEvent(kind=EventKind.LIKE_ADDED, record_type=ACCOUNT,
                                              record_id=uuid.uuid4(), actor_id=people.id("sam")))
        uow.commit()
    told = notified(engine, account)
    assert told[people.id("olga")] == [EventKind.LIKE_ADDED.value]
    assert told[people.id("oscar")] == [EventKind.COMMENT_ADDED.value, EventKind.LIKE_ADDED.value]
    assert UserId(people.id("sam")) not in told


def test_inactive_users_are_not_told(
    container: Container, deps: SalesDeps, people: Directory, admin: Principal
) -> None:
    engine = container.engine()
    account = insert_record(engine, people.tenant_id, ACCOUNT, owner=people.id("oscar"), staff=[people.id("sam")])
    container.deactivate_user()(admin, "sam")
    _comment(deps, people.principals["alice"], ACCOUNT, account, "コメント")
    assert set(notified(engine, account)) == {people.id("oscar")}
