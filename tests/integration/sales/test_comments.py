"""Comments on records through the use cases, on SQLite and PostgreSQL: add, list, reply, edit and
delete one's own; light users only on activities; invisible records are not found (R6)."""

from __future__ import annotations

import uuid

import pytest

from dps.application.sales.collaboration.comments import (
    AddComment,
    AddCommentCommand,
    DeleteComment,
    EditComment,
    EditCommentCommand,
    ListComments,
)
from dps.application.sales.deps import SalesDeps
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.comments import MAX_BODY_LENGTH
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.domain.visibility.records import Restriction
from tests.integration.sales.test_comments_support import Directory, build_directory, insert_record

ACCOUNT, ACTIVITY, OPPORTUNITY = RecordType.ACCOUNT, RecordType.ACTIVITY, RecordType.OPPORTUNITY


@pytest.fixture
def people(container: Container, admin: Principal) -> Directory:
    return build_directory(container, admin)


@pytest.fixture
def deps(container: Container) -> SalesDeps:
    return container.sales_deps()


def _add(deps: SalesDeps, who: Principal, record_type: RecordType, record_id: uuid.UUID, body: str,
         reply_to: uuid.UUID | None = None) -> uuid.UUID:
    return AddComment(deps)(who, AddCommentCommand(record_type, record_id, body, reply_to)).id


def test_comments_list_oldest_first_with_author_likes_and_pages(
    container: Container, deps: SalesDeps, people: Directory
) -> None:
    p = people.principals
    account = insert_record(container.engine(), people.tenant_id, ACCOUNT, owner=people.id("oscar"))
    first = AddComment(deps)(p["alice"], AddCommentCommand(ACCOUNT, account, "  見積の件、確認しました  "))
    assert first.body == "見積の件、確認しました"  # trimmed
    assert (first.author_id, first.author_name, first.version) == (people.id("alice"), "有田", 1)
    assert (first.like_count, first.liked_by_me) == (0, False)
    second = _add(deps, p["sam"], ACCOUNT, account, "ありがとうございます", reply_to=first.id)
    third = _add(deps, p["oscar"], ACCOUNT, account, "来週訪問します")
    other_record = insert_record(container.engine(), people.tenant_id, ACCOUNT)
    _add(deps, p["alice"], ACCOUNT, other_record, "別の取引先")

    page1 = ListComments(deps)(p["olga"], ACCOUNT, account, PageRequest(limit=2))
    assert [c.id for c in page1.items] == [first.id, second]
    assert page1.items[1].reply_to_id == first.id
    assert page1.next_cursor is not None
    page2 = ListComments(deps)(p["olga"], ACCOUNT, account, PageRequest(limit=2, cursor=page1.next_cursor))
    assert [c.id for c in page2.items] == [third]
    assert page2.next_cursor is None
    newest_first = ListComments(deps)(p["olga"], ACCOUNT, account, PageRequest(sort="-created_at"))
    assert [c.id for c in newest_first.items] == [third, second, first.id]


def test_body_is_required_and_bounded_and_a_reply_stays_on_its_record(
    container: Container, deps: SalesDeps, people: Directory
) -> None:
    alice = people.principals["alice"]
    engine = container.engine()
    account = insert_record(engine, people.tenant_id, ACCOUNT)
    elsewhere = insert_record(engine, people.tenant_id, ACCOUNT)
    foreign = _add(deps, alice, ACCOUNT, elsewhere, "あちら")
    with pytest.raises(Invalid) as empty:
        _add(deps, alice, ACCOUNT, account, "   ")
    assert "body" in empty.value.errors
    with pytest.raises(Invalid) as long:
        _add(deps, alice, ACCOUNT, account, "あ" * (MAX_BODY_LENGTH + 1))
    assert "body" in long.value.errors
    assert _add(deps, alice, ACCOUNT, account, "あ" * MAX_BODY_LENGTH)
    with pytest.raises(Invalid) as wrong_reply:
        _add(deps, alice, ACCOUNT, account, "返信", reply_to=foreign)
    assert "reply_to_id" in wrong_reply.value.errors
    with pytest.raises(Invalid) as missing_reply:
        _add(deps, alice, ACCOUNT, account, "返信", reply_to=uuid.uuid4())
    assert "reply_to_id" in missing_reply.value.errors
    with pytest.raises(Invalid):
        _add(deps, alice, RecordType.BUDGET, account, "予算にはコメントできない")
    assert len(ListComments(deps)(alice, ACCOUNT, account, PageRequest()).items) == 1


