"""Likes (ライク！) through the use cases, on SQLite and PostgreSQL: idempotent put/remove of my like on
a record or a comment, who liked, light users on activities only, invisible targets not found."""

from __future__ import annotations

import uuid

import pytest

from dps.application.sales.collaboration.comments import AddComment, AddCommentCommand, ListComments
from dps.application.sales.collaboration.likes import LikeIt, ListLikes, UnlikeIt
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Forbidden, NotFound
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.events import EventKind
from dps.domain.sales.likes import LikeTarget
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.domain.visibility.records import Restriction
from tests.integration.sales.test_comments_support import Directory, build_directory, insert_record, notified

ACCOUNT, ACTIVITY, COMMENT = RecordType.ACCOUNT, RecordType.ACTIVITY, RecordType.COMMENT


@pytest.fixture
def people(container: Container, admin: Principal) -> Directory:
    return build_directory(container, admin)


@pytest.fixture
def deps(container: Container) -> SalesDeps:
    return container.sales_deps()


def test_my_like_is_idempotent_and_notifies_once(container: Container, deps: SalesDeps, people: Directory) -> None:
    p = people.principals
    engine = container.engine()
    activity = insert_record(engine, people.tenant_id, ACTIVITY, owner=people.id("oscar"))
    target = LikeTarget(ACTIVITY, activity)
    assert LikeIt(deps)(p["alice"], target) == LikeIt(deps)(p["alice"], target)
    state = LikeIt(deps)(p["sam"], target)
    assert (state.count, state.liked_by_me) == (2, True)
    assert notified(engine, activity) == {people.id("oscar"): [EventKind.LIKE_ADDED.value] * 2}

    summary = ListLikes(deps)(p["olga"], target, PageRequest())
    assert (summary.count, summary.liked_by_me) == (2, False)
    assert [(x.user_id, x.name) for x in summary.items] == [(people.id("alice"), "有田"), (people.id("sam"), "佐藤")]
    first = ListLikes(deps)(p["olga"], target, PageRequest(limit=1))
    assert [x.name for x in first.items] == ["有田"]
    rest = ListLikes(deps)(p["olga"], target, PageRequest(limit=1, cursor=first.next_cursor))
    assert [x.name for x in rest.items] == ["佐藤"]

    after = UnlikeIt(deps)(p["alice"], target)
    assert (after.count, after.liked_by_me) == (1, False)
    assert UnlikeIt(deps)(p["alice"], target) == after  # removing twice is fine
    LikeIt(deps)(p["alice"], target)  # liking again notifies again
    assert len(notified(engine, activity)[people.id("oscar")]) == 3


def test_like_a_comment_tells_its_author(container: Container, deps: SalesDeps, people: Directory) -> None:
    p = people.principals
    engine = container.engine()
    account = insert_record(engine, people.tenant_id, ACCOUNT, owner=people.id("oscar"))
    comment = AddComment(deps)(p["olga"], AddCommentCommand(ACCOUNT, account, "提案書を共有します")).id
    state = LikeIt(deps)(p["sam"], LikeTarget(COMMENT, comment))
    assert (state.count, state.liked_by_me) == (1, True)
    listed = ListComments(deps)(p["sam"], ACCOUNT, account, PageRequest()).items[0]
    assert (listed.like_count, listed.liked_by_me) == (1, True)
    assert ListComments(deps)(p["alice"], ACCOUNT, account, PageRequest()).items[0].liked_by_me is False
    kinds = notified(engine, account)
    assert kinds[people.id("olga")] == [EventKind.LIKE_ADDED.value]  # the comment's author
    assert kinds[people.id("oscar")] == [EventKind.COMMENT_ADDED.value, EventKind.LIKE_ADDED.value]
    assert people.id("sam") not in kinds
    likers = ListLikes(deps)(p["alice"], LikeTarget(COMMENT, comment), PageRequest())
    assert [x.user_id for x in likers.items] == [people.id("sam")]
    with pytest.raises(NotFound):
        LikeIt(deps)(p["sam"], LikeTarget(COMMENT, uuid.uuid4()))


def test_light_user_likes_activities_only(container: Container, deps: SalesDeps, people: Directory) -> None:
    luke = people.principals["luke"]
    engine = container.engine()
    activity = insert_record(engine, people.tenant_id, ACTIVITY)
    account = insert_record(engine, people.tenant_id, ACCOUNT)
    assert LikeIt(deps)(luke, LikeTarget(ACTIVITY, activity)).liked_by_me
    with pytest.raises(Forbidden):
        LikeIt(deps)(luke, LikeTarget(ACCOUNT, account))
    account_comment = AddComment(deps)(people.principals["alice"], AddCommentCommand(ACCOUNT, account, "x")).id
    with pytest.raises(Forbidden):  # a comment on an account counts as the account
        LikeIt(deps)(luke, LikeTarget(COMMENT, account_comment))
    activity_comment = AddComment(deps)(luke, AddCommentCommand(ACTIVITY, activity, "y")).id
    assert LikeIt(deps)(luke, LikeTarget(COMMENT, activity_comment)).count == 1
    assert ListLikes(deps)(luke, LikeTarget(ACCOUNT, account), PageRequest()).count == 0  # reading is fine


def test_likes_of_an_invisible_record_are_not_found(container: Container, deps: SalesDeps, people: Directory) -> None:
    p = people.principals
    secret = insert_record(container.engine(), people.tenant_id, ACCOUNT, owner=people.id("alice"),
                           restriction=Restriction())
    comment = AddComment(deps)(p["alice"], AddCommentCommand(ACCOUNT, secret, "内緒")).id
    for target in (LikeTarget(ACCOUNT, secret), LikeTarget(COMMENT, comment)):
        with pytest.raises(NotFound):
            LikeIt(deps)(p["olga"], target)
        with pytest.raises(NotFound):
            UnlikeIt(deps)(p["olga"], target)
        with pytest.raises(NotFound):
            ListLikes(deps)(p["olga"], target, PageRequest())
