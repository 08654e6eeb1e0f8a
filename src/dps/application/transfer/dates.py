"""Dates and times in import/export cells: the Gregorian forms (2026/4/1, 2026-04-01, 2026.4.1, 20260401,
2026年4月1日, with an optional weekday that must be right), the Japanese eras (令和8年4月1日, 令和元年5月1日,
R8.4.1, ㋿8年4月1日, era boundaries checked, nothing before 明治6年), times of day with an optional offset,
and Excel serial numbers in the 1900 date system. The rules are listed in `values`' docstring; the DATE
and DATETIME column parsers in `values` build on these pieces."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal

from attrs import frozen

from dps.application.transfer.errors import DATE_HAS_TIME, NO_SUCH_DATE, NOT_A_DATETIME, SERIAL_RANGE, CellError

__all__ = ["MIDNIGHT", "date_and_rest", "serial_datetime", "time_of"]

MIDNIGHT = time(0)


@frozen
class _Era:
    name: str
    english: str
    first_day: date
    """The first day of the era that this parser accepts (Meiji: the Gregorian calendar's first day)."""
    last_day: date | None
    offset: int
    """Gregorian year = offset + year of the era."""


_ERAS = (
    _Era("明治", "Meiji", date(1873, 1, 1), date(1912, 7, 29), 1867),
    _Era("大正", "Taisho", date(1912, 7, 30), date(1926, 12, 24), 1911),
    _Era("昭和", "Showa", date(1926, 12, 25), date(1989, 1, 7), 1925),
    _Era("平成", "Heisei", date(1989, 1, 8), date(2019, 4, 30), 1988),
    _Era("令和", "Reiwa", date(2019, 5, 1), None, 2018),
)
_ERA_BY_TOKEN = {**{e.name: e for e in _ERAS}, **{e.english[0]: e for e in _ERAS}}
_SQUARED_ERAS = str.maketrans({"㍾": "明治", "㍽": "大正", "㍼": "昭和", "㍻": "平成", "㋿": "令和"})
_ERA = "(?P<era>明治|大正|昭和|平成|令和|[MTSHRmtshr]) ?(?P<ey>元|[0-9]{1,3})"
_YMD = "(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
_KANJI_MD = " ?年 ?(?P<m>[0-9]{1,2}) ?月 ?(?P<d>[0-9]{1,2}) ?日"
_DATE_FORMS = tuple(re.compile(p) for p in (
    rf"(?P<y>[0-9]{{4}})(?P<sep>[/.-]){_YMD}",
    rf"(?P<y>[0-9]{{4}}){_KANJI_MD}",
    r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})(?![0-9])",
    rf"{_ERA}{_KANJI_MD}",
    rf"{_ERA}(?P<sep>[/.-]){_YMD}",
))
_WEEKDAY = re.compile(r" ?\((?P<wd>[月火水木金土日])(?:曜日?)?\)")
_WEEKDAYS = "月火水木金土日"
_TIME_FORMS = tuple(re.compile(p) for p in (
    r"(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{1,6}))?)?"
    r"(?: ?(?P<tz>Z|z|[+-][0-9]{2}:?[0-9]{2}))?",
    r"(?P<h>[0-9]{1,2}) ?時(?: ?(?P<mi>[0-9]{1,2}) ?分(?: ?(?P<s>[0-9]{1,2}) ?秒)?)?",
))
_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = 2958465  # 9999-12-31


def date_and_rest(text: str) -> tuple[date, str] | None:
    """The date at the start of `text` and what follows it, None when no form matches."""
    if not text.isascii():
        text = text.translate(_SQUARED_ERAS)
    for form in _DATE_FORMS:
        m = form.match(text)
        if m is None:
            continue
        month, day = int(m["m"]), int(m["d"])
        value = _era_date(m["era"], m["ey"], month, day) if "era" in form.groupindex else _ymd(int(m["y"]), month, day)
        rest = text[m.end():]
        wd = _WEEKDAY.match(rest)
        if wd:
            if _WEEKDAYS.index(wd["wd"]) != value.weekday():
                raise CellError(f"曜日が日付と合いません / {value.isoformat()} is not a {wd['wd']}曜日")
            rest = rest[wd.end():]
        return value, rest
    return None


def _ymd(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(NO_SUCH_DATE) from None


def _era_date(token: str, era_year: str, month: int, day: int) -> date:
    era = _ERA_BY_TOKEN[token.upper() if token.isascii() else token]
    year = 1 if era_year == "元" else int(era_year)
    shown = f"{era.name}{era_year}年{month}月{day}日"
    if year < 1:
        raise CellError(f"{shown} は存在しません / no year 0 in an era")
    value = _ymd(era.offset + year, month, day)
    if value < era.first_day or (era.last_day is not None and value > era.last_day):
        until = era.last_day.isoformat() if era.last_day else ""
        raise CellError(f"{shown} は{era.name}の期間外です ({era.first_day.isoformat()}〜{until}) / "
                        f"not a day of the {era.english} era ({era.first_day.isoformat()} - {until})")
    return value


def time_of(text: str) -> tuple[time, tzinfo | None] | None:
    if text[:1] in ("T", "t", " "):
        text = text[1:]
    for form in _TIME_FORMS:
        m = form.fullmatch(text)
        if m is None:
            continue
        groups = m.groupdict()
        fraction = (groups.get("f") or "").ljust(6, "0")
        try:
            at = time(int(m["h"]), int(m["mi"] or 0), int(m["s"] or 0), int(fraction))
        except ValueError:
            raise CellError("存在しない時刻です / no such time of day") from None
        zone = groups.get("tz")
        if not zone:
            return at, None
        if zone in ("Z", "z"):
            return at, UTC
        minutes = int(zone[1:3]) * 60 + int(zone[-2:])
        if minutes >= 24 * 60:
            raise CellError(NOT_A_DATETIME)
        return at, timezone(timedelta(minutes=-minutes if zone[0] == "-" else minutes))
    return None

def serial_datetime(number: Decimal | int, *, with_time: bool) -> datetime:
    """An Excel serial number (1900 date system, `number` as `values` parses a numeric cell) as a naive
    datetime."""
    days = math.floor(number)
    if not 1 <= days <= _MAX_SERIAL:
        raise CellError(SERIAL_RANGE)
    if days == 60:
        raise CellError("1900年2月29日は存在しません / 1900-02-29 does not exist (serial 60, an Excel quirk)")
    millis = round((Decimal(number) - days) * 86_400_000)
    if millis and not with_time:
        raise CellError(DATE_HAS_TIME)
    day = _EXCEL_EPOCH + timedelta(days=days + 1 if days < 60 else days)
    return datetime.combine(day, MIDNIGHT) + timedelta(milliseconds=millis)
