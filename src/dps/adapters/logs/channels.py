"""Per-tenant structured logs (spec 3.4).

Six kinds of log are kept per tenant: system, request, security, screen transition,
master-data change and application. Each is a file of JSON lines at
``<log_dir>/<tenant>/<kind>.log``, rotated at local midnight, 31 generations kept.

Code writes with ``channel(LogKind.X).info("event.name", key=value)``. The HTTP layer binds
``tenant`` (the tenant code), ``request_id`` and ``user`` with
``structlog.contextvars.bind_contextvars``; every bound contextvar appears in every line of
every kind, so one request can be followed through all six logs. A line written with no
tenant bound goes to the ``_system`` directory.

Records of other stdlib loggers (frameworks, libraries) at WARNING or above land in the
system log of the bound tenant.

Nothing is configured at import time: the composition root calls ``configure_logging``.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import logging.handlers
import re
import sys
import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

__all__ = [
    "LOGGER_PREFIX",
    "SYSTEM_TENANT",
    "LogKind",
    "TenantFileRouter",
    "channel",
    "configure_logging",
    "jsonable",
    "reset_logging",
    "sanitise_tenant",
]

LOGGER_PREFIX = "dps.log"
SYSTEM_TENANT = "_system"
BACKUP_COUNT = 31
_MAX_TENANT_LEN = 64
_UNSAFE = re.compile(r"[^a-z0-9_-]")


class LogKind(enum.StrEnum):
    SYSTEM = "system"
    REQUEST = "request"
    SECURITY = "security"
    SCREEN = "screen"
    MASTER = "master"
    APPLICATION = "application"


def channel(kind: LogKind) -> structlog.stdlib.BoundLogger:
    """The logger of one kind of log; lines go to the bound tenant's file of that kind."""
    return structlog.stdlib.get_logger(f"{LOGGER_PREFIX}.{kind.value}")


# --------------------------------------------------------------------------- JSON values


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: UUID, date, time, Decimal -> str; sets, tuples -> lists."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return repr(value)


def _json_default(value: Any) -> Any:
    return jsonable(value)


# --------------------------------------------------------------------------- routing


def sanitise_tenant(value: object) -> str:
    """A directory name for a tenant code: [a-z0-9_-] only, never empty, never a path."""
    if value is None:
        return SYSTEM_TENANT
    name = _UNSAFE.sub("_", str(value).strip().lower())[:_MAX_TENANT_LEN]
    return name or SYSTEM_TENANT


def _kind_of(logger_name: str) -> LogKind:
    prefix = LOGGER_PREFIX + "."
    if logger_name.startswith(prefix):
        head = logger_name[len(prefix) :].split(".", 1)[0]
        try:
            return LogKind(head)
        except ValueError:
            pass
    return LogKind.SYSTEM


def _is_own(record: logging.LogRecord) -> bool:
    return record.name == LOGGER_PREFIX or record.name.startswith(LOGGER_PREFIX + ".")


class TenantFileRouter(logging.Handler):
    """Routes each record to ``<log_dir>/<tenant>/<kind>.log``.

    ``tenant`` is the ``tenant`` key of the structlog event (merged from the contextvars),
    else the bound contextvar, else ``_system``; ``kind`` comes from the logger name
    ``dps.log.<kind>`` (any other logger counts as ``system``). Each file has its own
    ``TimedRotatingFileHandler`` (daily at local midnight, 31 generations), opened on first
    use and cached; at most ``max_open`` stay open, the least recently used being closed
    (and reopened on demand) so thousands of tenants do not exhaust file descriptors.
    """

    def __init__(self, log_dir: Path, *, backup_count: int = BACKUP_COUNT, max_open: int = 512) -> None:
        super().__init__()
        self.log_dir = Path(log_dir).resolve()
        self.backup_count = backup_count
        self.max_open = max(1, max_open)
        self._files: OrderedDict[tuple[str, LogKind], logging.handlers.TimedRotatingFileHandler] = (
            OrderedDict()
        )
        self._files_lock = threading.Lock()
        self._closed = False

    def route(self, record: logging.LogRecord) -> tuple[str, LogKind]:
        """The (sanitised tenant, kind) a record belongs to."""
        tenant: object = None
        if isinstance(record.msg, dict):
            tenant = record.msg.get("tenant")
        if tenant is None:
            tenant = structlog.contextvars.get_contextvars().get("tenant")
        return sanitise_tenant(tenant), _kind_of(record.name)

    def file_handler(self, tenant: str, kind: LogKind) -> logging.handlers.TimedRotatingFileHandler:
        """The (cached) file handler of one tenant's log of one kind, opened if needed."""
        tenant = sanitise_tenant(tenant)
        key = (tenant, kind)
        with self._files_lock:
            if self._closed:
                raise ValueError("TenantFileRouter is closed")
            handler = self._files.get(key)
            if handler is not None:
                self._files.move_to_end(key)
                return handler
            path = (self.log_dir / tenant / f"{kind.value}.log").resolve()
            if path.parent.parent != self.log_dir:  # belt and braces: sanitise_tenant forbids it
                raise ValueError(f"log path escapes the log directory: {path}")
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.TimedRotatingFileHandler(
                path, when="midnight", backupCount=self.backup_count, encoding="utf-8", utc=False
            )
            handler.setFormatter(self.formatter)
            self._files[key] = handler
            while len(self._files) > self.max_open:
                _, evicted = self._files.popitem(last=False)
                evicted.close()
            return handler

    def setFormatter(self, fmt: logging.Formatter | None) -> None:  # noqa: N802 (stdlib name)
        super().setFormatter(fmt)
        with self._files_lock:
            for handler in self._files.values():
                handler.setFormatter(fmt)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            tenant, kind = self.route(record)
            self.file_handler(tenant, kind).handle(record)
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        with self._files_lock:
            self._closed = True
            handlers = list(self._files.values())
            self._files.clear()
        for handler in handlers:
            handler.close()
        super().close()


