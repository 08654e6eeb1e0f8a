"""Permission checks every use case applies before it changes anything."""

from __future__ import annotations

from dps.application.shared.errors import Forbidden
from dps.application.shared.ports import AuditLog
from dps.domain.shared.principal import Principal


def ensure_can_write(principal: Principal, audit: AuditLog, action: str) -> None:
    """Only full users create or change records; light users may only comment and like."""
    if not principal.can_write_records:
        audit.security("permission.denied", user=principal.login_id, action=action, reason="light licence")
        raise Forbidden("a light user may only comment and like; this needs a full licence")


def ensure_admin(principal: Principal, audit: AuditLog, action: str) -> None:
    """Directory and tenant administration needs the tenant administrator role and a full licence."""
    if not (principal.is_admin and principal.can_write_records):
        audit.security("permission.denied", user=principal.login_id, action=action, reason="not an administrator")
        raise Forbidden("this needs the tenant administrator role")
