"""Readiness: the database answers and its schema is at the newest migration."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from dps.adapters.db.migrations_runner import current_revision, head_revision


def database_status(engine: sa.Engine) -> tuple[bool, str]:
    """(ready, reason) — never raises."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            current = current_revision(conn)
    except SQLAlchemyError as e:
        return False, f"database unreachable: {type(e).__name__}"
    head = head_revision()
    if current != head:
        return False, f"migrations not current (database at {current}, code at {head})"
    return True, "ok"