class _RouterFilter(logging.Filter):
    """Our own loggers at any enabled level; anybody else's only from WARNING up."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _is_own(record) or record.levelno >= logging.WARNING


class _StreamFilter(logging.Filter):
    """Echo to stderr only the system and application logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _kind_of(record.name) in (LogKind.SYSTEM, LogKind.APPLICATION)


# --------------------------------------------------------------------------- configuration

_HEAD = ("ts", "level", "logger", "event")


def _head_first(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Put ts, level, logger and event first so lines read well in a terminal."""
    ordered = {k: event_dict.pop(k) for k in _HEAD if k in event_dict}
    ordered.update(event_dict)
    return ordered


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
    ]


def _formatter() -> structlog.stdlib.ProcessorFormatter:
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            _head_first,
            structlog.processors.JSONRenderer(default=_json_default, ensure_ascii=False),
        ],
    )


_state_lock = threading.Lock()
_installed: list[tuple[logging.Logger, logging.Handler]] = []


def _uninstall() -> None:
    while _installed:
        logger, handler = _installed.pop()
        logger.removeHandler(handler)
        handler.close()


def configure_logging(log_dir: Path, *, level: str = "INFO", stream: bool = False) -> None:
    """Send structlog (and stdlib WARNING+) records to per-tenant JSON-lines files under ``log_dir``.

    Safe to call again: the handlers of a previous call are removed and their files closed.
    With ``stream`` the system and application lines are echoed to stderr too.
    """
    numeric_level = logging.getLevelName(level.upper())
    if not isinstance(numeric_level, int):
        raise ValueError(f"unknown log level: {level!r}")
    formatter = _formatter()
    with _state_lock:
        _uninstall()
        own = logging.getLogger(LOGGER_PREFIX)
        own.setLevel(numeric_level)
        own.propagate = False
        router = TenantFileRouter(log_dir)
        router.setFormatter(formatter)
        router.addFilter(_RouterFilter())
        own.addHandler(router)
        _installed.append((own, router))
        root = logging.getLogger()
        root.addHandler(router)
        _installed.append((root, router))
        if stream:
            echo = logging.StreamHandler(sys.stderr)
            echo.setFormatter(formatter)
            echo.addFilter(_StreamFilter())
            own.addHandler(echo)
            _installed.append((own, echo))
        structlog.configure(
            processors=[
                structlog.stdlib.filter_by_level,
                *_shared_processors(),
                structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
            ],
            logger_factory=structlog.stdlib.LoggerFactory(),
            wrapper_class=structlog.stdlib.BoundLogger,
            context_class=dict,
            # Loggers obtained before configure_logging must pick up the configuration.
            cache_logger_on_first_use=False,
        )


def reset_logging() -> None:
    """Undo ``configure_logging``: close the files, restore structlog's defaults (for tests)."""
    with _state_lock:
        _uninstall()
        own = logging.getLogger(LOGGER_PREFIX)
        own.setLevel(logging.NOTSET)
        own.propagate = True
        structlog.reset_defaults()
