"""Per-tenant structured log files (spec 3.4), written to real files."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog

from dps.adapters.logs.audit import StructlogAuditLog
from dps.adapters.logs.channels import (
    LogKind,
    TenantFileRouter,
    channel,
    configure_logging,
    reset_logging,
)


@pytest.fixture(autouse=True)
def _clean_logging() -> Iterator[None]:
    structlog.contextvars.clear_contextvars()
    yield
    structlog.contextvars.clear_contextvars()
    reset_logging()


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _router() -> TenantFileRouter:
    routers = [h for h in logging.getLogger("dps.log").handlers if isinstance(h, TenantFileRouter)]
    assert len(routers) == 1
    return routers[0]


def test_each_kind_goes_to_its_own_file_of_the_bound_tenant(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    structlog.contextvars.bind_contextvars(tenant="acme", request_id="req-123", user="u-1")

    for kind in LogKind:
        channel(kind).info(f"{kind.value}.happened", n=1)

    files = sorted(p.name for p in (tmp_path / "acme").iterdir())
    assert files == sorted(f"{kind.value}.log" for kind in LogKind)
    for kind in LogKind:
        [line] = _lines(tmp_path / "acme" / f"{kind.value}.log")
        assert line["event"] == f"{kind.value}.happened"
        assert line["request_id"] == "req-123"
        assert line["tenant"] == "acme"
        assert line["user"] == "u-1"
        assert line["level"] == "info"
        assert line["n"] == 1
        ts = datetime.fromisoformat(line["ts"])
        assert ts.utcoffset() == timedelta(0)


def test_a_line_without_tenant_goes_to_the_system_directory(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    structlog.contextvars.bind_contextvars(request_id="boot")

    channel(LogKind.SYSTEM).info("server.started", port=8000)

    assert [p.name for p in tmp_path.iterdir()] == ["_system"]
    [line] = _lines(tmp_path / "_system" / "system.log")
    assert line["event"] == "server.started"
    assert line["request_id"] == "boot"
    assert "tenant" not in line


@pytest.mark.parametrize(
    "tenant", ["../evil", "..", "../../etc/passwd", "/abs/evil", "a/../../b", "..\\..\\evil", "", "Ac me"]
)
def test_a_tenant_value_cannot_escape_the_log_directory(tmp_path: Path, tenant: str) -> None:
    log_dir = tmp_path / "logs"
    configure_logging(log_dir)
    structlog.contextvars.bind_contextvars(tenant=tenant, request_id="r")

    channel(LogKind.SECURITY).warning("login.failed")

    assert [p.name for p in tmp_path.iterdir()] == ["logs"]
    written = [p for p in log_dir.rglob("*") if p.is_file()]
    assert len(written) == 1
    [path] = written
    assert path.name == "security.log"
    assert path.resolve().parent.parent == log_dir.resolve()
    assert set(path.parent.name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_")
    [line] = _lines(path)
    assert line["event"] == "login.failed"
    assert line["level"] == "warning"


def test_files_rotate_daily_at_midnight_keeping_31_generations(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    structlog.contextvars.bind_contextvars(tenant="acme", request_id="r1")
    channel(LogKind.REQUEST).info("request.finished")

    handler = _router().file_handler("acme", LogKind.REQUEST)
    assert handler.backupCount == 31
    assert handler.when == "MIDNIGHT"
    assert handler.utc is False
    assert Path(handler.baseFilename) == (tmp_path / "acme" / "request.log").resolve()

    handler.doRollover()
    channel(LogKind.REQUEST).info("request.finished", after="rollover")

    [rotated] = list((tmp_path / "acme").glob("request.log.*"))
    assert [line["event"] for line in _lines(rotated)] == ["request.finished"]
    [line] = _lines(tmp_path / "acme" / "request.log")
    assert line["after"] == "rollover"


def test_configuring_again_moves_to_the_new_directory_and_closes_old_files(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    configure_logging(first)
    structlog.contextvars.bind_contextvars(tenant="acme")
    channel(LogKind.APPLICATION).info("one")
    old = _router().file_handler("acme", LogKind.APPLICATION)

    configure_logging(second)
    channel(LogKind.APPLICATION).info("two")

    assert old.stream is None  # closed
    assert [line["event"] for line in _lines(first / "acme" / "application.log")] == ["one"]
    assert [line["event"] for line in _lines(second / "acme" / "application.log")] == ["two"]
    assert len(logging.getLogger("dps.log").handlers) == 1


def test_stdlib_records_carry_the_context_too(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    structlog.contextvars.bind_contextvars(tenant="acme", request_id="r9")

    logging.getLogger("dps.log.screen").info("screen %s", "opportunity.list")
    logging.getLogger("some.library").warning("pool exhausted")
    logging.getLogger("some.library").info("chatter that is not kept")

    [screen] = _lines(tmp_path / "acme" / "screen.log")
    assert screen["event"] == "screen opportunity.list"
    assert screen["request_id"] == "r9"
    [system] = _lines(tmp_path / "acme" / "system.log")
    assert system["event"] == "pool exhausted"
    assert system["logger"] == "some.library"
    assert system["request_id"] == "r9"


def test_exceptions_are_rendered_into_the_line(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    structlog.contextvars.bind_contextvars(tenant="acme")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        channel(LogKind.APPLICATION).exception("batch.failed")

    [line] = _lines(tmp_path / "acme" / "application.log")
    assert line["level"] == "error"
    assert "RuntimeError: boom" in line["exception"]


def test_level_filters_lines(tmp_path: Path) -> None:
    configure_logging(tmp_path, level="warning")
    structlog.contextvars.bind_contextvars(tenant="acme")

    channel(LogKind.APPLICATION).info("dropped")
    channel(LogKind.APPLICATION).warning("kept")

    assert [line["event"] for line in _lines(tmp_path / "acme" / "application.log")] == ["kept"]


def test_stream_echoes_system_and_application_lines_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(tmp_path, stream=True)
    structlog.contextvars.bind_contextvars(tenant="acme", request_id="r2")

    for kind in LogKind:
        channel(kind).info(f"{kind.value}.echo")

    echoed = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert sorted(line["event"] for line in echoed) == ["application.echo", "system.echo"]
    assert all(line["request_id"] == "r2" for line in echoed)
    assert (tmp_path / "acme" / "request.log").exists()


def test_concurrent_threads_keep_their_own_tenant(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    tenants = ["t1", "t2", "t3", "t4"]
    per_thread = 50

    def work(tenant: str, worker: int) -> None:
        structlog.contextvars.bind_contextvars(tenant=tenant, request_id=f"{tenant}-{worker}")
        for i in range(per_thread):
            channel(LogKind.REQUEST).info("hit", i=i)

    threads = [
        threading.Thread(target=work, args=(tenant, worker)) for tenant in tenants for worker in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for tenant in tenants:
        lines = _lines(tmp_path / tenant / "request.log")
        assert len(lines) == 2 * per_thread
        assert {line["tenant"] for line in lines} == {tenant}
        assert {line["request_id"] for line in lines} == {f"{tenant}-0", f"{tenant}-1"}


def test_audit_master_change_writes_before_and_after_as_json(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    structlog.contextvars.bind_contextvars(tenant="acme", request_id="req-7", user="admin")
    record_id, owner_id = uuid.uuid4(), uuid.uuid4()
    changed_at = datetime(2024, 4, 1, 9, 30, tzinfo=UTC)

    StructlogAuditLog().master_change(
        entity="account",
        record_id=record_id,
        action="update",
        actor="admin",
        before={"name": "株式会社A", "owner_id": owner_id, "since": date(2024, 4, 1), "tags": ("x",)},
        after={"name": "株式会社B", "owner_id": owner_id, "changed_at": changed_at},
    )

    [line] = _lines(tmp_path / "acme" / "master.log")
    assert line["event"] == "master_change"
    assert line["entity"] == "account"
    assert line["record_id"] == str(record_id)
    assert line["action"] == "update"
    assert line["actor"] == "admin"
    assert line["request_id"] == "req-7"
    assert line["before"] == {
        "name": "株式会社A",
        "owner_id": str(owner_id),
        "since": "2024-04-01",
        "tags": ["x"],
    }
    assert line["after"] == {
        "name": "株式会社B",
        "owner_id": str(owner_id),
        "changed_at": "2024-04-01T09:30:00+00:00",
    }


def test_audit_master_change_of_a_created_record_has_no_before(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    structlog.contextvars.bind_contextvars(tenant="acme")

    StructlogAuditLog().master_change(
        entity="product", record_id="p-1", action="create", actor="admin", before=None, after={"code": "P1"}
    )

    [line] = _lines(tmp_path / "acme" / "master.log")
    assert line["before"] is None
    assert line["after"] == {"code": "P1"}


def test_audit_security_and_application_go_to_their_logs(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    structlog.contextvars.bind_contextvars(tenant="acme", request_id="req-8")
    user_id = uuid.uuid4()

    audit = StructlogAuditLog()
    audit.security("login.locked", user_id=user_id, until=datetime(2024, 1, 1, tzinfo=UTC))
    audit.application("org.refreshed", rows=12)

    [security] = _lines(tmp_path / "acme" / "security.log")
    assert security["event"] == "login.locked"
    assert security["user_id"] == str(user_id)
    assert security["until"] == "2024-01-01T00:00:00+00:00"
    assert security["request_id"] == "req-8"
    [application] = _lines(tmp_path / "acme" / "application.log")
    assert application["event"] == "org.refreshed"
    assert application["rows"] == 12
    assert not (tmp_path / "acme" / "master.log").exists()
