"""The AuditLog port on top of the per-tenant structlog channels.

Lines go to the tenant bound in structlog's contextvars (``tenant``), with the request id
and user bound there too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from dps.adapters.logs.channels import LogKind, channel, jsonable
from dps.application.shared.ports import AuditLog


def _fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: jsonable(value) for key, value in fields.items()}


class StructlogAuditLog(AuditLog):
    """Security events -> security log; master-data changes -> master log; the rest -> application."""

    def security(self, event: str, **fields: Any) -> None:
        channel(LogKind.SECURITY).info(event, **_fields(fields))

    def master_change(
        self,
        *,
        entity: str,
        record_id: UUID | str,
        action: str,
        actor: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        channel(LogKind.MASTER).info(
            "master_change",
            entity=entity,
            record_id=str(record_id),
            action=action,
            actor=actor,
            before=jsonable(before),
            after=jsonable(after),
        )

    def application(self, event: str, **fields: Any) -> None:
        channel(LogKind.APPLICATION).info(event, **_fields(fields))
