"""Register an activity (予定 or 実績, optionally moving its opportunity on) and copy one to plan the next."""

from __future__ import annotations

from dps.application.sales.access import ensure_visible, viewer_in
from dps.application.sales.activities.commands import CopyActivityCommand, CreateActivityCommand, SavedActivity
from dps.application.sales.activities.progress import ProgressReport, report_progress
from dps.application.sales.activities.support import (
    ENTITY,
    LINKS,
    activity_codes,
    calendar_of,
    check_link,
    check_persons,
    check_staff,
)
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import acting_user, check_users, custom_fields_of, owner_of, stamp
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.domain.sales.activities import Activity, ActivityDetails, parse_status
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal


def notify_registered(deps: SalesDeps, uow: SalesUnitOfWork, principal: Principal, activity: Activity) -> None:
    """The people of an opportunity hear of an activity registered on it (M5)."""
    if activity.opportunity_id is None:
        return
    deps.notifier.notify(uow, RecordEvent(
        kind=EventKind.ACTIVITY_REGISTERED, record_type=RecordType.OPPORTUNITY, record_id=activity.opportunity_id,
        actor_id=principal.user_id, summary=activity.subject,
    ))


def log_progress(deps: SalesDeps, principal: Principal, report: ProgressReport | None) -> None:
    if report is not None and report.changed:
        log_master_change(deps.audit, principal, "opportunity", "update", report.opportunity, before=report.before)


class CreateActivity:
    """Register an activity.

    - Full users only (a light user gets 403).
    - Account, opportunity, campaign, lead and persons met must exist and be visible to the actor;
      without an account, the opportunity's account is used. Attendees and staff are users.
    - Codes, times and status rules as in `dps.domain.sales.activities.Activity`; custom fields
      against the tenant's definitions.
    - With `opportunity_update` (an actual activity only) the opportunity moves on in the same
      transaction; a stale opportunity version saves nothing (409).
    """

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CreateActivityCommand) -> SavedActivity:
        ensure_can_write(principal, self._d.audit, "activity.create")
        calendar = calendar_of(self._d, principal)
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            for name in LINKS:
                check_link(uow, viewer, name, getattr(cmd, name))
            account_id = cmd.account_id
            if account_id is None and cmd.opportunity_id is not None:
                account_id = uow.activities.opportunity_account_id(cmd.opportunity_id)
            check_persons(uow, viewer, cmd.person_ids)
            check_users(uow, cmd.attendee_ids, "attendee_ids")
            check_staff(uow, cmd.staff)
            with domain_rules():
                details = ActivityDetails(
                    status=parse_status(cmd.status), kind_code=cmd.kind_code, subject=cmd.subject,
                    activity_date=cmd.activity_date, starts_at=cmd.starts_at, ends_at=cmd.ends_at,
                    purpose_code=cmd.purpose_code, result_code=cmd.result_code, content=cmd.content,
                    next_action=cmd.next_action, next_action_on=cmd.next_action_on, account_id=account_id,
                    opportunity_id=cmd.opportunity_id, campaign_id=cmd.campaign_id, lead_id=cmd.lead_id,
                    person_ids=tuple(cmd.person_ids), attendee_ids=tuple(cmd.attendee_ids),
                )
                activity = Activity.register(
                    self._d.ids.new_id(), details, codes=activity_codes(uow), tz=calendar.tz, today=calendar.today
                )
                activity.set_staff(cmd.staff)
            activity.restrict(cmd.restriction)
            activity.set_custom_fields(custom_fields_of(uow, ENTITY, cmd.custom_fields))
            activity.assign_owner(*owner_of(uow, principal, cmd.owner_id, calendar.today))
            actor = acting_user(uow, principal)
            stamp(activity, actor, calendar.now, created=True)
            report = None
            if cmd.opportunity_update is not None:
                report = report_progress(
                    self._d, uow, viewer, activity, cmd.opportunity_update, actor=actor, calendar=calendar
                )
            uow.activities.add(activity)
            notify_registered(self._d, uow, principal, activity)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "create", activity)
        log_progress(self._d, principal, report)
        return SavedActivity(activity=activity, opportunity_version=report.opportunity.version if report else None)


class CopyActivity:
    """コピー: a new 予定 with the original's content, links, persons, attendees, staff, restriction and
    custom fields - not its comments, likes, attachments, result or next action. The actor owns it.
    The actor must see the original and every record it links to."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: CopyActivityCommand) -> Activity:
        ensure_can_write(principal, self._d.audit, "activity.copy")
        calendar = calendar_of(self._d, principal)
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            ensure_visible(viewer, uow.records.access_chain(RecordType.ACTIVITY, cmd.activity_id), ENTITY,
                           cmd.activity_id)
            original = uow.activities.get(cmd.activity_id)
            if original is None:
                raise NotFound(ENTITY, cmd.activity_id)
            for name in LINKS:
                check_link(uow, viewer, name, getattr(original, name))
            check_persons(uow, viewer, original.person_ids)
            with domain_rules():
                copy = original.copy_as_plan(
                    self._d.ids.new_id(), codes=activity_codes(uow), tz=calendar.tz, today=calendar.today,
                    activity_date=cmd.activity_date, starts_at=cmd.starts_at, ends_at=cmd.ends_at,
                )
            copy.set_custom_fields(custom_fields_of(uow, ENTITY, original.custom_fields))
            copy.assign_owner(*owner_of(uow, principal, None, calendar.today))
            stamp(copy, acting_user(uow, principal), calendar.now, created=True)
            uow.activities.add(copy)
            notify_registered(self._d, uow, principal, copy)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "copy", copy)
        return copy
