"""Opportunities through the use cases and the SQL store, on SQLite and PostgreSQL: register with
lines and competitors, view, change at a version, copy without history, delete, search with the
visibility rules and 自担当, and progress recorded by an activity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.collaboration import attachments, comments, likes, notifications
from dps.adapters.db.tables.sales_activities import activities
from dps.adapters.db.tables.sales_opportunities import opportunities, opportunity_competitors, opportunity_lines
from dps.adapters.db.visibility import mine, visible_to
from dps.application.catalog.custom_fields import DefineCustomField, DefineCustomFieldCommand
from dps.application.sales.access import viewer_in
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.opportunities.commands import (
    CompetitorInput,
    OpportunityChanges,
    UpdateOpportunityCommand,
)
from dps.application.sales.opportunities.manage import (
    CopyOpportunity,
    DeleteOpportunity,
    UpdateOpportunity,
)
from dps.application.sales.opportunities.queries import (
    GetOpportunity,
    ListRelatedOpportunities,
    SearchOpportunities,
)
from dps.application.sales.opportunities.read_models import OpportunitySearch
from dps.application.sales.opportunities.rules import code_list
from dps.application.sales.products.manage import CreateProduct, CreateProductCommand, DeactivateProduct
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.opportunities import CERTAINTY_LIST, STAGE_LIST
from dps.domain.sales.records import RecordType, Relation, StaffMember
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.test_opportunities_support import Sales, build_sales, line


@pytest.fixture
def s(container: Container, engine: sa.Engine, tenant: Tenant, admin: Principal) -> Sales:
    return build_sales(container, engine, tenant, admin)


def _search(s: Sales, who: str, page: PageRequest | None = None, **criteria: Any) -> list[str]:
    found = SearchOpportunities(s.deps)(s.principal(who), OpportunitySearch(**criteria), page or PageRequest())
    return [i.name for i in found.items]


def _update(s: Sales, who: str, opportunity_id: Any, version: int, **changes: Any) -> Any:
    return UpdateOpportunity(s.deps)(s.principal(who), UpdateOpportunityCommand(
        opportunity_id=opportunity_id, expected_version=version, changes=OpportunityChanges(**changes)))


def test_register_view_and_change_with_lines_and_competitors(s: Sales) -> None:
    account = s.account("東京商事", kana="トウキョウショウジ")
    rival = s.account("競合システムズ")
    person = s.person(account, "山田")
    created = s.opportunity(
        "alice", "  基幹システム更改  ", account, stage="20", certainty_code="B",
        expected_order_date=date(2026, 9, 30),
        lines=(line("2", "1,500,000", discount="100000", product_name="ライセンス"),
               line(Decimal("1.5"), 800000, product_name="導入支援", notes="人月")),
        competitors=(CompetitorInput(name="", competitor_account_id=rival, price="2,800,000", result="won"),
                     CompetitorInput(name="B社", strengths="価格")),
        parts=RecordParts(staff=(StaffMember(user_id=s.users["carol"], is_main=True),),
                          relations=(Relation(person_id=person, role_code="decision_maker"),)),
    )
    view = GetOpportunity(s.deps)(s.principal("dave"), created.id)
    o = view.opportunity

    assert view.account_name == "東京商事"
    assert (o.name, o.stage_code, o.certainty_code, o.is_open, o.version) == ("基幹システム更改", "20", "B", True, 1)
    assert [(x.line_no, x.product_name, x.amount) for x in o.lines] == [
        (1, "ライセンス", Decimal("2900000.00")), (2, "導入支援", Decimal("1200000.00"))]
    assert o.expected_amount == Decimal("4100000.00")  # defaults to the lines' total
    assert [(c.name, c.price, c.result.value) for c in o.competitors] == [
        ("競合システムズ", Decimal("2800000.00"), "won"), ("B社", None, "")]
    assert (o.owner_id, o.owner_organization_id) == (s.users["alice"], s.orgs["sales"])
    assert o.staff == (StaffMember(user_id=s.users["carol"], is_main=True),)
    assert o.relations == (Relation(person_id=person, role_code="decision_maker"),)
    assert (o.created_by, o.updated_by) == (s.users["alice"], s.users["alice"])

    changed = _update(s, "carol", o.id, 1, name="基幹システム更改（第2期）",
                      lines=(line(3, 1000, product_name="保守"),), competitors=())
    again = GetOpportunity(s.deps)(s.principal("alice"), o.id).opportunity
    assert (changed.version, again.version, again.name) == (2, 2, "基幹システム更改（第2期）")
    assert [x.amount for x in again.lines] == [Decimal("3000.00")]
    assert again.expected_amount == Decimal("3000.00")  # lines replaced without an amount: recomputed
    assert again.competitors == ()
    assert s.count(opportunity_lines, o.id, "opportunity_id") == 1
    assert again.updated_by == s.users["carol"]
    # the owner hears of the change (carol, the actor, does not)
    with s.engine.connect() as conn:
        told = {r.user_id for r in conn.execute(sa.select(notifications.c.user_id).where(
            notifications.c.record_id == o.id))}
    assert told == {s.users["alice"]}


def test_bad_input_names_the_field_and_changes_nothing(s: Sales) -> None:
    account = s.account("東京商事")
    bad: list[tuple[dict[str, Any], str]] = [
        ({"expected_amount": "たくさん"}, "expected_amount"),
        ({"lines": (line("x", 100, product_name="a"),)}, "lines[0].quantity"),
        ({"lines": (line(1, 100, product_name="a"), line(1, 100, product_name="b", discount="200"))},
         "lines[1].discount"),
        ({"lines": (line(1, None, product_name="a"),)}, "lines[0].unit_price"),
        ({"competitors": (CompetitorInput(name=""),)}, "competitors[0].name"),
        ({"certainty_code": "Z"}, "certainty_code"),
        ({"campaign_id": account}, "campaign_id"),
    ]
    for details, field in bad:
        with pytest.raises(Invalid) as e:
            s.opportunity("alice", "案件", account, **details)
        assert field in e.value.errors, (details, e.value.errors)
    with pytest.raises(Invalid) as e:
        s.opportunity("alice", "案件", account, stage="99")
    assert "stage_code" in e.value.errors
    with pytest.raises(Invalid) as e:
        s.opportunity("alice", "案件", account, stage="90")  # won without any amount
    assert "order_amount" in e.value.errors
    with pytest.raises(Invalid) as e:
        s.opportunity("alice", "  ", account)
    assert "name" in e.value.errors
    assert _search(s, "alice") == []


def test_the_account_must_be_visible_and_the_campaign_must_exist(s: Sales) -> None:
    hidden = s.account("秘密商事", owner="dave", restriction=Restriction())
    with pytest.raises(Invalid) as e:
        s.opportunity("alice", "案件", hidden)
    assert "account_id" in e.value.errors
    campaign = s.campaign("春の展示会")
    o = s.opportunity("dave", "案件", hidden, campaign_id=campaign)
    assert o.campaign_id == campaign


def test_stale_version_is_a_conflict_with_the_current_version(s: Sales) -> None:
    o = s.opportunity("alice", "案件", s.account("東京商事"))
    _update(s, "alice", o.id, 1, description="初回訪問")
    with pytest.raises(Conflict) as e:
        _update(s, "carol", o.id, 1, description="上書き")
    assert e.value.current_version == 2
    assert GetOpportunity(s.deps)(s.principal("alice"), o.id).opportunity.description == "初回訪問"


def test_winning_and_losing_follow_the_rules(s: Sales) -> None:
    o = s.opportunity("alice", "案件", s.account("東京商事"), expected_amount="1,000,000")
    won = _update(s, "alice", o.id, 1, stage_code="90")
    assert (won.is_open, won.order_amount, won.ordered_on is not None) == (False, Decimal("1000000.00"), True)
    assert _search(s, "alice", is_open=False) == ["案件"]
    with pytest.raises(Invalid) as e:
        _update(s, "alice", o.id, 2, stage_code="91")
    assert "lost_reason" in e.value.errors
    lost = _update(s, "alice", o.id, 2, stage_code="91", lost_reason="価格で競合に負けた")
    assert (lost.is_open, lost.is_lost) == (False, True)
    reopened = _update(s, "alice", o.id, 3, stage_code="40")
    assert reopened.is_open
    assert _search(s, "alice", is_open=True) == ["案件"]


def test_copy_has_the_content_but_no_comments_likes_or_attachments(s: Sales) -> None:
    account = s.account("東京商事")
    source = s.opportunity(
        "alice", "保守契約", account, certainty_code="A", lines=(line(1, 5000, product_name="保守"),),
        competitors=(CompetitorInput(name="C社"),),
        parts=RecordParts(staff=(StaffMember(user_id=s.users["carol"]),),
                          restriction=Restriction(users=frozenset({s.users["carol"]}))),
    )
    s.comment(source.id, "見積を送付しました", by="carol")
    s.like(source.id, by="carol")
    s.attachment(source.id)

    copy = CopyOpportunity(s.deps)(s.principal("carol"), source.id)
    stored = GetOpportunity(s.deps)(s.principal("carol"), copy.id).opportunity

    assert stored.id != source.id
    assert stored.version == 1
    assert (stored.name, stored.account_id, stored.certainty_code) == ("保守契約", account, "A")
    assert [(x.product_name, x.amount) for x in stored.lines] == [("保守", Decimal("5000.00"))]
    assert [c.name for c in stored.competitors] == ["C社"]
    assert stored.staff == source.staff
    assert stored.restriction == source.restriction
    assert (stored.owner_id, stored.created_by) == (s.users["carol"], s.users["carol"])
    for table in (comments, likes, attachments):
        assert s.count(table, copy.id) == 0
        assert s.count(table, source.id) == 1
    # the copy is restricted like the original: dave sees neither
    assert _search(s, "dave") == []


def test_a_restricted_opportunity_is_invisible_to_outsiders(s: Sales) -> None:
    account = s.account("東京商事")
    secret = s.opportunity("alice", "極秘案件", account,
                           parts=RecordParts(restriction=Restriction(organizations=frozenset({s.orgs["sales"]}))))
    s.opportunity("alice", "公開案件", account)

    assert sorted(_search(s, "alice")) == ["公開案件", "極秘案件"]
    assert sorted(_search(s, "carol")) == ["公開案件", "極秘案件"]  # 営業一課 lies under the listed 営業部
    assert _search(s, "dave") == ["公開案件"]
    for use_case in (GetOpportunity(s.deps), CopyOpportunity(s.deps)):
        with pytest.raises(NotFound):
            use_case(s.principal("dave"), secret.id)
    with pytest.raises(NotFound):
        _update(s, "dave", secret.id, 1, name="のぞき見")
    with pytest.raises(NotFound):
        DeleteOpportunity(s.deps)(s.principal("dave"), secret.id)


def test_mine_is_my_records_and_my_organisations_records(s: Sales) -> None:
    account = s.account("東京商事")
    s.opportunity("carol", "一課の案件", account)
    s.opportunity("dave", "開発部の案件", account)
    staffed = s.opportunity("dave", "支援案件", account,
                            parts=RecordParts(staff=(StaffMember(user_id=s.users["carol"]),)))

    assert sorted(_search(s, "alice", mine=True)) == ["一課の案件"]  # 営業一課 is under 営業部
    assert sorted(_search(s, "carol", mine=True)) == ["一課の案件", "支援案件"]
    assert sorted(_search(s, "dave", mine=True)) == ["支援案件", "開発部の案件"]
    assert _search(s, "dave", staff_id=s.users["carol"]) == ["支援案件"]
    assert sorted(_search(s, "alice", owner_id=s.users["dave"])) == ["支援案件", "開発部の案件"]
    assert staffed.staff[0].user_id == s.users["carol"]
    for login in ("alice", "carol", "dave", "lucy"):  # the store's 自担当 is the shared rule's
        assert sorted(_search(s, login, mine=True)) == _shared_mine(s, login)


def _shared_mine(s: Sales, login: str) -> list[str]:
    principal = s.principal(login)
    with s.deps.uow(s.tenant.id) as uow:
        viewer = viewer_in(uow, principal, s.deps.clock)
    o = opportunities
    query = sa.select(o.c.name).where(o.c.tenant_id == s.tenant.id, visible_to(o, "opportunity", viewer),
                                      mine(o, "opportunity", viewer))
    with s.engine.connect() as conn:
        return sorted(r.name for r in conn.execute(query))


def test_search_filters_sorts_and_pages(s: Sales) -> None:
    tokyo = s.account("東京商事", kana="トウキョウショウジ")
    osaka = s.account("大阪物産")
    campaign = s.campaign("展示会")
    s.opportunity("alice", "サーバ更改", tokyo, stage="20", certainty_code="A", expected_amount=300,
                  expected_order_date=date(2026, 6, 1), campaign_id=campaign)
    s.opportunity("alice", "保守更新", tokyo, stage="30", certainty_code="B", expected_amount=100,
                  expected_order_date=date(2026, 8, 1))
    s.opportunity("alice", "新規導入", osaka, stage="40", certainty_code="C", expected_amount=200,
                  expected_order_date=date(2026, 5, 1))
    s.opportunity("alice", "ＰＣ入替", osaka, stage="92")

    assert _search(s, "alice") == ["保守更新", "サーバ更改", "新規導入", "ＰＣ入替"]  # -expected_order_date, nulls last
    by_amount = _search(s, "alice", PageRequest(sort="expected_amount"))
    assert by_amount == ["保守更新", "新規導入", "サーバ更改", "ＰＣ入替"]
    assert _search(s, "alice", stage_codes=("20", "40")) == ["サーバ更改", "新規導入"]
    assert _search(s, "alice", certainty_codes=("A", "B")) == ["保守更新", "サーバ更改"]
    assert _search(s, "alice", is_open=True) == ["保守更新", "サーバ更改", "新規導入"]
    assert _search(s, "alice", expected_amount_min=Decimal(150), expected_amount_max=Decimal(300)) == [
        "サーバ更改", "新規導入"]
    assert _search(s, "alice", expected_order_date_from=date(2026, 7, 1)) == ["保守更新"]
    assert _search(s, "alice", expected_order_date_to=date(2026, 7, 1)) == ["サーバ更改", "新規導入"]
    assert _search(s, "alice", account_id=osaka) == ["新規導入", "ＰＣ入替"]
    assert _search(s, "alice", campaign_id=campaign) == ["サーバ更改"]
    assert _search(s, "alice", q="さーば") == ["サーバ更改"]  # kana folded
    assert _search(s, "alice", q="pc") == ["ＰＣ入替"]  # full-width folded
    assert _search(s, "alice", q="とうきょう") == ["保守更新", "サーバ更改"]  # the account's kana
    assert _search(s, "alice", custom_fields={"rank": "A"}) == []

    seen: list[str] = []
    page = PageRequest(limit=1)
    while True:
        found = SearchOpportunities(s.deps)(s.principal("dave"), OpportunitySearch(), page)
        seen += [i.name for i in found.items]
        if found.next_cursor is None:
            break
        page = PageRequest(limit=1, cursor=found.next_cursor)
    assert seen == ["保守更新", "サーバ更改", "新規導入", "ＰＣ入替"]
    item = SearchOpportunities(s.deps)(s.principal("dave"), OpportunitySearch(q="サーバ"), PageRequest()).items[0]
    assert (item.account_name, item.stage_code, item.expected_amount, item.is_open) == (
        "東京商事", "20", Decimal("300.00"), True)


def test_hidden_account_names_stay_hidden_in_lists(s: Sales) -> None:
    hidden = s.account("秘密商事", kana="ヒミツ", owner="dave", restriction=Restriction())
    s.opportunity("dave", "公開の案件", hidden)
    items = SearchOpportunities(s.deps)(s.principal("alice"), OpportunitySearch(), PageRequest()).items
    assert [(i.name, i.account_name) for i in items] == [("公開の案件", None)]
    assert _search(s, "alice", q="ひみつ") == []  # no probing a hidden account's name
    assert _search(s, "dave", q="ひみつ") == ["公開の案件"]


def test_navigation_lists_of_an_account_and_a_campaign(s: Sales) -> None:
    tokyo, osaka = s.account("東京商事"), s.account("大阪物産")
    campaign = s.campaign("展示会")
    s.opportunity("alice", "東京の案件", tokyo, campaign_id=campaign)
    s.opportunity("alice", "大阪の案件", osaka)
    by_account = ListRelatedOpportunities(s.deps, RecordType.ACCOUNT)
    by_campaign = ListRelatedOpportunities(s.deps, RecordType.CAMPAIGN)
    alice = s.principal("alice")

    assert [i.name for i in by_account(alice, tokyo, OpportunitySearch(), PageRequest()).items] == ["東京の案件"]
    assert [i.name for i in by_campaign(alice, campaign, OpportunitySearch(), PageRequest()).items] == ["東京の案件"]
    hidden = s.account("秘密商事", owner="dave", restriction=Restriction())
    with pytest.raises(NotFound):
        by_account(alice, hidden, OpportunitySearch(), PageRequest())
    with pytest.raises(NotFound):
        by_campaign(alice, tokyo, OpportunitySearch(), PageRequest())  # not a campaign


def test_light_users_read_but_may_not_write(s: Sales) -> None:
    account = s.account("東京商事")
    o = s.opportunity("alice", "案件", account)
    with pytest.raises(Forbidden):
        s.opportunity("lucy", "案件", account)
    with pytest.raises(Forbidden):
        _update(s, "lucy", o.id, 1, name="変更")
    with pytest.raises(Forbidden):
        CopyOpportunity(s.deps)(s.principal("lucy"), o.id)
    with pytest.raises(Forbidden):
        DeleteOpportunity(s.deps)(s.principal("lucy"), o.id)
    assert GetOpportunity(s.deps)(s.principal("lucy"), o.id).opportunity.name == "案件"


def test_delete_is_refused_while_activities_refer_to_it_and_cascades_otherwise(s: Sales) -> None:
    account = s.account("東京商事")
    o = s.opportunity("alice", "案件", account, lines=(line(1, 100, product_name="a"),),
                      competitors=(CompetitorInput(name="B社"),))
    s.comment(o.id, "コメント", by="carol")
    s.attachment(o.id)
    activity = s.activity(o.id)
    with pytest.raises(Conflict):
        DeleteOpportunity(s.deps)(s.principal("alice"), o.id)
    with s.engine.begin() as conn:
        conn.execute(activities.delete().where(activities.c.id == activity))
    with pytest.raises(Conflict) as e:
        DeleteOpportunity(s.deps)(s.principal("alice"), o.id, expected_version=5)
    assert e.value.current_version == 1

    DeleteOpportunity(s.deps)(s.principal("alice"), o.id, expected_version=1)

    with pytest.raises(NotFound):
        GetOpportunity(s.deps)(s.principal("alice"), o.id)
    assert s.count(opportunity_lines, o.id, "opportunity_id") == 0
    assert s.count(opportunity_competitors, o.id, "opportunity_id") == 0
    assert s.count(comments, o.id) == 0
    assert s.count(attachments, o.id) == 0


def test_lines_take_name_and_price_from_the_product_master(s: Sales) -> None:
    alice = s.principal("alice")
    product = CreateProduct(s.deps)(alice, CreateProductCommand(code="LIC-01", name="年間ライセンス",
                                                                standard_price="120000", category_code="software"))
    o = s.opportunity("alice", "案件", s.account("東京商事"),
                      lines=(line(2, product_id=product.id), line(1, 90000, product_id=product.id,
                                                                   product_name="特価ライセンス")))
    assert [(x.product_name, x.unit_price, x.amount) for x in o.lines] == [
        ("年間ライセンス", Decimal("120000.00"), Decimal("240000.00")),
        ("特価ライセンス", Decimal(90000), Decimal("90000.00"))]

    DeactivateProduct(s.deps)(alice, product.id, expected_version=1)
    # a deal that has the product keeps it; a new line cannot pick it
    again = _update(s, "alice", o.id, 1, lines=(line(3, product_id=product.id),))
    assert again.lines[0].amount == Decimal("360000.00")
    with pytest.raises(Invalid) as e:
        s.opportunity("alice", "別案件", s.account("大阪物産"), lines=(line(1, product_id=product.id),))
    assert "lines[0].product_id" in e.value.errors


def test_record_progress_saves_in_the_same_transaction(s: Sales) -> None:
    o = s.opportunity("alice", "案件", s.account("東京商事"), certainty_code="C", expected_amount=1000)
    with s.deps.uow(s.tenant.id) as uow:
        stored = uow.opportunities.get(o.id)
        assert stored is not None
        changed = stored.record_progress(
            stage_code="40", certainty_code="A", expected_order_date=date(2026, 12, 1),
            expected_amount=Decimal(2500), stages=code_list(uow, STAGE_LIST),
            certainties=code_list(uow, CERTAINTY_LIST))
        assert changed
        assert uow.opportunities.update(stored, 1) == 2
        uow.commit()
    after = GetOpportunity(s.deps)(s.principal("alice"), o.id).opportunity
    assert (after.stage_code, after.certainty_code, after.expected_order_date, after.expected_amount,
            after.version) == ("40", "A", date(2026, 12, 1), Decimal("2500.00"), 2)
    with s.deps.uow(s.tenant.id) as uow:
        stale = uow.opportunities.get(o.id)
        assert stale is not None
        with pytest.raises(Conflict) as e:
            uow.opportunities.update(stale, 1)
        assert e.value.current_version == 2


def test_custom_fields_are_validated_searched_and_copied(s: Sales, admin: Principal) -> None:
    DefineCustomField(uow=s.deps.uow, clock=s.deps.clock, ids=s.deps.ids, audit=s.deps.audit)(
        admin, DefineCustomFieldCommand(entity="opportunity", key="rank", label_ja="ランク", kind="choice",
                                        code_list_key="certainty"))
    account = s.account("東京商事")
    with pytest.raises(Invalid) as e:
        s.opportunity("alice", "案件", account, parts=RecordParts(custom_fields={"rank": "Z"}))
    assert "custom_fields.rank" in e.value.errors
    ranked = s.opportunity("alice", "Aランク案件", account, parts=RecordParts(custom_fields={"rank": "A"}))
    s.opportunity("alice", "Bランク案件", account, parts=RecordParts(custom_fields={"rank": "B"}))

    assert _search(s, "alice", custom_fields={"rank": "A"}) == ["Aランク案件"]
    copy = CopyOpportunity(s.deps)(s.principal("alice"), ranked.id)
    assert GetOpportunity(s.deps)(s.principal("alice"), copy.id).opportunity.custom_fields == {"rank": "A"}
    assert _search(s, "alice", custom_fields={"rank": "A"}) == ["Aランク案件", "Aランク案件"]
