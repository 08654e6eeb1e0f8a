"""Visibility and update checks every sales use case applies. An invisible record is reported
as not found (a 404, never a 403 that would confirm it exists); a visible one the principal may
not change is Forbidden and logged in the security log."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from dps.application.sales.records import RecordAccessReader
from dps.application.sales.uow import SalesUnitOfWork
from dps.application.shared.errors import Forbidden, NotFound
from dps.application.shared.ports import AuditLog, Clock
from dps.application.shared.time import today_in
from dps.application.visibility.viewers import viewer_for
from dps.domain.sales.records import RecordType
from dps.domain.shared.principal import Principal
from dps.domain.visibility.policy import UpdateRule, Viewer, can_comment_and_like, can_edit, can_view
from dps.domain.visibility.records import RecordAccess


def viewer_in(uow: SalesUnitOfWork, principal: Principal, clock: Clock) -> Viewer:
    """The principal's Viewer as of today in the tenant's time zone."""
    return viewer_for(uow, principal, today_in(clock, uow.tenant().time_zone))


def update_rule(uow: SalesUnitOfWork) -> UpdateRule:
    return uow.tenant().update_rule


def visible_chain(viewer: Viewer, chain: Sequence[RecordAccess]) -> bool:
    return all(can_view(viewer, access) for access in chain)


def ensure_visible(viewer: Viewer, chain: Sequence[RecordAccess] | RecordAccess | None, what: str, key: UUID) -> None:
    """NotFound unless the record exists and every link of its access chain is visible."""
    links = (chain,) if isinstance(chain, RecordAccess) else chain
    if links is None or not visible_chain(viewer, links):
        raise NotFound(what, key)


def ensure_editable(
    viewer: Viewer, chain: Sequence[RecordAccess] | RecordAccess | None, rule: UpdateRule, audit: AuditLog,
    *, what: str, key: UUID, action: str,
) -> None:
    """NotFound if invisible; Forbidden (logged) if visible but the principal may not change it."""
    links = (chain,) if isinstance(chain, RecordAccess) else chain
    ensure_visible(viewer, links, what, key)
    assert links is not None
    if not can_edit(viewer, links[0], rule):
        _deny(viewer, audit, action, what, key)


def ensure_can_comment(
    viewer: Viewer, reader: RecordAccessReader, record_type: RecordType, record_id: UUID, audit: AuditLog,
    *, action: str,
) -> tuple[RecordAccess, ...]:
    """Comment and like: anyone who sees the record, light users included - but light users only on
    activities (R5)."""
    chain = reader.access_chain(record_type, record_id)
    ensure_visible(viewer, chain, record_type.value, record_id)
    assert chain is not None
    if not viewer.principal.can_write_records and record_type is not RecordType.ACTIVITY:
        _deny(viewer, audit, action, record_type.value, record_id, reason="light users comment on activities only")
    if not can_comment_and_like(viewer, chain[0]):
        _deny(viewer, audit, action, record_type.value, record_id)
    return chain


def _deny(viewer: Viewer, audit: AuditLog, action: str, what: str, key: UUID, *, reason: str = "") -> None:
    audit.security(
        "permission.denied", user=viewer.principal.login_id, action=action, record_type=what, record_id=str(key),
        reason=reason or "not allowed to change this record",
    )
    raise Forbidden(f"you may not change this {what}" + (f" ({reason})" if reason else ""))
