"""Placeholder values for the row being written (`Values`) and the XML of one filled cell (`CellWriter`)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from dps.application.reports.tables import Cell, ReportTable
from dps.application.reports.templates.placeholders import Placeholder, Scope

MAX_TEXT = 32767
"""Excel's limit of characters in a cell."""
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# -- values -------------------------------------------------------------------------------------------

def _text(value: str) -> str:
    return escape(ILLEGAL_XML.sub("", value[:MAX_TEXT]))


def _shown(value: object) -> str:
    """A value inside text (``期間: {{param.period}}``)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Values:
    """Every placeholder's value for the row being written."""

    def __init__(self, table: ReportTable, generated_at: datetime) -> None:
        self.table = table
        self.index = {c.key: i for i, c in enumerate(table.columns)}
        self.params = {key: shown for key, _label, shown in table.params}
        self.report: dict[str, object] = {"title": table.title, "generated_at": generated_at,
                                          "notes": "\n".join(table.notes), "left_out": table.left_out}

    def get(self, p: Placeholder, row: Sequence[Cell] | None) -> object:
        if p.scope is Scope.REPORT:
            return self.report.get(p.key)
        if p.scope is Scope.PARAM:
            return self.params.get(p.key)
        i = self.index.get(p.key)
        if i is None:
            return None
        if p.scope is Scope.TOTAL:
            return self.table.totals[i]
        return row[i] if row is not None else None


class CellWriter:
    """Writes one placeholder cell: typed when alone, else text; the template's style kept."""

    def __init__(self, epoch: date) -> None:
        self.epoch = epoch

    def serial(self, value: date) -> str:
        if isinstance(value, datetime):
            base = datetime(self.epoch.year, self.epoch.month, self.epoch.day, tzinfo=value.tzinfo)
            span = value - base
            return repr(span.days + span.seconds / 86400 + span.microseconds / 86_400_000_000)
        return str((value - self.epoch).days)

    def typed(self, ref: str, style: str, value: object) -> str:
        if value is None or value == "":
            return f'<c r="{ref}"{style}/>'
        if type(value) is str:
            return self.text(ref, style, value)
        if type(value) is Decimal:
            return f'<c r="{ref}"{style}><v>{value:f}</v></c>' if value.is_finite() else f'<c r="{ref}"{style}/>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return f'<c r="{ref}"{style}><v>{value}</v></c>'
        if isinstance(value, Decimal):
            return f'<c r="{ref}"{style}><v>{format(value, "f")}</v></c>' if value.is_finite() else \
                f'<c r="{ref}"{style}/>'
        if isinstance(value, float):
            return f'<c r="{ref}"{style}><v>{value!r}</v></c>' if math.isfinite(value) else f'<c r="{ref}"{style}/>'
        if isinstance(value, date):
            return f'<c r="{ref}"{style}><v>{self.serial(value)}</v></c>'
        return self.text(ref, style, str(value))

    @staticmethod
    def text(ref: str, style: str, value: str) -> str:
        if not value:
            return f'<c r="{ref}"{style}/>'
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