def test_light_user_comments_on_activities_only(container: Container, deps: SalesDeps, people: Directory) -> None:
    luke = people.principals["luke"]
    engine = container.engine()
    activity = insert_record(engine, people.tenant_id, ACTIVITY, owner=people.id("oscar"))
    account = insert_record(engine, people.tenant_id, ACCOUNT, owner=people.id("oscar"))
    assert _add(deps, luke, ACTIVITY, activity, "お疲れさまです")
    with pytest.raises(Forbidden):
        _add(deps, luke, ACCOUNT, account, "取引先へのコメント")
    assert ListComments(deps)(luke, ACCOUNT, account, PageRequest()).items == []  # reading is fine


def test_an_invisible_or_missing_record_is_not_found(container: Container, deps: SalesDeps, people: Directory) -> None:
    p = people.principals
    engine = container.engine()
    secret = insert_record(engine, people.tenant_id, OPPORTUNITY, owner=people.id("oscar"),
                           restriction=Restriction(users=frozenset({people.id("sam")})))
    activity = insert_record(engine, people.tenant_id, ACTIVITY, owner=people.id("alice"), opportunity_id=secret)
    for outsider in (p["olga"], p["luke"]):
        with pytest.raises(NotFound):
            ListComments(deps)(outsider, OPPORTUNITY, secret, PageRequest())
        with pytest.raises(NotFound):
            _add(deps, outsider, OPPORTUNITY, secret, "見えないはず")
        with pytest.raises(NotFound):  # R6: the activity inherits its opportunity's restriction
            _add(deps, outsider, ACTIVITY, activity, "見えないはず")
    with pytest.raises(NotFound):
        ListComments(deps)(p["alice"], ACCOUNT, uuid.uuid4(), PageRequest())
    assert _add(deps, p["sam"], OPPORTUNITY, secret, "見えます")
    assert _add(deps, p["oscar"], ACTIVITY, activity, "見えます")


def test_edit_own_comment_with_version(container: Container, deps: SalesDeps, people: Directory) -> None:
    p = people.principals
    account = insert_record(container.engine(), people.tenant_id, ACCOUNT)
    comment = _add(deps, p["alice"], ACCOUNT, account, "初版")
    edited = EditComment(deps)(p["alice"], EditCommentCommand(comment, "第二版", expected_version=1))
    assert (edited.body, edited.version) == ("第二版", 2)
    assert edited.updated_at is not None
    with pytest.raises(Conflict) as stale:
        EditComment(deps)(p["alice"], EditCommentCommand(comment, "古い版から", expected_version=1))
    assert stale.value.current_version == 2
    with pytest.raises(Forbidden):
        EditComment(deps)(p["sam"], EditCommentCommand(comment, "他人の書き換え", expected_version=2))
    with pytest.raises(Invalid):
        EditComment(deps)(p["alice"], EditCommentCommand(comment, "", expected_version=2))
    with pytest.raises(NotFound):
        EditComment(deps)(p["alice"], EditCommentCommand(uuid.uuid4(), "なし", expected_version=1))
    assert ListComments(deps)(p["olga"], ACCOUNT, account, PageRequest()).items[0].body == "第二版"


def test_delete_own_or_as_admin_keeps_replies(
    container: Container, deps: SalesDeps, people: Directory, admin: Principal
) -> None:
    p = people.principals
    account = insert_record(container.engine(), people.tenant_id, ACCOUNT)
    question = _add(deps, p["alice"], ACCOUNT, account, "質問です")
    answer = _add(deps, p["sam"], ACCOUNT, account, "回答です", reply_to=question)
    with pytest.raises(Forbidden):
        DeleteComment(deps)(p["sam"], question)
    DeleteComment(deps)(p["alice"], question)
    remaining = ListComments(deps)(p["olga"], ACCOUNT, account, PageRequest()).items
    assert [(c.id, c.reply_to_id) for c in remaining] == [(answer, None)]
    DeleteComment(deps)(admin, answer)  # administrators moderate
    assert ListComments(deps)(p["olga"], ACCOUNT, account, PageRequest()).items == []
    with pytest.raises(NotFound):
        DeleteComment(deps)(p["alice"], question)


def test_comments_of_a_restricted_record_are_not_found_for_outsiders(
    container: Container, deps: SalesDeps, people: Directory
) -> None:
    p = people.principals
    secret = insert_record(container.engine(), people.tenant_id, ACCOUNT, owner=people.id("alice"),
                           restriction=Restriction())
    comment = _add(deps, p["alice"], ACCOUNT, secret, "内緒")
    with pytest.raises(NotFound):
        EditComment(deps)(p["olga"], EditCommentCommand(comment, "x", expected_version=1))
    with pytest.raises(NotFound):
        DeleteComment(deps)(p["olga"], comment)
