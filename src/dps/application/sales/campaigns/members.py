"""The 招待リスト: leads and persons invited to a campaign, how they responded and whether they
came. Changing it needs edit rights on the campaign; every member names a lead or person the actor
may see, and a member whose lead or person the actor cannot see does not exist for them."""

from __future__ import annotations

from uuid import UUID

from dps.application.sales.access import ensure_editable, ensure_visible, update_rule, viewer_in
from dps.application.sales.campaigns.commands import AddMemberCommand, UpdateMemberCommand
from dps.application.sales.campaigns.manage import ENTITY, load_campaign
from dps.application.sales.campaigns.ports import MemberEntry
from dps.application.sales.campaigns.support import check_link
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import code_list
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Invalid, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.paging import Page, PageRequest
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.campaigns import CampaignMember
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

MEMBER = "campaign_member"
MEMBER_KEYS = frozenset({"follow_status_code", "invited_on", "attended", "notes"})


def _editable_campaign(deps: SalesDeps, uow: SalesUnitOfWork, viewer: Viewer, campaign_id: UUID, action: str) -> None:
    campaign = uow.campaigns.get(campaign_id)
    ensure_editable(viewer, campaign.access if campaign else None, update_rule(uow), deps.audit,
                    what=ENTITY, key=campaign_id, action=action)


def _visible_member(uow: SalesUnitOfWork, viewer: Viewer, campaign_id: UUID, member_id: UUID) -> CampaignMember:
    member = uow.campaigns.get_member(campaign_id, member_id)
    if member is None:
        raise NotFound(MEMBER, member_id)
    record_type, record_id = (
        (RecordType.LEAD, member.lead_id) if member.lead_id is not None else (RecordType.PERSON, member.person_id)
    )
    assert record_id is not None
    ensure_visible(viewer, uow.records.access_chain(record_type, record_id), MEMBER, member_id)
    return member


class AddCampaignMember:
    """Put a visible lead or person on the list (once: a second time is a 409)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: AddMemberCommand) -> CampaignMember:
        ensure_can_write(principal, self._d.audit, "campaign.member.add")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            _editable_campaign(self._d, uow, viewer, cmd.campaign_id, "campaign.member.add")
            with domain_rules():
                member = CampaignMember(
                    id=self._d.ids.new_id(), campaign_id=cmd.campaign_id, lead_id=cmd.lead_id,
                    person_id=cmd.person_id, follow_status_code=cmd.follow_status_code, invited_on=cmd.invited_on,
                    attended=cmd.attended, notes=cmd.notes, created_at=self._d.clock.now(),
                )
                member.check_codes(code_list(uow, "campaign_follow_status"))
            check_link(uow, viewer, "lead_id", RecordType.LEAD, member.lead_id)
            check_link(uow, viewer, "person_id", RecordType.PERSON, member.person_id)
            uow.campaigns.add_member(member)
            uow.commit()
        log_master_change(self._d.audit, principal, MEMBER, "create", member)
        return member


class UpdateCampaignMember:
    """Record a member's response: follow status, invitation date, attendance, notes."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: UpdateMemberCommand) -> CampaignMember:
        ensure_can_write(principal, self._d.audit, "campaign.member.update")
        unknown = sorted(set(cmd.changes) - MEMBER_KEYS)
        if unknown:
            raise Invalid({k: "変更できない項目です / cannot be changed" for k in unknown})
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            _editable_campaign(self._d, uow, viewer, cmd.campaign_id, "campaign.member.update")
            member = _visible_member(uow, viewer, cmd.campaign_id, cmd.member_id)
            before = snapshot(member)
            values = {k: cmd.changes.get(k, getattr(member, k)) for k in MEMBER_KEYS}
            with domain_rules():
                member.record_response(**values)
                if "follow_status_code" in cmd.changes:
                    member.check_codes(code_list(uow, "campaign_follow_status"))
            uow.campaigns.update_member(member)
            uow.commit()
        log_master_change(self._d.audit, principal, MEMBER, "update", member, before=before)
        return member


class RemoveCampaignMember:
    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, campaign_id: UUID, member_id: UUID) -> None:
        ensure_can_write(principal, self._d.audit, "campaign.member.remove")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            _editable_campaign(self._d, uow, viewer, campaign_id, "campaign.member.remove")
            member = _visible_member(uow, viewer, campaign_id, member_id)
            uow.campaigns.remove_member(campaign_id, member_id)
            uow.commit()
        log_master_change(self._d.audit, principal, MEMBER, "delete", member)


class ListCampaignMembers:
    """The members whose lead or person the principal may see."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, campaign_id: UUID, page: PageRequest) -> Page[MemberEntry]:
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            campaign = load_campaign(uow, campaign_id)
            ensure_visible(viewer, campaign.access, ENTITY, campaign_id)
            return uow.campaigns.members(viewer, campaign_id, page)
