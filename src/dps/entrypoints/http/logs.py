"""The per-tenant log channels, by their logger names (``dps.log.<kind>``).

The entrypoint does not import the logging adapter; it writes through structlog under the
channel naming convention, and the composition root decides where the lines go.
"""

from __future__ import annotations

from typing import Any

import structlog

_PREFIX = "dps.log"


def _channel(kind: str) -> Any:
    return structlog.get_logger(f"{_PREFIX}.{kind}")


def system_log() -> Any:
    return _channel("system")


def request_log() -> Any:
    return _channel("request")


def security_log() -> Any:
    return _channel("security")


def screen_log() -> Any:
    return _channel("screen")
