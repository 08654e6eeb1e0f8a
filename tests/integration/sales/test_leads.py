"""Lead use cases on SQLite and PostgreSQL: register (with the duplicate hint), view, search, update,
delete, follow-up actions and conversion, with visibility and licences enforced."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from dps.adapters.db.tables.sales_accounts import accounts, persons
from dps.adapters.db.tables.sales_campaigns import campaign_members, lead_actions, leads
from dps.adapters.db.tables.sales_opportunities import opportunities
from dps.application.sales.campaigns.commands import AddMemberCommand
from dps.application.sales.campaigns.members import AddCampaignMember
from dps.application.sales.leads.actions import AddLeadAction, ListLeadActions, UpdateLeadAction
from dps.application.sales.leads.commands import (
    AddLeadActionCommand,
    DeleteLeadCommand,
    RegisterLeadCommand,
    UpdateLeadActionCommand,
    UpdateLeadCommand,
)
from dps.application.sales.leads.convert import ConvertLead, ConvertLeadCommand
from dps.application.sales.leads.manage import DeleteLead, RegisterLead, UpdateLead
from dps.application.sales.leads.ports import LeadQuery
from dps.application.sales.leads.queries import SearchLeads, ViewLead
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.registry.corporate_number import CorporateNumber
from dps.domain.sales.records import StaffMember
from dps.domain.shared.ids import UserId
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.test_campaigns_support import Office, build_office

CORP = str(CorporateNumber.from_base("700110005901"))
BAD_CORP = str((int(CORP[0]) + 1) % 10) + CORP[1:]


@pytest.fixture
def office(container: Container, tenant: Tenant, admin: Principal) -> Office:
    return build_office(container, tenant, admin)


def _companies(office: Office, login: str, query: LeadQuery, sort: str = "company_name") -> list[str]:
    found = SearchLeads(office.deps)(office.principal(login), query, PageRequest(sort=sort))
    return [lead.company_name for lead in found.items]


def _rows(office: Office, table: sa.Table) -> list[sa.Row[object]]:
    with office.container.engine().connect() as conn:
        return list(conn.execute(sa.select(table).where(table.c.tenant_id == office.tenant.id)))


def test_register_view_update_and_stale_version(office: Office) -> None:
    c = office.campaign("alice")
    lead = office.lead("carol", "ＡＢＣ商事", "田中", first_name="一郎", company_kana="エービーシー",
                       corporate_number=CORP, email=" Ichiro@ABC.example.jp ", campaign_id=c.id,
                       campaign_follow_status_code="invited", next_action_on=date(2026, 12, 1), score=40,
                       industry_code="it", staff=(StaffMember(office.users["alice"], is_main=True),))
    assert (lead.status_code, lead.email, lead.owner_id) == ("new", "ichiro@abc.example.jp", office.users["carol"])
    assert lead.owner_organization_id == office.orgs["sales1"]
    seen = ViewLead(office.deps)(office.principal("dave"), lead.id).lead
    assert (seen.corporate_number, seen.campaign_id, seen.score, seen.staff) == (
        CORP, c.id, 40, (StaffMember(office.users["alice"], is_main=True),))

    update = UpdateLead(office.deps)
    changed = update(office.principal("alice"), UpdateLeadCommand(lead.id, 1, {
        "status_code": "working", "campaign_id": None, "notes": "電話済み"}))
    assert (changed.version, changed.status_code, changed.campaign_follow_status_code) == (2, "working", None)
    with pytest.raises(Conflict) as stale:
        update(office.principal("carol"), UpdateLeadCommand(lead.id, 1, {"notes": "古い"}))
    assert stale.value.current_version == 2
    assert ViewLead(office.deps)(office.principal("carol"), lead.id).lead.notes == "電話済み"


def test_bad_input_is_refused_with_the_field(office: Office) -> None:
    for values, field in (({"corporate_number": BAD_CORP}, "corporate_number"),
                          ({"status_code": "hot"}, "status_code"), ({"source_code": "fax"}, "source_code"),
                          ({"status_code": "converted"}, "status_code"), ({"email": "not-an-address"}, "email"),
                          ({"industry_code": "mining"}, "industry_code"),
                          ({"campaign_follow_status_code": "invited"}, "campaign_follow_status_code")):
        with pytest.raises(Invalid) as e:
            office.lead("alice", **values)
        assert field in e.value.errors, values
    lead = office.lead("alice")
    for changes, field in (({"corporate_number": BAD_CORP}, "corporate_number"),
                           ({"status_code": "converted"}, "status_code"), ({"company_name": " "}, "company_name"),
                           ({"converted_at": None}, "converted_at"),
                           ({"staff": (StaffMember(UserId(uuid.uuid4())),)}, "staff"),
                           ({"owner_id": UserId(uuid.uuid4())}, "owner_id")):
        with pytest.raises(Invalid) as e:
            UpdateLead(office.deps)(office.principal("alice"), UpdateLeadCommand(lead.id, 1, changes))
        assert field in e.value.errors, changes
    assert _rows(office, leads)[0].version == 1


def test_duplicate_hint_reports_only_visible_leads(office: Office) -> None:
    public = office.lead("alice", "公開", email="sato@example.jp")
    office.lead("alice", "秘密", email="SATO@example.jp", restriction=office.only("alice"))
    by_dave = RegisterLead(office.deps)(office.principal("dave"), RegisterLeadCommand(
        company_name="三番目", last_name="佐藤", source_code="web", email="Sato@Example.jp"))
    assert by_dave.possible_duplicates == (public.id,)  # registered anyway; the secret one is not revealed
    by_alice = RegisterLead(office.deps)(office.principal("alice"), RegisterLeadCommand(
        company_name="四番目", last_name="佐藤", source_code="web", email="sato@example.jp"))
    assert len(by_alice.possible_duplicates) == 3
    none = RegisterLead(office.deps)(office.principal("alice"), RegisterLeadCommand(
        company_name="五番目", last_name="佐藤", source_code="web"))
    assert none.possible_duplicates == ()


def test_restricted_lead_is_invisible_to_outsiders(office: Office) -> None:
    secret = office.lead("alice", "秘密商事", restriction=Restriction(organizations=frozenset({office.orgs["sales"]})))
    office.lead("alice", "公開商事")
    assert _companies(office, "carol", LeadQuery()) == ["公開商事", "秘密商事"]  # 営業一課 is under 営業部
    assert _companies(office, "dave", LeadQuery()) == ["公開商事"]
    assert _companies(office, "dave", LeadQuery(q="秘密")) == []
    dave = office.principal("dave")
    for attempt in (
        lambda: ViewLead(office.deps)(dave, secret.id),
        lambda: UpdateLead(office.deps)(dave, UpdateLeadCommand(secret.id, 1, {"notes": "x"})),
        lambda: DeleteLead(office.deps)(dave, DeleteLeadCommand(secret.id)),
        lambda: ListLeadActions(office.deps)(dave, secret.id),
        lambda: AddLeadAction(office.deps)(dave, AddLeadActionCommand(secret.id, date(2026, 12, 1), "call")),
        lambda: ConvertLead(office.deps)(dave, ConvertLeadCommand(secret.id)),
    ):
        with pytest.raises(NotFound):
            attempt()


def test_mine_owner_and_staff_filters(office: Office) -> None:
    office.lead("alice", "営業部の")
    office.lead("carol", "一課の")
    office.lead("dave", "開発部の", staff=(StaffMember(office.users["erin"]),))
    assert _companies(office, "alice", LeadQuery(mine=True)) == ["一課の", "営業部の"]
    assert _companies(office, "carol", LeadQuery(mine=True)) == ["一課の"]
    assert _companies(office, "erin", LeadQuery(mine=True)) == ["開発部の"]  # erin is staff
    assert _companies(office, "alice", LeadQuery(staff_id=office.users["erin"])) == ["開発部の"]
    assert _companies(office, "erin", LeadQuery(owner_id=office.users["carol"])) == ["一課の"]


def test_search_filters_sort_and_pages(office: Office) -> None:
    c = office.campaign("alice")
    day = date(2026, 12, 1)
    office.lead("alice", "あ商事", last_name_kana="ヤマダ", source_code="web", next_action_on=day, score=10,
                campaign_id=c.id)
    office.lead("alice", "い商事", source_code="seminar", status_code="working", next_action_on=day + timedelta(5),
                score=30)
    office.lead("alice", "う商事", source_code="web", email="kato@example.jp", score=20)
    assert _companies(office, "erin", LeadQuery(q="やまだ")) == ["あ商事"]  # kana folded
    assert _companies(office, "erin", LeadQuery(q="KATO@")) == ["う商事"]
    assert _companies(office, "erin", LeadQuery(source_code="web")) == ["あ商事", "う商事"]
    assert _companies(office, "erin", LeadQuery(status_code="working")) == ["い商事"]
    assert _companies(office, "erin", LeadQuery(campaign_id=c.id)) == ["あ商事"]
    assert _companies(office, "erin", LeadQuery(next_action_from=day + timedelta(1))) == ["い商事"]
    assert _companies(office, "erin", LeadQuery(next_action_to=day)) == ["あ商事"]
    assert _companies(office, "erin", LeadQuery(converted=False)) == ["あ商事", "い商事", "う商事"]
    assert _companies(office, "erin", LeadQuery(), sort="-score") == ["い商事", "う商事", "あ商事"]
    assert _companies(office, "erin", LeadQuery(), sort="next_action_on") == ["あ商事", "い商事", "う商事"]

    seen: list[str] = []
    page = PageRequest(limit=2, sort="score")
    while True:
        found = SearchLeads(office.deps)(office.principal("erin"), LeadQuery(), page)
        seen += [x.company_name for x in found.items]
        if found.next_cursor is None:
            break
        page = PageRequest(limit=2, sort="score", cursor=found.next_cursor)
    assert seen == ["あ商事", "う商事", "い商事"]


def test_light_users_read_but_never_write(office: Office) -> None:
    lead = office.lead("alice")
    lucy = office.principal("lucy")
    assert ViewLead(office.deps)(lucy, lead.id).lead.id == lead.id
    assert [x.id for x in SearchLeads(office.deps)(lucy, LeadQuery(), PageRequest()).items] == [lead.id]
    for attempt in (
        lambda: office.lead("lucy"),
        lambda: UpdateLead(office.deps)(lucy, UpdateLeadCommand(lead.id, 1, {"notes": "x"})),
        lambda: AddLeadAction(office.deps)(lucy, AddLeadActionCommand(lead.id, date(2026, 12, 1), "call")),
        lambda: ConvertLead(office.deps)(lucy, ConvertLeadCommand(lead.id)),
        lambda: DeleteLead(office.deps)(lucy, DeleteLeadCommand(lead.id)),
    ):
        with pytest.raises(Forbidden):
            attempt()


def test_follow_up_actions(office: Office) -> None:
    lead = office.lead("alice")
    alice = office.principal("alice")
    add = AddLeadAction(office.deps)
    later = add(alice, AddLeadActionCommand(lead.id, date(2026, 12, 10), "visit", "訪問して提案"))
    sooner = add(alice, AddLeadActionCommand(lead.id, date(2026, 12, 1), "call", user_id=office.users["carol"]))
    assert later.user_id == office.users["alice"]
    assert sooner.user_id == office.users["carol"]
    with pytest.raises(Invalid) as e:
        add(alice, AddLeadActionCommand(lead.id, date(2026, 12, 2), "karaoke"))
    assert "kind_code" in e.value.errors
    with pytest.raises(Invalid) as e:
        add(alice, AddLeadActionCommand(lead.id, date(2026, 12, 2)))
    assert "description" in e.value.errors
    done = UpdateLeadAction(office.deps)(office.principal("carol"), UpdateLeadActionCommand(
        lead.id, sooner.id, {"is_done": True}))
    assert done.is_done
    listed = ListLeadActions(office.deps)(office.principal("dave"), lead.id)
    assert [(a.id, a.is_done) for a in listed] == [(sooner.id, True), (later.id, False)]
    with pytest.raises(NotFound):
        UpdateLeadAction(office.deps)(alice, UpdateLeadActionCommand(office.lead("alice", "別").id, sooner.id,
                                                                     {"is_done": False}))


def test_delete_cleans_up_and_refuses_converted_leads(office: Office) -> None:
    c = office.campaign("alice")
    lead = office.lead("alice")
    AddLeadAction(office.deps)(office.principal("alice"), AddLeadActionCommand(lead.id, date(2026, 12, 1), "call"))
    AddCampaignMember(office.deps)(office.principal("alice"), AddMemberCommand(c.id, lead_id=lead.id))
    delete = DeleteLead(office.deps)
    delete(office.principal("carol"), DeleteLeadCommand(lead.id, expected_version=1))
    with pytest.raises(NotFound):
        ViewLead(office.deps)(office.principal("alice"), lead.id)
    assert (office.count(lead_actions), office.count(campaign_members)) == (0, 0)

    converted = office.lead("alice", "商談化済")
    ConvertLead(office.deps)(office.principal("alice"), ConvertLeadCommand(converted.id))
    with pytest.raises(Conflict):
        delete(office.principal("alice"), DeleteLeadCommand(converted.id))
    assert ViewLead(office.deps)(office.principal("alice"), converted.id).lead.is_converted


def test_conversion_creates_linked_records_once(office: Office) -> None:
    c = office.campaign("alice")
    lead = office.lead("carol", "変換商事", "高橋", first_name="花子", corporate_number=CORP,
                       email="hanako@henkan.example.jp", department="情報システム部", industry_code="it",
                       campaign_id=c.id, staff=(StaffMember(office.users["dave"]),))
    convert = ConvertLead(office.deps)
    done = convert(office.principal("alice"), ConvertLeadCommand(
        lead.id, expected_version=1, create_opportunity=True, opportunity_name="基幹システム刷新", stage_code="20",
        expected_amount=Decimal("5000000")))
    assert done.account_created
    assert done.opportunity_id is not None
    assert (done.lead.status_code, done.lead.converted_account_id, done.lead.converted_person_id) == (
        "converted", done.account_id, done.person_id)
    assert done.lead.version == 2
    assert done.lead.converted_at is not None

    (account,) = _rows(office, accounts)
    (person,) = _rows(office, persons)
    (opportunity,) = _rows(office, opportunities)
    alice = office.users["alice"]
    assert (account.id, account.name, account.corporate_number, account.industry_code, account.account_type_code) == (
        done.account_id, "変換商事", CORP, "it", "prospect")
    assert (person.id, person.account_id, person.last_name, person.email, person.department) == (
        done.person_id, done.account_id, "高橋", "hanako@henkan.example.jp", "情報システム部")
    assert (opportunity.id, opportunity.account_id, opportunity.source_lead_id, opportunity.campaign_id) == (
        done.opportunity_id, done.account_id, lead.id, c.id)
    assert (opportunity.name, opportunity.stage_code, opportunity.expected_amount) == (
        "基幹システム刷新", "20", Decimal("5000000"))
    for row in (account, person, opportunity):
        assert (row.owner_id, row.owner_organization_id, row.created_by) == (alice, office.orgs["sales"], alice)

    viewed = ViewLead(office.deps)(office.principal("dave"), lead.id)
    assert viewed.opportunity_ids == (done.opportunity_id,)
    assert _companies(office, "alice", LeadQuery(converted=True)) == ["変換商事"]

    with pytest.raises(Conflict) as again:
        convert(office.principal("alice"), ConvertLeadCommand(lead.id))
    assert again.value.field == "status_code"
    with pytest.raises(Invalid) as e:
        UpdateLead(office.deps)(office.principal("alice"), UpdateLeadCommand(lead.id, 2, {"status_code": "new"}))
    assert "status_code" in e.value.errors
    assert (len(_rows(office, accounts)), len(_rows(office, persons)), len(_rows(office, opportunities))) == (1, 1, 1)


def test_a_failed_conversion_leaves_nothing_behind(office: Office) -> None:
    lead = office.lead("alice", "途中失敗商事")
    convert = ConvertLead(office.deps)
    with pytest.raises(Invalid) as e:  # fails at the opportunity, after the account and person were added
        convert(office.principal("alice"), ConvertLeadCommand(lead.id, create_opportunity=True, stage_code="99"))
    assert "stage_code" in e.value.errors
    assert (len(_rows(office, accounts)), len(_rows(office, persons)), len(_rows(office, opportunities))) == (0, 0, 0)
    assert not ViewLead(office.deps)(office.principal("alice"), lead.id).lead.is_converted
    with pytest.raises(Conflict) as stale:
        convert(office.principal("alice"), ConvertLeadCommand(lead.id, expected_version=3))
    assert stale.value.current_version == 1


def test_conversion_into_an_existing_account_and_restricted_leads(office: Office) -> None:
    visible = office.account("alice", "公開取引先")
    hidden = office.account("alice", "非公開取引先", restriction=office.only("alice"))
    lead = office.lead("dave", "既存取引先の人", restriction=office.only("dave", "alice"))
    with pytest.raises(Invalid) as e:  # dave cannot see that account: it reads as missing
        ConvertLead(office.deps)(office.principal("dave"), ConvertLeadCommand(lead.id, account_id=hidden.id))
    assert "account_id" in e.value.errors
    done = ConvertLead(office.deps)(office.principal("dave"), ConvertLeadCommand(lead.id, account_id=visible.id))
    assert not done.account_created
    assert done.account_id == visible.id
    assert len(_rows(office, accounts)) == 2
    with office.container.uow()(office.tenant.id) as uow:
        person = uow.persons.get(done.person_id)
    assert person is not None
    assert person.account_id == visible.id
    assert person.restriction == office.only("dave", "alice")  # the lead's 非公開 list goes along
    assert person.owner_id == office.users["dave"]
    assert person.owner_organization_id == office.orgs["dev"]


def test_conversion_refuses_a_second_account_with_the_same_corporate_number(office: Office) -> None:
    first = office.lead("alice", "同一法人", corporate_number=CORP)
    second = office.lead("alice", "同一法人 支店", corporate_number=CORP)
    done = ConvertLead(office.deps)(office.principal("alice"), ConvertLeadCommand(first.id))
    with pytest.raises(Conflict) as e:
        ConvertLead(office.deps)(office.principal("alice"), ConvertLeadCommand(second.id))
    assert e.value.field == "account_id"
    assert str(done.account_id) in e.value.message
    again = ConvertLead(office.deps)(office.principal("alice"), ConvertLeadCommand(second.id,
                                                                                   account_id=done.account_id))
    assert again.account_id == done.account_id
    assert len(_rows(office, accounts)) == 1


def test_changes_notify_the_people_in_charge(office: Office) -> None:
    from dps.adapters.db.tables.collaboration import notifications

    lead = office.lead("alice", staff=(StaffMember(office.users["carol"]),))
    assert [(n.user_id, n.kind) for n in _rows(office, notifications)] == [(office.users["carol"], "staff_assigned")]
    UpdateLead(office.deps)(office.principal("carol"), UpdateLeadCommand(lead.id, 1, {
        "notes": "訪問予定", "staff": (StaffMember(office.users["carol"]), StaffMember(office.users["dave"]))}))
    got = {(n.user_id, n.kind) for n in _rows(office, notifications) if n.actor_id == office.users["carol"]}
    assert {(office.users["alice"], "record_changed"), (office.users["dave"], "record_changed"),
            (office.users["dave"], "staff_assigned")} <= got
    assert all(user != office.users["carol"] for user, _kind in got)  # never the actor
