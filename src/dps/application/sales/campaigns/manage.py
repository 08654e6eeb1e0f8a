"""Register, update, copy and delete campaigns (S2)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from uuid import UUID

from dps.application.sales.access import ensure_editable, ensure_visible, update_rule, viewer_in
from dps.application.sales.campaigns.commands import (
    CopyCampaignCommand,
    DeleteCampaignCommand,
    RegisterCampaignCommand,
    UpdateCampaignCommand,
)
from dps.application.sales.campaigns.support import (
    RECORD_KEYS,
    apply_record_changes,
    check_link,
    check_relations,
    check_restriction,
    notify_change,
    remove_files,
    today,
)
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import acting_user, check_users, code_list, custom_fields_of, owner_of, stamp
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, Invalid, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.campaigns import Campaign
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

ENTITY = "campaign"
"""The name of campaigns in the audit log and the custom field definitions."""

UPDATE_KEYS = Campaign.CONTENT_FIELDS | {"parent_campaign_id", *RECORD_KEYS}

REFERENCE_LABELS = {
    "opportunities": "案件 / opportunities", "activities": "活動 / activities", "leads": "リード / leads",
    "child_campaigns": "子キャンペーン / child campaigns",
}


def _check_codes(uow: SalesUnitOfWork, campaign: Campaign, only: Iterable[str] | None = None) -> None:
    with domain_rules():
        campaign.check_codes(code_list(uow, "campaign_kind"), code_list(uow, "campaign_status"), only=only)


def _set_parent(uow: SalesUnitOfWork, viewer: Viewer, campaign: Campaign, parent_id: UUID | None) -> None:
    """The parent must be a campaign the actor sees, and not the campaign itself or one below it."""
    check_link(uow, viewer, "parent_campaign_id", RecordType.CAMPAIGN, parent_id)
    ancestry = uow.campaigns.ancestors(parent_id) if parent_id is not None else []
    with domain_rules():
        campaign.attach_to(parent_id, ancestry)


def load_campaign(uow: SalesUnitOfWork, campaign_id: UUID) -> Campaign:
    campaign = uow.campaigns.get(campaign_id)
    if campaign is None:
        raise NotFound(ENTITY, campaign_id)
    return campaign


class RegisterCampaign:
    """Register a campaign: name, period (the end on or after the start), kind and status from the
    tenant's code lists, budget and targets, parent, staff, relations, 非公開 list, custom fields.
    Full users only; the actor owns it unless another owner is named."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: RegisterCampaignCommand) -> Campaign:
        ensure_can_write(principal, self._d.audit, "campaign.create")
        now, day = self._d.clock.now(), today(self._d, principal)
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            with domain_rules():
                campaign = Campaign(
                    id=self._d.ids.new_id(), staff=cmd.staff, relations=cmd.relations, restriction=cmd.restriction,
                    **cmd.content(),
                )
            _check_codes(uow, campaign)
            _set_parent(uow, viewer, campaign, cmd.parent_campaign_id)
            check_users(uow, (m.user_id for m in campaign.staff), "staff")
            check_restriction(uow, campaign.restriction)
            check_relations(uow, viewer, campaign.relations)
            campaign.assign_owner(*owner_of(uow, principal, cmd.owner_id, day))
            campaign.set_custom_fields(custom_fields_of(uow, ENTITY, cmd.custom_fields))
            stamp(campaign, acting_user(uow, principal), now, created=True)
            uow.campaigns.add(campaign)
            notify_change(self._d, uow, principal, RecordType.CAMPAIGN, campaign.id, campaign.name, changed=False,
                          staff_after=campaign.staff)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "create", campaign)
        return campaign


