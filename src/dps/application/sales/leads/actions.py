"""アクション: a lead's dated follow-up steps. Seeing them needs sight of the lead; adding and
changing them needs edit rights on it. Their kind comes from the activity_kind code list (call,
mail, visit ...), as a follow-up is the activity it plans."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.commands import AddLeadActionCommand, UpdateLeadActionCommand
from dps.application.sales.leads.manage import ENTITY, editable_lead
from dps.application.sales.record_support import acting_user, check_users, code_list
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Invalid, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.leads import LeadAction
from dps.domain.shared.principal import Principal

ACTION = "lead_action"
ACTION_KEYS = frozenset({"action_on", "kind_code", "description", "is_done", "user_id"})


class AddLeadAction:
    """Plan a follow-up step (for the actor unless another user is named)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: AddLeadActionCommand) -> LeadAction:
        ensure_can_write(principal, self._d.audit, "lead.action.add")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            editable_lead(self._d, uow, viewer, cmd.lead_id, "lead.action.add")
            if cmd.user_id is not None:
                check_users(uow, [cmd.user_id], "user_id")
            with domain_rules():
                action = LeadAction(
                    id=self._d.ids.new_id(), lead_id=cmd.lead_id, action_on=cmd.action_on, kind_code=cmd.kind_code,
                    description=cmd.description, is_done=cmd.is_done,
                    user_id=cmd.user_id if cmd.user_id is not None else acting_user(uow, principal),
                    created_at=self._d.clock.now(),
                )
                action.check_codes(code_list(uow, "activity_kind"))
            uow.leads.add_action(action)
            uow.commit()
        log_master_change(self._d.audit, principal, ACTION, "create", action)
        return action


class UpdateLeadAction:
    """Reschedule, re-describe, reassign, or mark an action done (or open again)."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: UpdateLeadActionCommand) -> LeadAction:
        ensure_can_write(principal, self._d.audit, "lead.action.update")
        unknown = sorted(set(cmd.changes) - ACTION_KEYS)
        if unknown:
            raise Invalid({k: "変更できない項目です / cannot be changed" for k in unknown})
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            editable_lead(self._d, uow, viewer, cmd.lead_id, "lead.action.update")
            action = uow.leads.get_action(cmd.lead_id, cmd.action_id)
            if action is None:
                raise NotFound(ACTION, cmd.action_id)
            if cmd.changes.get("user_id") is not None:
                check_users(uow, [cmd.changes["user_id"]], "user_id")
            before = snapshot(action)
            with domain_rules():
                action.revise(cmd.changes)
                if "kind_code" in cmd.changes:
                    action.check_codes(code_list(uow, "activity_kind"))
            uow.leads.update_action(action)
            uow.commit()
        log_master_change(self._d.audit, principal, ACTION, "update", action, before=before)
        return action


class ListLeadActions:
    """A visible lead's actions by date."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, lead_id: UUID) -> Sequence[LeadAction]:
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            lead = uow.leads.get(lead_id)
            ensure_visible(viewer, lead.access if lead else None, ENTITY, lead_id)
            return uow.leads.actions(lead_id)
