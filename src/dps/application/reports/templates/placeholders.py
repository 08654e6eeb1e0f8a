"""The placeholder syntax of users' Excel templates (帳票テンプレート), as pure rules shared by the
upload check, the filler and the screens (the full description is docs/report-templates.md).

A placeholder is ``{{scope.key}}`` inside a cell's text: ``report.title|generated_at|notes|left_out``,
``param.KEY`` (what the report ran with: organization, period, fiscal_year, ...), ``row.KEY`` (a column
of the report, repeated once per row: the rows holding them form the one repeated block) and
``total.KEY`` (that column in the totals row). Text around placeholders is kept; a placeholder alone
in a cell gives a typed value (number, date), otherwise the cell becomes text."""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterable, Sequence

from attrs import frozen

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
KEY = re.compile(r"[a-z0-9_.:-]+")
"""A column key's shape (the same as `TableColumn.key`)."""
REPORT_FIELDS = ("title", "generated_at", "notes", "left_out")
PARAM_KEYS = (
    "organization", "period", "fiscal_year", "date_from", "date_to", "owner", "account", "campaign",
    "product", "category", "group_by", "status", "kind", "level", "is_open", "stage_code", "certainty_code",
    "campaign_kind",
)
"""The parameters report kinds show (`ReportTable.params` keys); one a kind does not have is blank."""


class Scope(enum.StrEnum):
    REPORT = "report"
    PARAM = "param"
    ROW = "row"
    TOTAL = "total"


@frozen
class Placeholder:
    scope: Scope
    key: str

    @property
    def text(self) -> str:
        return f"{{{{{self.scope.value}.{self.key}}}}}"

    @property
    def is_row(self) -> bool:
        return self.scope is Scope.ROW


@frozen
class Problem:
    """Why a template cannot be used, and where: ``Sheet1!B5``, or ``file`` for the whole file."""

    address: str
    reason: str


@frozen
class PlaceholderAt:
    """A placeholder found at a cell (``Sheet1!B5``), kept with the template for its screen."""

    address: str
    placeholder: Placeholder


@frozen
class CellText:
    """A cell's text split into literal pieces and placeholders (`parts` alternate: str, Placeholder, ...)."""

    parts: tuple[str | Placeholder, ...]

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        return tuple(p for p in self.parts if isinstance(p, Placeholder))

    @property
    def single(self) -> Placeholder | None:
        """The placeholder when it is all the cell holds (surrounding blanks aside): a typed value."""
        if len(self.placeholders) != 1:
            return None
        rest = "".join(p for p in self.parts if isinstance(p, str))
        return self.placeholders[0] if not rest.strip() else None


def has_placeholder(text: str) -> bool:
    return "{{" in text


def parse_placeholder(inner: str) -> Placeholder:
    """``row.amount`` -> Placeholder(ROW, "amount"); ValueError saying why otherwise."""
    body = inner.strip()
    scope_name, dot, key = body.partition(".")
    if not dot:
        raise ValueError(f"{{{{{body}}}}}: 'scope.key' の形式で / write it as scope.key "
                         f"({', '.join(s.value for s in Scope)})")
    try:
        scope = Scope(scope_name)
    except ValueError:
        raise ValueError(f"{{{{{body}}}}}: 不明な種類 '{scope_name}' / unknown scope "
                         f"(one of {', '.join(s.value for s in Scope)})") from None
    if not key or KEY.fullmatch(key) is None:
        raise ValueError(f"{{{{{body}}}}}: キーが不正です / the key must be [a-z0-9_.:-]+")
    if scope is Scope.REPORT and key not in REPORT_FIELDS:
        raise ValueError(f"{{{{{body}}}}}: 不明な項目 / unknown, one of report.{', report.'.join(REPORT_FIELDS)}")
    if scope is Scope.PARAM and key not in PARAM_KEYS:
        raise ValueError(f"{{{{{body}}}}}: 不明なパラメータ / unknown parameter, one of {', '.join(PARAM_KEYS)}")
    return Placeholder(scope, key)


def parse_cell_text(text: str) -> CellText:
    """Split a cell's text; ValueError on the first malformed placeholder (``{{row.}}``, ``{{x}}``,
    an unclosed ``{{``)."""
    parts: list[str | Placeholder] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        parts.append(text[pos:m.start()])
        parts.append(parse_placeholder(m.group(1)))
        pos = m.end()
    tail = text[pos:]
    if "{{" in tail:
        raise ValueError("'{{' が閉じられていません / '{{' without its '}}'")
    parts.append(tail)
    return CellText(tuple(p for p in parts if p != ""))


def unknown_columns(found: Iterable[PlaceholderAt], column_keys: Collection[str]) -> list[Problem]:
    """A problem per ``row.KEY`` / ``total.KEY`` whose key is not a column of the report."""
    return [Problem(f.address, f"{f.placeholder.text}: レポートにない列です / not a column of the report")
            for f in found if f.placeholder.scope in (Scope.ROW, Scope.TOTAL) and f.placeholder.key not in column_keys]


def problems_as_errors(problems: Sequence[Problem]) -> dict[str, str]:
    """Problems as `Invalid` errors: address -> reasons (several at one address joined)."""
    errors: dict[str, str] = {}
    for p in problems:
        errors[p.address] = f"{errors[p.address]}; {p.reason}" if p.address in errors else p.reason
    return errors


def column_letters(index: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_index(letters: str) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n
