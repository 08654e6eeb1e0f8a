"""One line to record a master-data change in the audit log."""

from __future__ import annotations

from typing import Any

from dps.application.shared.ports import AuditLog
from dps.application.shared.snapshots import snapshot
from dps.domain.shared.principal import Principal


def log_master_change(
    audit: AuditLog,
    principal: Principal,
    entity: str,
    action: str,
    record: Any,
    *,
    before: dict[str, Any] | None = None,
) -> None:
    """`record` (an attrs object with an `id`) after `action`; `before` is its snapshot before, if any."""
    audit.master_change(
        entity=entity, record_id=record.id, action=action, actor=principal.login_id, before=before,
        after=snapshot(record),
    )
