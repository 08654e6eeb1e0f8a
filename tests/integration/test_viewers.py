"""The Viewer built from the directory: closure-based org facts, manager posts, group ancestry."""

from __future__ import annotations

from datetime import date

from dps.application.auth.principals import principal_for
from dps.application.directory.affiliations import AssignAffiliationCommand
from dps.application.directory.companies import CreateCompanyCommand
from dps.application.directory.groups import AddGroupMemberCommand, CreatePublicGroupCommand
from dps.application.directory.organizations import CreateOrganizationCommand
from dps.application.directory.positions import CreatePositionCommand
from dps.application.directory.users import AddUserCommand
from dps.application.visibility.viewers import viewer_for
from dps.bootstrap.container import Container
from dps.domain.shared.principal import License, Principal
from dps.domain.visibility.policy import UpdateRule, can_edit, can_view, is_mine
from dps.domain.visibility.records import RecordAccess, Restriction
from tests.integration.conftest import FAR_PAST

TODAY = date(2026, 11, 25)


def test_viewer_facts_follow_the_directory(container: Container, admin: Principal) -> None:
    c = container
    company = c.create_company()(admin, CreateCompanyCommand("C1", "ACME", FAR_PAST))
    org = c.create_organization()
    hq = org(admin, CreateOrganizationCommand(company.id, "HQ", "本社", FAR_PAST))
    sales = org(admin, CreateOrganizationCommand(company.id, "SALES", "営業本部", FAR_PAST, hq.id))
    team = org(admin, CreateOrganizationCommand(company.id, "T1", "第1課", FAR_PAST, sales.id))
    other = org(admin, CreateOrganizationCommand(company.id, "ADM", "管理本部", FAR_PAST, hq.id))
    manager_post = c.create_position()(admin, CreatePositionCommand(company.id, "MGR", "部長", 80, True))
    boss = c.add_user()(admin, AddUserCommand(login_id="boss", name="部長", license=License.FULL))
    rep = c.add_user()(admin, AddUserCommand(login_id="rep", name="担当", license=License.FULL))
    c.assign_affiliation()(admin, AssignAffiliationCommand(boss.id, sales.id, FAR_PAST, position_id=manager_post.id))
    c.assign_affiliation()(admin, AssignAffiliationCommand(rep.id, team.id, FAR_PAST))
    parent_group = c.create_public_group()(admin, CreatePublicGroupCommand("KEY", "重点顧客", FAR_PAST))
    child = CreatePublicGroupCommand("KEY-E", "東", FAR_PAST, parent_id=parent_group.id)
    child_group = c.create_public_group()(admin, child)
    c.add_group_member()(admin, AddGroupMemberCommand(child_group.id, rep.id, FAR_PAST))
    c.refresh_org_closure()(admin, TODAY)

    with c.uow()(admin.tenant_id) as uow:
        boss_v = viewer_for(uow, principal_for(uow, admin.tenant_id, boss, TODAY), TODAY)
        rep_v = viewer_for(uow, principal_for(uow, admin.tenant_id, rep, TODAY), TODAY)

    reps_deal = RecordAccess(owner_id=rep.id, owner_organization_id=team.id)
    assert is_mine(boss_v, reps_deal)  # the owner's organisation lies under the boss's
    assert can_edit(boss_v, reps_deal, UpdateRule.STRICT)  # manager above the owner's organisation
    assert not is_mine(rep_v, RecordAccess(owner_id=boss.id, owner_organization_id=sales.id))

    listed_sales = RecordAccess(restriction=Restriction(organizations=frozenset({sales.id})))
    assert can_view(rep_v, listed_sales)  # 第1課 is under 営業本部
    assert not can_view(rep_v, RecordAccess(restriction=Restriction(organizations=frozenset({other.id}))))
    listed_group = RecordAccess(restriction=Restriction(groups=frozenset({parent_group.id})))
    assert can_view(rep_v, listed_group)  # member of a child group of the listed one
    assert not can_view(boss_v, listed_group)
