"""Which tenants' directories changed, learnt from PostgreSQL's notifications (`LISTEN dps_directory`).

Migration 0019 makes every change to a tenant row (every directory write bumps its `directory_version`)
and to an API token notify the channel with the tenant id, on commit, whatever path wrote it. One thread
per engine listens on a connection of its own and counts the notifications per tenant. A check made
against the database stays valid while the count of its tenant and the listening connection are the
ones it was stamped with (`stamp` before the read, `holds` at use): a notification in between, or a
lost connection (notifications missed), makes it stale. Not listening: no stamp, nothing is cached.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from typing import Any

import psycopg
import sqlalchemy as sa
import structlog

from dps.application.shared.freshness import Stamp
from dps.domain.shared.ids import TenantId

CHANNEL = "dps_directory"
RETRY_SECONDS = 1.0
_WATCHES: weakref.WeakKeyDictionary[sa.Engine, DirectoryWatch] = weakref.WeakKeyDictionary()
_WATCHES_LOCK = threading.Lock()


def directory_watch(engine: sa.Engine) -> DirectoryWatch | None:
    """The engine's watch (its thread starts with the first stamp asked for); None where the database
    sends no notifications."""
    if engine.dialect.name != "postgresql":
        return None
    with _WATCHES_LOCK:
        watch = _WATCHES.get(engine)
        if watch is None:
            watch = _WATCHES[engine] = DirectoryWatch(_conninfo(engine.url))
            weakref.finalize(engine, watch.stop)
        return watch


def stop_directory_watch(engine: sa.Engine) -> None:
    """Stop the engine's watch (before its database goes away); the next use starts a new one."""
    with _WATCHES_LOCK:
        watch = _WATCHES.pop(engine, None)
    if watch is not None:
        watch.stop(wait=5.0)


def _conninfo(url: sa.URL) -> dict[str, Any]:
    params: dict[str, Any] = {"host": url.host, "port": url.port, "user": url.username,
                              "password": url.password, "dbname": url.database, "connect_timeout": 5,
                              "application_name": "dps-directory-watch"}
    return {k: v for k, v in params.items() if v is not None}


class DirectoryWatch:
    """Counts `dps_directory` notifications per tenant; a reconnect starts a new generation."""

    def __init__(self, conninfo: dict[str, Any]) -> None:
        self._conninfo = conninfo
        self._lock = threading.Lock()
        self._counts: defaultdict[str, int] = defaultdict(int)
        self._generation = 0
        self._listening = False
        self._stopped = threading.Event()
        self._conn: psycopg.Connection[Any] | None = None
        self._thread = threading.Thread(target=self._run, name="dps-directory-watch", daemon=True)

    def start(self) -> None:
        with self._lock:
            if not self._thread.is_alive() and not self._stopped.is_set() and self._thread.ident is None:
                self._thread.start()

    def stop(self, wait: float = 0.0) -> None:
        """The thread ends within a second (it looks for new notifications once a second)."""
        self._stopped.set()
        if wait and self._thread.ident is not None:
            self._thread.join(wait)

    @property
    def listening(self) -> bool:
        return self._listening

    @property
    def backend_pid(self) -> int | None:
        """The listening connection's server process (for tests that cut it)."""
        conn = self._conn
        return None if conn is None or conn.closed else conn.info.backend_pid

    def stamp(self, tenant_id: TenantId) -> Stamp | None:
        """Take before reading what is to be cached; None while not listening (cache nothing)."""
        if self._thread.ident is None:
            self.start()
        with self._lock:
            if not self._listening:
                return None
            return (self._generation, self._counts[str(tenant_id)])

    def holds(self, stamp: Stamp, tenant_id: TenantId) -> bool:
        """No notification for the tenant, and no lost connection, since `stamp` was taken."""
        with self._lock:
            return self._listening and stamp == (self._generation, self._counts.get(str(tenant_id), 0))

    # -- the listening thread

    def _run(self) -> None:
        log = structlog.get_logger("dps.directory_watch")
        while not self._stopped.is_set():
            try:
                with psycopg.connect(**self._conninfo, autocommit=True) as conn:
                    self._conn = conn
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._set_listening(True)
                    while not self._stopped.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._changed(note.payload)
            except Exception as e:  # whatever broke: trust nothing, listen again
                if not self._stopped.is_set():
                    log.warning("directory_watch.lost", error=str(e).splitlines()[0] if str(e) else type(e).__name__)
            finally:
                self._set_listening(False)
                self._conn = None
            self._stopped.wait(RETRY_SECONDS)

    def _set_listening(self, on: bool) -> None:
        with self._lock:
            if self._listening != on:
                self._generation += 1
                self._counts.clear()
            self._listening = on

    def _changed(self, tenant: str) -> None:
        with self._lock:
            self._counts[tenant] += 1
