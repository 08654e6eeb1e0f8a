"""Shared validation of master-data codes and names (business keys shown to admins)."""

from __future__ import annotations

import re

from dps.domain.shared.errors import DomainError

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def validate_code(code: str) -> str:
    """A code is what admins and Excel files use to refer to a record: 1-64 of A-Z a-z 0-9 _ . -"""
    code = code.strip()
    if not _CODE.match(code):
        raise DomainError(
            f"code '{code}' must be 1-64 characters of letters, digits, '_', '.' or '-'", field="code"
        )
    return code


def validate_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise DomainError("name must not be empty", field="name")
    if len(name) > 200:
        raise DomainError("name must be at most 200 characters", field="name")
    return name
