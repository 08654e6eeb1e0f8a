"""Typed values out of a query string or a posted form, with an error per bad field instead of a 500.

    form = FieldReader(request.query_params)
    search = OpportunitySearch(q=form.text("q"), mine=form.flag("mine"),
                               expected_order_date_from=form.date("from"))
    if form.errors: ... render the page with form.errors next to the fields, no search run

``values`` keeps what the user typed (also the bad values) for refilling the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

BAD_DATE = "日付は YYYY-MM-DD の形式で入力してください / enter a date as YYYY-MM-DD"
BAD_DATETIME = "日時の形式が正しくありません / enter a date and time"
BAD_NUMBER = "数値を入力してください / enter a number"
BAD_INTEGER = "整数を入力してください / enter a whole number"
BAD_CHOICE = "選択肢から選んでください / choose one of the options"


class MultiValues(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getall(self, key: str, default: Any = None) -> list[Any]: ...


class FieldReader:
    """Reads named fields of a MultiDict (query params or form data) into Python values."""

    def __init__(self, source: MultiValues | Mapping[str, Any]) -> None:
        self._source = source
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def raw(self, name: str) -> str:
        value = self._source.get(name)
        if isinstance(value, list):  # a repeated key in a parsed form: the last one wins
            value = value[-1] if value else ""
        text = value.strip() if isinstance(value, str) else ""
        self.values[name] = text
        return text

    def all(self, name: str) -> tuple[str, ...]:
        getall = getattr(self._source, "getall", None)
        if getall is not None:
            found = [v.strip() for v in getall(name, []) if isinstance(v, str) and v.strip()]
        else:
            value = self._source.get(name)
            listed = value if isinstance(value, list) else [value]
            found = [v.strip() for v in listed if isinstance(v, str) and v.strip()]
        self.values[name] = found
        return tuple(found)

    def text(self, name: str) -> str | None:
        return self.raw(name) or None

    def flag(self, name: str) -> bool:
        return self.raw(name).lower() in ("1", "true", "on", "yes")

    def tristate(self, name: str) -> bool | None:
        """"true"/"false" -> True/False; empty -> None (no filter)."""
        text = self.raw(name).lower()
        if not text:
            return None
        if text in ("1", "true", "on", "yes"):
            return True
        if text in ("0", "false", "off", "no"):
            return False
        self.errors[name] = BAD_CHOICE
        return None

    def date(self, name: str) -> date | None:
        text = self.raw(name).replace("/", "-")
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors[name] = BAD_DATE
            return None

    def local_datetime(self, name: str, zone: ZoneInfo) -> datetime | None:
        """An ``<input type=datetime-local>`` value read in the user's zone."""
        text = self.raw(name)
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.errors[name] = BAD_DATETIME
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)

    def decimal(self, name: str) -> Decimal | None:
        text = self.raw(name).replace(",", "").replace("¥", "").replace("￥", "")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.errors[name] = BAD_NUMBER
            return None
        if not value.is_finite():
            self.errors[name] = BAD_NUMBER
            return None
        return value

    def integer(self, name: str) -> int | None:
        text = self.raw(name).replace(",", "")
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            self.errors[name] = BAD_INTEGER
            return None

    def uuid(self, name: str) -> UUID | None:
        text = self.raw(name)
        if not text:
            return None
        try:
            return UUID(text)
        except ValueError:
            self.errors[name] = BAD_CHOICE
            return None

    def uuids(self, name: str) -> tuple[UUID, ...]:
        found: list[UUID] = []
        for text in self.all(name):
            try:
                found.append(UUID(text))
            except ValueError:
                self.errors[name] = BAD_CHOICE
        return tuple(found)

    def choice(self, name: str, allowed: set[str] | frozenset[str] | tuple[str, ...]) -> str | None:
        text = self.raw(name)
        if text and text not in allowed:
            self.errors[name] = BAD_CHOICE
            return None
        return text or None