class UpdateCampaign:
    """Change a campaign read at `expected_version` (409 with the current version when stale). Only
    those who may edit it (the tenant's update rule) and see it (else 404)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: UpdateCampaignCommand) -> Campaign:
        ensure_can_write(principal, self._d.audit, "campaign.update")
        unknown = sorted(set(cmd.changes) - UPDATE_KEYS)
        if unknown:
            raise Invalid({k: "変更できない項目です / cannot be changed" for k in unknown})
        changes = cmd.changes
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            campaign = uow.campaigns.get(cmd.campaign_id)
            ensure_editable(viewer, campaign.access if campaign else None, update_rule(uow), self._d.audit,
                            what=ENTITY, key=cmd.campaign_id, action="campaign.update")
            assert campaign is not None
            if campaign.version != cmd.expected_version:
                raise Conflict("キャンペーンは他の人が更新しました / the campaign was changed by someone else",
                               current_version=campaign.version)
            before, staff_before = snapshot(campaign), campaign.staff
            content = {k: v for k, v in changes.items() if k in Campaign.CONTENT_FIELDS}
            with domain_rules():
                campaign.revise(content)
            _check_codes(uow, campaign, only=content)
            if "parent_campaign_id" in changes:
                _set_parent(uow, viewer, campaign, changes["parent_campaign_id"])
            if "relations" in changes:
                check_relations(uow, viewer, changes["relations"])
                with domain_rules():
                    campaign.set_relations(changes["relations"])
            apply_record_changes(uow, principal, viewer, campaign, ENTITY, changes, today(self._d, principal))
            stamp(campaign, acting_user(uow, principal), self._d.clock.now(), created=False)
            uow.campaigns.update(campaign, cmd.expected_version)
            notify_change(self._d, uow, principal, RecordType.CAMPAIGN, campaign.id, campaign.name,
                          staff_before=staff_before, staff_after=campaign.staff)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "update", campaign, before=before)
        return campaign


class CopyCampaign:
    """コピー: a new campaign with the same content, staff, relations, 非公開 list, custom fields and
    parent, owned by the actor; without comments, likes, attachments and members (the 招待リスト
    belongs to the run it was made for). A new start date without an end date moves the end by
    the same number of days."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CopyCampaignCommand) -> Campaign:
        ensure_can_write(principal, self._d.audit, "campaign.copy")
        now, day = self._d.clock.now(), today(self._d, principal)
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            source = uow.campaigns.get(cmd.campaign_id)
            ensure_visible(viewer, source.access if source else None, ENTITY, cmd.campaign_id)
            assert source is not None
            overrides: dict[str, Any] = {}
            if cmd.name is not None:
                overrides["name"] = cmd.name
            if cmd.starts_on is not None:
                overrides["starts_on"] = cmd.starts_on
                if cmd.ends_on is None and source.ends_on is not None:
                    overrides["ends_on"] = source.ends_on + timedelta(days=(cmd.starts_on - source.starts_on).days)
            if cmd.ends_on is not None:
                overrides["ends_on"] = cmd.ends_on
            with domain_rules():
                copy = source.copy_as(self._d.ids.new_id(), **overrides)
            copy.assign_owner(*owner_of(uow, principal, None, day))
            stamp(copy, acting_user(uow, principal), now, created=True)
            uow.campaigns.add(copy)
            notify_change(self._d, uow, principal, RecordType.CAMPAIGN, copy.id, copy.name, changed=False,
                          staff_after=copy.staff)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "copy", copy)
        return copy


class DeleteCampaign:
    """Delete a campaign with its members, comments, likes, attachments and notifications. Refused
    (409) while opportunities, activities, leads or child campaigns refer to it: those links are
    history and are not silently cut."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: DeleteCampaignCommand) -> None:
        ensure_can_write(principal, self._d.audit, "campaign.delete")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            campaign = uow.campaigns.get(cmd.campaign_id)
            ensure_editable(viewer, campaign.access if campaign else None, update_rule(uow), self._d.audit,
                            what=ENTITY, key=cmd.campaign_id, action="campaign.delete")
            assert campaign is not None
            if cmd.expected_version is not None and campaign.version != cmd.expected_version:
                raise Conflict("キャンペーンは他の人が更新しました / the campaign was changed by someone else",
                               current_version=campaign.version)
            references = uow.campaigns.references(campaign.id)
            if references:
                listed = ", ".join(f"{REFERENCE_LABELS.get(k, k)}: {n}" for k, n in sorted(references.items()))
                raise Conflict(f"参照されているため削除できません / still referenced by {listed}")
            keys = uow.campaigns.delete(campaign.id)
            uow.commit()
        remove_files(self._d, principal, keys)
        log_master_change(self._d.audit, principal, ENTITY, "delete", campaign)

