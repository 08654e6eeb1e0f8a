"""The contract of a report kind (活動別, 先行管理, 取引先別, ...): the parameters it takes, as strings the
way a query string, a CLI option or a saved definition carries them, typed reads of them, and the
`ReportKind` protocol the catalogue, the API, the CLI, the grid and the templates rely on."""

from __future__ import annotations

import enum
from abc import abstractmethod
from collections.abc import Mapping
from datetime import date
from typing import Protocol
from uuid import UUID

from attrs import frozen

from dps.application.reports.tables import ReportTable, TableColumn
from dps.application.shared.errors import Invalid
from dps.domain.shared.principal import Principal


class ParamKind(enum.StrEnum):
    ORGANIZATION = "organization"
    """An organisation id (the CLI also takes its code)."""
    DATE = "date"
    """YYYY-MM-DD."""
    YEAR = "year"
    """A fiscal year, e.g. 2026."""
    CHOICE = "choice"
    """One of `ParamSpec.choices`."""
    CODE = "code"
    """A value of the code list `ParamSpec.code_list`."""
    RECORD = "record"
    """A record id of `ParamSpec.record` (account, campaign, product_category, user)."""
    BOOL = "bool"
    """true / false."""


@frozen
class ParamSpec:
    name: str
    label: str
    """Japanese / English."""
    kind: ParamKind
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    """(value, label) for CHOICE."""
    code_list: str = ""
    record: str = ""
    help: str = ""


class ReportKind(Protocol):
    """One kind of report. `run` reads `params` (strings; unknown names are ignored, a bad value is
    `Invalid` naming the parameter) and aggregates in the database through the principal's visibility."""

    name: str
    title: str
    """Japanese / English."""
    description: str
    params: tuple[ParamSpec, ...]

    @abstractmethod
    def columns(self, principal: Principal) -> tuple[TableColumn, ...]:
        """The columns a run can have today (code-list columns from the tenant's lists), for choosing
        and ordering them in a definition."""

    @abstractmethod
    def run(self, principal: Principal, params: Mapping[str, str]) -> ReportTable: ...


class Params:
    """Typed reads of a kind's string parameters; each failure is `Invalid` on that parameter."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._v = {k: v.strip() for k, v in values.items() if v is not None and v.strip()}

    def require(self, *names: str) -> None:
        """Invalid naming every one of `names` that is missing."""
        missing = {n: "必須です / required" for n in names if n not in self._v}
        if missing:
            raise Invalid(missing)

    def text(self, name: str) -> str | None:
        return self._v.get(name)

    def date(self, name: str, *, required: bool = False) -> date | None:
        raw = self._need(name, required)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise Invalid.field(name, "日付は YYYY-MM-DD で / a date as YYYY-MM-DD") from None

    def int(self, name: str, *, required: bool = False) -> int | None:
        raw = self._need(name, required)
        if raw is None:
            return None
        try:
            return int(raw)
        except ValueError:
            raise Invalid.field(name, "整数を入力してください / a whole number") from None

    def uuid(self, name: str, *, required: bool = False) -> UUID | None:
        raw = self._need(name, required)
        if raw is None:
            return None
        try:
            return UUID(raw)
        except ValueError:
            raise Invalid.field(name, "IDの形式が不正です / not an id") from None

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self._v.get(name)
        if raw is None:
            return default
        if raw.lower() in ("true", "1", "yes", "on"):
            return True
        if raw.lower() in ("false", "0", "no", "off"):
            return False
        raise Invalid.field(name, "true または false / true or false")

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        raw = self._v.get(name, default)
        if raw not in allowed:
            raise Invalid.field(name, f"{' / '.join(allowed)} のいずれか / one of {', '.join(allowed)}")
        return raw

    def _need(self, name: str, required: bool) -> str | None:
        raw = self._v.get(name)
        if raw is None and required:
            raise Invalid.field(name, "必須です / required")
        return raw


ORGANIZATION = ParamSpec("organization_id", "組織 Organisation", ParamKind.ORGANIZATION,
                         help="行はその直下の組織 (配下を集計) / rows are its direct children (rolled up)")
