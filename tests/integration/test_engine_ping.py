"""PostgreSQL connections are pinged only after sitting idle: a connection the server dropped while it
was idle is replaced before a request uses it, and a busy one costs no extra round trip."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from dps.adapters.db import engine as engine_module
from dps.adapters.db.engine import create_engine


@pytest.fixture
def pg(pg_url: str) -> Iterator[sa.Engine]:
    eng = create_engine(pg_url, pool_size=1)
    yield eng
    eng.dispose()


def _pid(eng: sa.Engine) -> int:
    with eng.connect() as conn:
        return int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def _kill(pg_url: str, pid: int) -> None:
    other = create_engine(pg_url, pool_size=1)
    with other.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    other.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced(pg: sa.Engine, pg_url: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    first = _pid(pg)
    _kill(pg_url, first)
    monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", -1.0)  # every pooled connection counts as idle
    second = _pid(pg)  # the ping fails, the pool connects anew: no error reaches the caller
    assert second != first


def test_a_busy_connection_is_not_pinged(pg: sa.Engine, pg_url: str) -> None:
    sent: list[str] = []
    first = _pid(pg)
    sa.event.listen(pg, "before_cursor_execute", lambda *a: sent.append(a[2]))
    assert _pid(pg) == first  # the same pooled connection, handed out again at once
    # the checkout hook ran but sent nothing: the only statement is the caller's
    assert sent == ["SELECT pg_backend_pid()"]
    _kill(pg_url, first)
    with pytest.raises(sa.exc.OperationalError):
        _pid(pg)  # no ping for a connection checked in moments ago: the caller sees the failure
    assert _pid(pg) != first  # and the pool has replaced it for the next one
