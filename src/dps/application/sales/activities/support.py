"""What the activity use cases share: the acting user's calendar, the activity code lists, and the
checks on what an activity points at (linked records, persons met, staff)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from attrs import frozen

from dps.application.sales.access import visible_chain
from dps.application.sales.deps import SalesDeps
from dps.application.sales.record_support import check_users, code_list
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Invalid, domain_rules
from dps.domain.sales.activities import ActivityCodes
from dps.domain.sales.records import RecordType, StaffMember
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import Viewer

ENTITY = "activity"
"""The name of activities in the audit log and the custom field definitions."""

LINKS: dict[str, tuple[RecordType, str]] = {
    "account_id": (RecordType.ACCOUNT, "取引先が見つかりません / no such account"),
    "opportunity_id": (RecordType.OPPORTUNITY, "案件が見つかりません / no such opportunity"),
    "campaign_id": (RecordType.CAMPAIGN, "キャンペーンが見つかりません / no such campaign"),
    "lead_id": (RecordType.LEAD, "リードが見つかりません / no such lead"),
}
"""Linked records: each must exist and be visible to the actor (an invisible one reads as missing)."""


@frozen
class Calendar:
    """The actor's time zone and today there: an activity's date is a local date."""

    tz: ZoneInfo
    today: date
    now: datetime


def calendar_of(deps: SalesDeps, principal: Principal) -> Calendar:
    tz = ZoneInfo(principal.time_zone)
    now = deps.clock.now()
    return Calendar(tz=tz, today=now.astimezone(tz).date(), now=now)


def activity_codes(uow: SalesUnitOfWork) -> ActivityCodes:
    return ActivityCodes(
        kinds=code_list(uow, "activity_kind"), purposes=code_list(uow, "activity_purpose"),
        results=code_list(uow, "activity_result"),
    )


def check_link(uow: SalesUnitOfWork, viewer: Viewer, name: str, record_id: UUID | None) -> None:
    """Invalid (field `name`) unless the linked record exists and the actor sees it (R6 included)."""
    if record_id is None:
        return
    record_type, message = LINKS[name]
    chain = uow.records.access_chain(record_type, record_id)
    if chain is None or not visible_chain(viewer, chain):
        raise Invalid.field(name, message)


def check_persons(uow: SalesUnitOfWork, viewer: Viewer, person_ids: Iterable[UUID]) -> None:
    """Persons met (面談者) must exist and be visible."""
    for person_id in person_ids:
        chain = uow.records.access_chain(RecordType.PERSON, person_id)
        if chain is None or not visible_chain(viewer, chain):
            raise Invalid.field("person_ids", f"パーソンが見つかりません / no such person: {person_id}")


def check_staff(uow: SalesUnitOfWork, staff: Iterable[StaffMember]) -> None:
    check_users(uow, (m.user_id for m in staff), "staff")


def custom_fields_changed(
    uow: SalesUnitOfWork, current: Mapping[str, Any], changes: Mapping[str, Any]
) -> dict[str, Any]:
    """The values after a partial change: keys sent are set (empty clears), others keep their value."""
    with domain_rules():
        return uow.custom_fields.schema_for(ENTITY).apply_changes(current, changes)
