"""Plain-data snapshots of domain objects for the master-data change log."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import attrs

_SECRET_FIELDS = frozenset({"password_hash", "secret_hash", "key_hash"})


def snapshot(obj: Any) -> dict[str, Any]:
    """The attrs fields of `obj` as JSON-ready values, secrets left out."""
    return {
        f.name: _plain(getattr(obj, f.name))
        for f in attrs.fields(type(obj))
        if f.name not in _SECRET_FIELDS
    }


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if attrs.has(type(value)):
        return snapshot(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, Iterable):
        return [_plain(v) for v in value]
    return str(value)
