"""Register, update and delete leads (S3)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from attrs import frozen

from dps.application.sales.access import ensure_editable, update_rule, viewer_in
from dps.application.sales.campaigns.support import (
    RECORD_KEYS,
    apply_record_changes,
    check_link,
    check_restriction,
    notify_change,
    remove_files,
    today,
)
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.commands import DeleteLeadCommand, RegisterLeadCommand, UpdateLeadCommand
from dps.application.sales.record_support import acting_user, check_users, code_list, custom_fields_of, owner_of, stamp
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, Invalid, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.leads import Lead
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

ENTITY = "lead"
"""The name of leads in the audit log and the custom field definitions."""

UPDATE_KEYS = Lead.CONTENT_FIELDS | RECORD_KEYS

REFERENCE_LABELS = {"opportunities": "案件 / opportunities", "activities": "活動 / activities"}


@frozen
class LeadRegistered:
    """The new lead and, as a hint that never blocks, the visible leads with the same e-mail."""

    lead: Lead
    possible_duplicates: tuple[UUID, ...] = ()


def check_codes(uow: SalesUnitOfWork, lead: Lead, only: Iterable[str] | None = None) -> None:
    names = set(Lead.CODE_FIELDS) if only is None else set(only) & set(Lead.CODE_FIELDS)
    lists = {Lead.CODE_FIELDS[n]: code_list(uow, Lead.CODE_FIELDS[n]) for n in names}
    with domain_rules():
        lead.check_codes(lists, only=names)


def editable_lead(
    deps: SalesDeps, uow: SalesUnitOfWork, viewer: Viewer, lead_id: UUID, action: str,
    expected_version: int | None = None,
) -> Lead:
    """The lead, if the actor sees it (else 404) and may change it (else 403), at the version read."""
    lead = uow.leads.get(lead_id)
    ensure_editable(viewer, lead.access if lead else None, update_rule(uow), deps.audit, what=ENTITY, key=lead_id,
                    action=action)
    assert lead is not None
    if expected_version is not None and lead.version != expected_version:
        raise Conflict("リードは他の人が更新しました / the lead was changed by someone else",
                       current_version=lead.version)
    return lead


class RegisterLead:
    """Register a lead: company and name as captured, source and status from the tenant's code
    lists, campaign and follow status, contact fields, staff, 非公開 list, custom fields. A lead
    with the e-mail of one the actor can already see is still registered; its id is reported."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: RegisterLeadCommand) -> LeadRegistered:
        ensure_can_write(principal, self._d.audit, "lead.create")
        now, day = self._d.clock.now(), today(self._d, principal)
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            with domain_rules():
                lead = Lead(id=self._d.ids.new_id(), staff=cmd.staff, restriction=cmd.restriction, **cmd.content())
            check_codes(uow, lead)
            check_link(uow, viewer, "campaign_id", RecordType.CAMPAIGN, lead.campaign_id)
            check_users(uow, (m.user_id for m in lead.staff), "staff")
            check_restriction(uow, lead.restriction)
            lead.assign_owner(*owner_of(uow, principal, cmd.owner_id, day))
            lead.set_custom_fields(custom_fields_of(uow, ENTITY, cmd.custom_fields))
            stamp(lead, acting_user(uow, principal), now, created=True)
            duplicates = uow.leads.with_email(viewer, lead.email) if lead.email else []
            uow.leads.add(lead)
            notify_change(self._d, uow, principal, RecordType.LEAD, lead.id, _label(lead), changed=False,
                          staff_after=lead.staff)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "create", lead)
        return LeadRegistered(lead=lead, possible_duplicates=tuple(duplicates))


class UpdateLead:
    """Change a lead read at `expected_version` (409 with the current version when stale). The
    status never becomes 'converted' here (conversion does that) and a converted lead keeps it."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: UpdateLeadCommand) -> Lead:
        ensure_can_write(principal, self._d.audit, "lead.update")
        unknown = sorted(set(cmd.changes) - UPDATE_KEYS)
        if unknown:
            raise Invalid({k: "変更できない項目です / cannot be changed" for k in unknown})
        changes = cmd.changes
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            lead = editable_lead(self._d, uow, viewer, cmd.lead_id, "lead.update", cmd.expected_version)
            before, staff_before = snapshot(lead), lead.staff
            content = {k: v for k, v in changes.items() if k in Lead.CONTENT_FIELDS}
            with domain_rules():
                lead.revise(content)
            check_codes(uow, lead, only=content)
            if "campaign_id" in content:
                check_link(uow, viewer, "campaign_id", RecordType.CAMPAIGN, lead.campaign_id)
            apply_record_changes(uow, principal, viewer, lead, ENTITY, changes, today(self._d, principal))
            stamp(lead, acting_user(uow, principal), self._d.clock.now(), created=False)
            uow.leads.update(lead, cmd.expected_version)
            notify_change(self._d, uow, principal, RecordType.LEAD, lead.id, _label(lead),
                          staff_before=staff_before, staff_after=lead.staff)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "update", lead, before=before)
        return lead


class DeleteLead:
    """Delete a lead with its actions, campaign memberships, comments, attachments and
    notifications. Refused (409) once converted (it is the origin of its account, person and
    opportunity) and while opportunities or activities refer to it."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: DeleteLeadCommand) -> None:
        ensure_can_write(principal, self._d.audit, "lead.delete")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            lead = editable_lead(self._d, uow, viewer, cmd.lead_id, "lead.delete", cmd.expected_version)
            if lead.is_converted:
                raise Conflict("商談化済みのリードは削除できません / a converted lead cannot be deleted",
                               field="status_code")
            references = uow.leads.references(lead.id)
            if references:
                listed = ", ".join(f"{REFERENCE_LABELS.get(k, k)}: {n}" for k, n in sorted(references.items()))
                raise Conflict(f"参照されているため削除できません / still referenced by {listed}")
            keys = uow.leads.delete(lead.id)
            uow.commit()
        remove_files(self._d, principal, keys)
        log_master_change(self._d.audit, principal, ENTITY, "delete", lead)


def _label(lead: Lead) -> str:
    return f"{lead.company_name} {lead.person_name}"
