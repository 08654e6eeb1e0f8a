"""Change an activity (a partial update at the version the user read) and delete one."""

from __future__ import annotations

from typing import Any

from attrs import evolve

from dps.application.sales.access import ensure_editable, update_rule, viewer_in
from dps.application.sales.activities.commands import (
    UNSET,
    DeleteActivityCommand,
    SavedActivity,
    UpdateActivityCommand,
)
from dps.application.sales.activities.progress import report_progress
from dps.application.sales.activities.register import log_progress, notify_registered
from dps.application.sales.activities.support import (
    ENTITY,
    LINKS,
    activity_codes,
    calendar_of,
    check_link,
    check_persons,
    check_staff,
    custom_fields_changed,
)
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import acting_user, check_users, owner_of, stamp
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.audit import log_master_change
from dps.application.shared.errors import Conflict, NotFound, domain_rules
from dps.application.shared.guards import ensure_can_write
from dps.application.shared.snapshots import snapshot
from dps.domain.sales.activities import DETAIL_FIELDS, Activity, ActivityDetails, parse_status
from dps.domain.sales.events import EventKind, RecordEvent
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal


def _merged(current: ActivityDetails, cmd: UpdateActivityCommand) -> ActivityDetails:
    """The activity's details with the fields the command names. A new start without a new date
    moves the date to the start's local day; a new opportunity without an account brings its account
    (filled in by the caller)."""
    changes: dict[str, Any] = {
        name: getattr(cmd, name) for name in DETAIL_FIELDS if getattr(cmd, name) is not UNSET
    }
    if "status" in changes:
        changes["status"] = parse_status(changes["status"])
    if changes.get("starts_at") is not None and "activity_date" not in changes:
        changes["activity_date"] = None
    for name in ("person_ids", "attendee_ids"):
        if name in changes:
            changes[name] = tuple(changes[name])
    return evolve(current, **changes)


class UpdateActivity:
    """Change what the command names.

    - Full users who may edit the activity (the tenant's update rule) and see its opportunity (R6).
    - The version read must still be current (else 409 with the current version).
    - Newly linked records, persons, attendees and staff are checked as on registration.
    - With `opportunity_update` the (now actual) activity's opportunity moves on in the same transaction.
    """

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: UpdateActivityCommand) -> SavedActivity:
        ensure_can_write(principal, self._d.audit, "activity.update")
        calendar = calendar_of(self._d, principal)
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            chain = uow.records.access_chain(RecordType.ACTIVITY, cmd.activity_id)
            ensure_editable(viewer, chain, update_rule(uow), self._d.audit, what=ENTITY, key=cmd.activity_id,
                            action="activity.update")
            activity = uow.activities.get(cmd.activity_id)
            if activity is None:
                raise NotFound(ENTITY, cmd.activity_id)
            if activity.version != cmd.expected_version:
                raise Conflict("活動は他の人が先に更新しました / the activity was changed by someone else",
                               current_version=activity.version)
            before = snapshot(activity)
            was_actual = activity.is_actual
            current = activity.details
            with domain_rules():
                details = _merged(current, cmd)
            if cmd.opportunity_id is not UNSET and cmd.opportunity_id is not None and details.account_id is None:
                details = evolve(details, account_id=uow.activities.opportunity_account_id(cmd.opportunity_id))
            for name in LINKS:
                if getattr(details, name) != getattr(current, name):
                    check_link(uow, viewer, name, getattr(details, name))
            check_persons(uow, viewer, [p for p in details.person_ids if p not in current.person_ids])
            check_users(uow, [u for u in details.attendee_ids if u not in current.attendee_ids], "attendee_ids")
            with domain_rules():
                activity.revise(details, codes=activity_codes(uow), tz=calendar.tz, today=calendar.today)
                if cmd.staff is not UNSET:
                    check_staff(uow, [m for m in cmd.staff if m.user_id not in {s.user_id for s in activity.staff}])
                    activity.set_staff(cmd.staff)
            if cmd.restriction is not UNSET:
                activity.restrict(cmd.restriction)
            if cmd.custom_fields is not UNSET:
                activity.set_custom_fields(custom_fields_changed(uow, activity.custom_fields, cmd.custom_fields))
            if cmd.owner_id is not UNSET and cmd.owner_id != activity.owner_id:
                activity.assign_owner(*owner_of(uow, principal, cmd.owner_id, calendar.today))
            actor = acting_user(uow, principal)
            stamp(activity, actor, calendar.now, created=False)
            report = None
            if cmd.opportunity_update is not None:
                report = report_progress(
                    self._d, uow, viewer, activity, cmd.opportunity_update, actor=actor, calendar=calendar
                )
            activity.version = uow.activities.update(activity, cmd.expected_version)
            self._notify(uow, principal, activity, became_actual=activity.is_actual and not was_actual,
                         opportunity_changed=report is not None and report.changed)
            uow.commit()
        log_master_change(self._d.audit, principal, ENTITY, "update", activity, before=before)
        log_progress(self._d, principal, report)
        return SavedActivity(activity=activity, opportunity_version=report.opportunity.version if report else None)

    def _notify(
        self, uow: SalesUnitOfWork, principal: Principal, activity: Activity, *, became_actual: bool,
        opportunity_changed: bool,
    ) -> None:
        """Its people hear the activity changed; the opportunity's people hear of an actual registered on
        it (a plan turned actual) or of the progress it reported."""
        self._d.notifier.notify(uow, RecordEvent(
            kind=EventKind.RECORD_CHANGED, record_type=RecordType.ACTIVITY, record_id=activity.id,
            actor_id=principal.user_id, summary=activity.subject,
        ))
        if became_actual and activity.opportunity_id is not None:
            notify_registered(self._d, uow, principal, activity)
        elif opportunity_changed and activity.opportunity_id is not None:
            self._d.notifier.notify(uow, RecordEvent(
                kind=EventKind.RECORD_CHANGED, record_type=RecordType.OPPORTUNITY,
                record_id=activity.opportunity_id, actor_id=principal.user_id, summary=activity.subject,
            ))


class DeleteActivity:
    """Delete an activity with everything hanging off it: persons met, attendees, staff, allow-list,
    comments and their likes, likes, attachments (rows now, files after commit) and notifications.
    Nothing else refers to an activity, so nothing is refused. With `expected_version`, a stale one is 409."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps

    def __call__(self, principal: Principal, cmd: DeleteActivityCommand) -> None:
        ensure_can_write(principal, self._d.audit, "activity.delete")
        with self._d.uow(principal.tenant_id) as uow:
            viewer = viewer_in(uow, principal, self._d.clock)
            chain = uow.records.access_chain(RecordType.ACTIVITY, cmd.activity_id)
            ensure_editable(viewer, chain, update_rule(uow), self._d.audit, what=ENTITY, key=cmd.activity_id,
                            action="activity.delete")
            activity = uow.activities.get(cmd.activity_id)
            if activity is None:
                raise NotFound(ENTITY, cmd.activity_id)
            if cmd.expected_version is not None and activity.version != cmd.expected_version:
                raise Conflict("活動は他の人が先に更新しました / the activity was changed by someone else",
                               current_version=activity.version)
            keys = uow.activities.delete(cmd.activity_id)
            uow.commit()
        for key in keys:
            self._d.files.delete(principal.tenant_id, key)
        self._d.audit.master_change(
            entity=ENTITY, record_id=activity.id, action="delete", actor=principal.login_id,
            before=snapshot(activity), after=None,
        )
