"""Engines for SQLite (embedded default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

IDLE_PING_SECONDS = 5.0
"""A pooled PostgreSQL connection idle for longer than this is pinged before it is handed out."""


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and pick the psycopg 3 driver for them."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> sa.Engine:
    url = normalise_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, echo=echo, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    engine = sa.create_engine(
        # LIFO: the connection used last (its backend's caches and prepared statements warm) serves the
        # next request, and connections beyond the load stay idle long enough to be recycled
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_use_lifo=True,
        # a silent host must not hang a request or /readyz; JIT compiles every short OLTP plan anew
        # and doubled the time of list pages in the benchmark, so it is off for DPS's sessions
        connect_args={"connect_timeout": 5, "options": "-c jit=off"},
    )
    sa.event.listen(engine, "checkout", _ping_if_idle)
    sa.event.listen(engine, "checkin", _note_checkin)
    return engine


def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """Pessimistic disconnect handling, but only for connections that sat idle: a server restart or a
    firewall dropping idle sessions shows on those. A connection checked in moments ago is handed out
    without a round trip (`pool_pre_ping` pings on every checkout, a round trip per request). A dead one
    raises DisconnectionError, on which the pool discards it and checks out another."""
    last = record.info.get("dps_checked_in")
    if last is None or time.monotonic() - last <= IDLE_PING_SECONDS:
        return
    try:
        with dbapi_conn.cursor() as cur:
            cur.execute("SELECT 1")
        dbapi_conn.rollback()
    except Exception as e:  # any failure of the ping means the connection is unusable
        raise sa.exc.DisconnectionError(str(e)) from e


def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
    record.info["dps_checked_in"] = time.monotonic()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


READ_ONLY = "dps_read_only"
"""Execution option of a connection that only reads (a read-only unit of work)."""


def _sqlite_begin_immediate(conn: sa.Connection) -> None:
    # A write transaction from the start: avoids SQLITE_BUSY upgrades under concurrent writers. A
    # read-only unit of work takes a deferred BEGIN instead: one snapshot, and it never queues behind
    # (or blocks) a writer.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")
