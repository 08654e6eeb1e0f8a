"""活動報告 (mobile M1): an actual activity moves its opportunity on - stage, certainty, expected
order date and amount - in the transaction that saves the activity. The actor must be allowed to
edit the opportunity, and a stale opportunity version fails the whole registration."""

from __future__ import annotations

from typing import Any

from attrs import frozen

from dps.application.sales.access import ensure_editable, update_rule
from dps.application.sales.activities.commands import OpportunityProgress
from dps.application.sales.activities.support import Calendar
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import code_list
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Conflict, Invalid, NotFound, domain_rules
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.activities import Activity
from dps.domain.sales.opportunities import CERTAINTY_LIST, STAGE_LIST, Opportunity
from dps.domain.sales.records import RecordType
from dps.domain.shared.errors import DomainError
from dps.domain.shared.ids import UserId
from dps.domain.shared.money import to_money
from dps.domain.visibility.policy import Viewer

FIELD = "opportunity_update"


@frozen
class ProgressReport:
    """The opportunity after the report, its snapshot before (for the change log) and its new version."""

    opportunity: Opportunity
    before: dict[str, Any]
    changed: bool


def report_progress(
    deps: SalesDeps, uow: SalesUnitOfWork, viewer: Viewer, activity: Activity, progress: OpportunityProgress,
    *, actor: UserId | None, calendar: Calendar,
) -> ProgressReport:
    """Apply `progress` to the activity's opportunity and save it (not committed). NotFound when the
    opportunity is invisible, Forbidden when the actor may not edit it, Conflict when stale, Invalid
    for a bad value (fields prefixed `opportunity_update.`)."""
    with domain_rules():
        activity.check_can_report_progress()
    opportunity_id = activity.opportunity_id
    assert opportunity_id is not None
    chain = uow.records.access_chain(RecordType.OPPORTUNITY, opportunity_id)
    ensure_editable(viewer, chain, update_rule(uow), deps.audit, what="opportunity", key=opportunity_id,
                    action="activity.update_opportunity")
    opportunity = uow.opportunities.get(opportunity_id)
    if opportunity is None:
        raise NotFound("opportunity", opportunity_id)
    if opportunity.version != progress.expected_version:
        raise Conflict("案件は他の人が先に更新しました / the opportunity was changed by someone else",
                       current_version=opportunity.version, field=f"{FIELD}.expected_version")
    before = snapshot(opportunity)
    try:
        amount = (None if progress.expected_amount is None
                  else to_money(progress.expected_amount, field="expected_amount"))
        changed = opportunity.record_progress(
            stage_code=progress.stage_code, certainty_code=progress.certainty_code,
            expected_order_date=progress.expected_order_date, expected_amount=amount,
            stages=code_list(uow, STAGE_LIST), certainties=code_list(uow, CERTAINTY_LIST),
            lost_reason=progress.lost_reason, today=activity.activity_date,
        )
    except DomainError as e:
        raise Invalid.field(f"{FIELD}.{e.field or '_'}", e.message) from e
    if changed:
        if actor is not None:
            opportunity.stamp_updated(actor, calendar.now)
        else:
            opportunity.updated_at = calendar.now
        opportunity.version = uow.opportunities.update(opportunity, progress.expected_version)
    return ProgressReport(opportunity=opportunity, before=before, changed=changed)
