"""Campaign use cases on SQLite and PostgreSQL: register, view, search, update, copy, delete, the
招待リスト and the effect summary, with visibility and licences enforced."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from dps.adapters.db.tables.sales_campaigns import campaign_members
from dps.application.sales.campaigns.commands import (
    AddMemberCommand,
    CopyCampaignCommand,
    DeleteCampaignCommand,
    UpdateCampaignCommand,
    UpdateMemberCommand,
)
from dps.application.sales.campaigns.manage import CopyCampaign, DeleteCampaign, UpdateCampaign
from dps.application.sales.campaigns.members import (
    AddCampaignMember,
    ListCampaignMembers,
    RemoveCampaignMember,
    UpdateCampaignMember,
)
from dps.application.sales.campaigns.ports import CampaignQuery
from dps.application.sales.campaigns.queries import ListCampaignLeads, SearchCampaigns, ViewCampaign
from dps.application.sales.leads.convert import ConvertLead, ConvertLeadCommand
from dps.application.shared.errors import Conflict, Forbidden, Invalid, NotFound
from dps.application.shared.paging import PageRequest
from dps.bootstrap.container import Container
from dps.domain.sales.records import Relation, StaffMember
from dps.domain.shared.principal import Principal
from dps.domain.tenancy.tenants import Tenant
from dps.domain.visibility.records import Restriction
from tests.integration.sales.test_campaigns_support import START, Office, build_office


@pytest.fixture
def office(container: Container, tenant: Tenant, admin: Principal) -> Office:
    return build_office(container, tenant, admin)


def _names(office: Office, login: str, query: CampaignQuery, page: PageRequest | None = None) -> list[str]:
    found = SearchCampaigns(office.deps)(office.principal(login), query, page or PageRequest(sort="name"))
    return [c.name for c in found.items]


def test_register_view_update_and_stale_version(office: Office) -> None:
    carol = office.users["carol"]
    person = office.person("alice")
    c = office.campaign(
        "alice", "  春の展示会  ", kind_code="exhibition", status_code="planned", ends_on=START + timedelta(days=2),
        budget_amount=Decimal("1500000"), target_leads=100, staff=(StaffMember(carol, is_main=True),),
        relations=(Relation(person_id=person.id, role_code="contact"),), custom_fields={},
    )
    assert (c.name, c.owner_id, c.owner_organization_id) == ("春の展示会", office.users["alice"], office.orgs["sales"])
    detail = ViewCampaign(office.deps)(office.principal("dave"), c.id)
    assert detail.campaign.budget_amount == Decimal("1500000")
    assert detail.campaign.staff == (StaffMember(carol, is_main=True),)
    assert detail.campaign.relations == (Relation(person_id=person.id, role_code="contact"),)
    assert (detail.summary.members, detail.summary.leads) == (0, 0)

    update = UpdateCampaign(office.deps)
    changed = update(office.principal("carol"), UpdateCampaignCommand(c.id, 1, {
        "status_code": "running", "starts_on": START + timedelta(days=30), "ends_on": START + timedelta(days=31),
        "actual_cost": Decimal("1200000.50"),
    }))
    assert changed.version == 2
    again = ViewCampaign(office.deps)(office.principal("alice"), c.id).campaign
    assert (again.status_code, again.starts_on, again.actual_cost) == (
        "running", START + timedelta(days=30), Decimal("1200000.50"))
    assert again.updated_by == carol
    assert again.created_by == office.users["alice"]

    with pytest.raises(Conflict) as stale:
        update(office.principal("alice"), UpdateCampaignCommand(c.id, 1, {"name": "古い版"}))
    assert stale.value.current_version == 2
    assert ViewCampaign(office.deps)(office.principal("alice"), c.id).campaign.name == "春の展示会"


def test_bad_input_is_refused_with_the_field(office: Office) -> None:
    with pytest.raises(Invalid) as e:
        office.campaign("alice", kind_code="karaoke")
    assert "kind_code" in e.value.errors
    with pytest.raises(Invalid) as e:
        office.campaign("alice", starts_on=START, ends_on=START - timedelta(days=1))
    assert "ends_on" in e.value.errors
    with pytest.raises(Invalid) as e:
        office.campaign("alice", staff=(StaffMember(office.users["alice"]), StaffMember(office.users["alice"])))
    assert "staff" in e.value.errors
    c = office.campaign("alice")
    for changes, field in (({"status_code": "nope"}, "status_code"), ({"budget_amount": Decimal("-5")},
                           "budget_amount"), ({"version": 9}, "version"), ({"name": ""}, "name")):
        with pytest.raises(Invalid) as e:
            UpdateCampaign(office.deps)(office.principal("alice"), UpdateCampaignCommand(c.id, 1, changes))
        assert field in e.value.errors
    assert ViewCampaign(office.deps)(office.principal("alice"), c.id).campaign.version == 1


def test_parents_never_form_a_cycle(office: Office) -> None:
    top = office.campaign("alice", "年間キャンペーン")
    mid = office.campaign("alice", "上期", parent_campaign_id=top.id)
    low = office.campaign("alice", "5月セミナー", parent_campaign_id=mid.id)
    with pytest.raises(Invalid) as e:
        UpdateCampaign(office.deps)(office.principal("alice"),
                                    UpdateCampaignCommand(top.id, 1, {"parent_campaign_id": low.id}))
    assert "parent_campaign_id" in e.value.errors
    assert _names(office, "alice", CampaignQuery(parent_campaign_id=top.id)) == ["上期"]


def test_restricted_campaign_is_invisible_to_outsiders(office: Office) -> None:
    sales_only = Restriction(organizations=frozenset({office.orgs["sales"]}))
    secret = office.campaign("alice", "極秘イベント", restriction=sales_only)
    office.campaign("alice", "公開イベント")
    assert _names(office, "carol", CampaignQuery()) == ["公開イベント", "極秘イベント"]  # 営業一課 is under 営業部
    assert _names(office, "dave", CampaignQuery()) == ["公開イベント"]
    dave = office.principal("dave")
    for attempt in (
        lambda: ViewCampaign(office.deps)(dave, secret.id),
        lambda: UpdateCampaign(office.deps)(dave, UpdateCampaignCommand(secret.id, 1, {"name": "x"})),
        lambda: CopyCampaign(office.deps)(dave, CopyCampaignCommand(secret.id)),
        lambda: ListCampaignMembers(office.deps)(dave, secret.id, PageRequest()),
        lambda: ListCampaignLeads(office.deps)(dave, secret.id, PageRequest()),
    ):
        with pytest.raises(NotFound):
            attempt()
    with pytest.raises(Invalid) as e:  # a lead cannot point at a campaign its author cannot see
        office.lead("dave", campaign_id=secret.id)
    assert "campaign_id" in e.value.errors


def test_light_users_read_but_never_write(office: Office) -> None:
    c = office.campaign("alice")
    lucy = office.principal("lucy")
    assert ViewCampaign(office.deps)(lucy, c.id).campaign.id == c.id
    with pytest.raises(Forbidden):
        office.campaign("lucy")
    with pytest.raises(Forbidden):
        UpdateCampaign(office.deps)(lucy, UpdateCampaignCommand(c.id, 1, {"name": "x"}))
    with pytest.raises(Forbidden):
        AddCampaignMember(office.deps)(lucy, AddMemberCommand(c.id, person_id=office.person("alice").id))
    with pytest.raises(Forbidden):
        DeleteCampaign(office.deps)(lucy, DeleteCampaignCommand(c.id))


def test_search_filters_period_mine_and_pages(office: Office) -> None:
    office.campaign("alice", "A 5月", starts_on=START, ends_on=START + timedelta(days=1), kind_code="seminar")
    office.campaign("carol", "B 6月", starts_on=START + timedelta(days=30), status_code="running")
    office.campaign("dave", "C 通年", starts_on=START - timedelta(days=60), kind_code="seminar")  # open-ended
    office.campaign("erin", "D 昨年", starts_on=START - timedelta(days=400), ends_on=START - timedelta(days=390))
    june = START + timedelta(days=30)
    assert _names(office, "erin", CampaignQuery(period_from=june, period_to=june)) == ["B 6月", "C 通年"]
    assert _names(office, "erin", CampaignQuery(period_to=START - timedelta(days=61))) == ["D 昨年"]
    assert _names(office, "erin", CampaignQuery(kind_code="seminar")) == ["A 5月", "C 通年"]
    assert _names(office, "erin", CampaignQuery(status_code="running")) == ["B 6月"]
    assert _names(office, "erin", CampaignQuery(q="ｃ　通年")) == ["C 通年"]  # width and spaces folded
    assert _names(office, "alice", CampaignQuery(mine=True)) == ["A 5月", "B 6月"]  # carol's 課 is under mine
    assert _names(office, "carol", CampaignQuery(mine=True)) == ["B 6月"]
    assert _names(office, "erin", CampaignQuery(owner_id=office.users["dave"])) == ["C 通年"]
    with pytest.raises(Invalid) as e:
        _names(office, "erin", CampaignQuery(period_from=june, period_to=START))
    assert "period_to" in e.value.errors

    seen: list[str] = []
    page = PageRequest(limit=3, sort="-starts_on")
    while True:
        result = SearchCampaigns(office.deps)(office.principal("erin"), CampaignQuery(), page)
        seen += [c.name for c in result.items]
        if result.next_cursor is None:
            break
        page = PageRequest(limit=3, sort="-starts_on", cursor=result.next_cursor)
    assert seen == ["B 6月", "A 5月", "C 通年", "D 昨年"]
    with pytest.raises(Invalid):
        SearchCampaigns(office.deps)(office.principal("erin"), CampaignQuery(), PageRequest(sort="budget"))


def test_copy_takes_the_content_not_the_members(office: Office) -> None:
    carol = office.users["carol"]
    original = office.campaign("alice", "春セミナー", ends_on=START + timedelta(days=1), kind_code="seminar",
                               staff=(StaffMember(carol),), budget_amount=Decimal("300000"))
    person = office.person("alice")
    AddCampaignMember(office.deps)(office.principal("alice"), AddMemberCommand(original.id, person_id=person.id))
    copy = CopyCampaign(office.deps)(office.principal("dave"), CopyCampaignCommand(
        original.id, name="秋セミナー", starts_on=START + timedelta(days=150)))
    assert copy.id != original.id
    assert copy.version == 1
    assert (copy.name, copy.kind_code, copy.budget_amount, copy.staff) == (
        "秋セミナー", "seminar", Decimal("300000"), (StaffMember(carol),))
    assert copy.ends_on == START + timedelta(days=151)  # the period moved as a whole
    assert copy.owner_id == office.users["dave"]
    assert copy.created_by == office.users["dave"]
    detail = ViewCampaign(office.deps)(office.principal("alice"), copy.id)
    assert detail.summary.members == 0


def test_delete_is_refused_while_referenced_then_cleans_up(office: Office) -> None:
    c = office.campaign("alice")
    lead = office.lead("alice", campaign_id=c.id)
    person = office.person("alice")
    AddCampaignMember(office.deps)(office.principal("alice"), AddMemberCommand(c.id, person_id=person.id))
    delete = DeleteCampaign(office.deps)
    with pytest.raises(Conflict) as e:
        delete(office.principal("alice"), DeleteCampaignCommand(c.id))
    assert "leads" in e.value.message or "リード" in e.value.message
    from dps.application.sales.leads.commands import UpdateLeadCommand
    from dps.application.sales.leads.manage import UpdateLead
    UpdateLead(office.deps)(office.principal("alice"), UpdateLeadCommand(lead.id, 1, {"campaign_id": None}))
    with pytest.raises(Conflict) as stale:
        delete(office.principal("alice"), DeleteCampaignCommand(c.id, expected_version=5))
    assert stale.value.current_version == 1
    delete(office.principal("alice"), DeleteCampaignCommand(c.id, expected_version=1))
    with pytest.raises(NotFound):
        ViewCampaign(office.deps)(office.principal("alice"), c.id)
    assert office.count(campaign_members) == 0
    with pytest.raises(NotFound):
        delete(office.principal("alice"), DeleteCampaignCommand(c.id))


def test_members_are_seen_only_through_their_lead_or_person(office: Office) -> None:
    c = office.campaign("alice")
    public_lead = office.lead("alice", "公開商事", email="a@example.jp")
    secret_lead = office.lead("alice", "秘密商事", restriction=office.only("alice"))
    person = office.person("carol", "鈴木")
    add = AddCampaignMember(office.deps)
    alice = office.principal("alice")
    m1 = add(alice, AddMemberCommand(c.id, lead_id=public_lead.id, follow_status_code="invited",
                                     invited_on=START - timedelta(days=20)))
    m2 = add(alice, AddMemberCommand(c.id, lead_id=secret_lead.id, attended=True))
    m3 = add(alice, AddMemberCommand(c.id, person_id=person.id))
    with pytest.raises(Conflict):
        add(alice, AddMemberCommand(c.id, person_id=person.id))
    with pytest.raises(Invalid) as e:
        add(alice, AddMemberCommand(c.id, lead_id=public_lead.id, person_id=person.id))
    assert "lead_id" in e.value.errors
    with pytest.raises(Invalid) as e:
        add(office.principal("dave"), AddMemberCommand(c.id, lead_id=secret_lead.id))  # dave cannot see it
    assert "lead_id" in e.value.errors
    with pytest.raises(Invalid) as e:
        add(alice, AddMemberCommand(c.id, lead_id=public_lead.id, follow_status_code="maybe"))
    assert "follow_status_code" in e.value.errors

    listed = ListCampaignMembers(office.deps)
    by_alice = listed(alice, c.id, PageRequest())
    assert [e.member.id for e in by_alice.items] == [m1.id, m2.id, m3.id]
    assert [e.label for e in by_alice.items] == ["公開商事 山田", "秘密商事 山田", "鈴木"]
    assert [e.member.id for e in listed(office.principal("dave"), c.id, PageRequest()).items] == [m1.id, m3.id]

    updated = UpdateCampaignMember(office.deps)(alice, UpdateMemberCommand(c.id, m1.id, {
        "follow_status_code": "attended", "attended": True}))
    assert updated.attended
    assert updated.invited_on == START - timedelta(days=20)
    with pytest.raises(NotFound):  # dave cannot see the secret lead, so not its membership either
        RemoveCampaignMember(office.deps)(office.principal("dave"), c.id, m2.id)

    summary = ViewCampaign(office.deps)(alice, c.id).summary
    assert (summary.members, summary.attended) == (3, 2)
    assert summary.attendance_rate == Decimal("66.7")
    assert ViewCampaign(office.deps)(office.principal("dave"), c.id).summary.members == 2

    RemoveCampaignMember(office.deps)(alice, c.id, m3.id)
    assert [e.member.id for e in listed(alice, c.id, PageRequest()).items] == [m1.id, m2.id]


def test_leads_of_a_campaign_and_converted_counts(office: Office) -> None:
    c = office.campaign("alice")
    other = office.campaign("alice", "別件")
    first = office.lead("alice", "一番商事", campaign_id=c.id)
    office.lead("alice", "二番商事", campaign_id=c.id, restriction=office.only("alice"))
    office.lead("alice", "三番商事", campaign_id=other.id)
    ConvertLead(office.deps)(office.principal("alice"), ConvertLeadCommand(first.id))
    leads = ListCampaignLeads(office.deps)(office.principal("alice"), c.id, PageRequest(sort="company_name"))
    assert [x.company_name for x in leads.items] == ["一番商事", "二番商事"]
    dave_view = ListCampaignLeads(office.deps)(office.principal("dave"), c.id, PageRequest())
    assert [x.company_name for x in dave_view.items] == ["一番商事"]
    summary = ViewCampaign(office.deps)(office.principal("alice"), c.id).summary
    assert (summary.leads, summary.converted_leads, summary.conversion_rate) == (2, 1, Decimal("50.0"))


def test_the_sql_period_filter_agrees_with_the_domain(office: Office) -> None:
    """Every bound pair around the campaigns' edges: the database and `Campaign.overlaps` agree."""
    made = [
        office.campaign("alice", f"P{i}", starts_on=START + timedelta(days=s),
                        ends_on=None if e is None else START + timedelta(days=e))
        for i, (s, e) in enumerate(((0, 0), (0, 3), (2, 5), (4, None), (-3, -1)))
    ]
    bounds = [None] + [START + timedelta(days=d) for d in (-4, -1, 0, 1, 3, 5, 6)]
    erin = office.principal("erin")
    for lo in bounds:
        for hi in bounds:
            if lo is not None and hi is not None and lo > hi:
                continue
            found = SearchCampaigns(office.deps)(erin, CampaignQuery(period_from=lo, period_to=hi),
                                                 PageRequest(sort="name"))
            assert [c.name for c in found.items] == [c.name for c in made if c.overlaps(lo, hi)], (lo, hi)


def test_an_operator_can_register_records_for_batch_work(office: Office) -> None:
    """The CLI's system principal is no user: the records get no owner or creator rather than a
    dangling one (the demo seed and imports act this way)."""
    from dps.application.sales.campaigns.commands import RegisterCampaignCommand
    from dps.application.sales.campaigns.manage import RegisterCampaign
    from dps.application.sales.leads.commands import RegisterLeadCommand
    from dps.application.sales.leads.manage import RegisterLead

    c = RegisterCampaign(office.deps)(office.admin, RegisterCampaignCommand(
        name="一括登録", starts_on=START, staff=(StaffMember(office.users["carol"]),)))
    assert (c.owner_id, c.created_by) == (None, None)
    lead = RegisterLead(office.deps)(office.admin, RegisterLeadCommand(
        company_name="一括商事", last_name="木村", source_code="other", campaign_id=c.id)).lead
    assert lead.owner_id is None
    assert ViewCampaign(office.deps)(office.principal("carol"), c.id).summary.leads == 1
