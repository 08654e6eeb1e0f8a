"""Register, update, copy (コピー) and delete 案件 opportunities."""

from __future__ import annotations

from uuid import UUID

from attrs import evolve

from dps.application.sales.access import ensure_editable, ensure_visible, update_rule, viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.opportunities.commands import CreateOpportunityCommand, UpdateOpportunityCommand
from dps.application.sales.opportunities.rules import ENTITY, apply_changes
from dps.application.sales.record_support import acting_user, code_list, primary_organization, stamp_by_actor
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.application.shared.time import today_in
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.opportunities import CERTAINTY_LIST, STAGE_LIST, Opportunity
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal

OPP = RecordType.OPPORTUNITY
STALE = "案件は他のユーザに更新されています / the opportunity was changed by someone else"


class CreateOpportunity:
    """Register an opportunity (full users). The account must exist and be visible to the actor; the
    stage and certainty are values of the tenant's code lists; the campaign, competitor accounts,
    products, staff, allow-list, relations and custom fields are checked. The owner defaults to the
    actor, stamped with the owner's primary organisation."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CreateOpportunityCommand) -> Opportunity:
        ensure_can_write(principal, self._d.audit, "opportunity.create")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            today = today_in(self._d.clock, uow.tenant().time_zone)
            with domain_rules():
                opportunity = Opportunity(
                    id=self._d.ids.new_id(), name=cmd.name, account_id=cmd.account_id, stage_code=cmd.stage_code,
                    source_lead_id=cmd.source_lead_id,
                )
            changes = evolve(cmd.details, name=cmd.name, account_id=cmd.account_id, stage_code=cmd.stage_code)
            apply_changes(uow, viewer, opportunity, changes, today=today, creating=True)
            stamp_by_actor(uow, principal, opportunity, self._d.clock.now(), created=True)
            uow.opportunities.add(opportunity)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "create", opportunity)
        return opportunity


class UpdateOpportunity:
    """Change an opportunity the actor may edit (the tenant's update rule), at the version they read:
    a stale version is a Conflict carrying the current one. Owner and staff are told (RECORD_CHANGED)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: UpdateOpportunityCommand) -> Opportunity:
        ensure_can_write(principal, self._d.audit, "opportunity.update")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_editable(viewer, uow.records.access_chain(OPP, cmd.opportunity_id), update_rule(uow),
                            self._d.audit, what="opportunity", key=cmd.opportunity_id, action="opportunity.update")
            opportunity = uow.opportunities.get(cmd.opportunity_id)
            if opportunity is None:
                raise NotFound("opportunity", cmd.opportunity_id)
            if opportunity.version != cmd.expected_version:
                raise Conflict(STALE, current_version=opportunity.version)
            before = snapshot(opportunity)
            today = today_in(self._d.clock, uow.tenant().time_zone)
            apply_changes(uow, viewer, opportunity, cmd.changes, today=today, creating=False)
            stamp_by_actor(uow, principal, opportunity, self._d.clock.now(), created=False)
            uow.opportunities.update(opportunity, cmd.expected_version)
            self._d.notifier.notify(uow, RecordEvent(
                kind=EventKind.RECORD_CHANGED, record_type=OPP, record_id=opportunity.id,
                actor_id=principal.user_id, summary=opportunity.name,
            ))
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "update", opportunity, before=before)
        return opportunity


class CopyOpportunity:
    """コピー: a new opportunity with the same content as one the actor can see - lines, competitors,
    staff, relations, 非公開 allow-list, custom fields, stage and amounts - under a fresh id, version and
    stamps, owned by the actor. Comments, likes and attachments are history of the original and are not
    copied. The copy is checked as a new registration (codes and custom fields as they stand today)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, opportunity_id: UUID) -> Opportunity:
        ensure_can_write(principal, self._d.audit, "opportunity.copy")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_visible(viewer, uow.records.access_chain(OPP, opportunity_id), "opportunity", opportunity_id)
            source = uow.opportunities.get(opportunity_id)
            if source is None:
                raise NotFound("opportunity", opportunity_id)
            today = today_in(self._d.clock, uow.tenant().time_zone)
            copy = source.copy_as(self._d.ids.new_id())
            owner = acting_user(uow, principal)
            copy.assign_owner(owner, primary_organization(uow, owner, today) if owner is not None else None)
            with domain_rules():
                copy.check_codes(stages=code_list(uow, STAGE_LIST), certainties=code_list(uow, CERTAINTY_LIST))
                copy.set_custom_fields(uow.custom_fields.schema_for(ENTITY).validate(copy.custom_fields))
                copy.settle(today=today)
            stamp_by_actor(uow, principal, copy, self._d.clock.now(), created=True)
            uow.opportunities.add(copy)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "copy", copy)
        return copy


class DeleteOpportunity:
    """Delete an opportunity the actor may edit.

    Rule: refused (Conflict, 409) while activities point at it (they are its history; unlink or
    delete them first). Its own children go with it: product lines, competitors, staff, 非公開
    allow-list, relations, comments (and their likes), likes, attachments (files removed after
    commit) and notifications."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, opportunity_id: UUID, expected_version: int | None = None) -> None:
        ensure_can_write(principal, self._d.audit, "opportunity.delete")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_editable(viewer, uow.records.access_chain(OPP, opportunity_id), update_rule(uow),
                            self._d.audit, what="opportunity", key=opportunity_id, action="opportunity.delete")
            opportunity = uow.opportunities.get(opportunity_id)
            if opportunity is None:
                raise NotFound("opportunity", opportunity_id)
            if expected_version is not None and opportunity.version != expected_version:
                raise Conflict(STALE, current_version=opportunity.version)
            if (referrer := uow.opportunities.referenced_by(opportunity_id)) is not None:
                raise Conflict(f"この案件には活動または販売実績が登録されているため削除できません / the opportunity is "
                               f"still referenced by {referrer}; unlink or delete those first")
            keys = uow.opportunities.delete(opportunity_id)
            uow.commit()
        for key in keys:
            self._d.files.delete(principal.tenant_id, key)
        self._d.audit.master_change(entity=ENTITY, record_id=opportunity_id, action="delete",
                                    actor=principal.login_id, before=snapshot(opportunity), after=None)
