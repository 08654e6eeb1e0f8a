"""`CellError` and the operator messages of import/export cells (Japanese / English), shared by the
cell parsers of `values`, `dates` and `codes`; kept apart so that those modules need not import each other."""

from __future__ import annotations

__all__ = [
    "DATE_HAS_TIME",
    "NOT_AN_ID",
    "NOT_A_BOOLEAN",
    "NOT_A_DATE",
    "NOT_A_DATETIME",
    "NOT_A_NUMBER",
    "NOT_WHOLE",
    "NO_SUCH_DATE",
    "OUT_OF_RANGE",
    "REQUIRED",
    "SERIAL_RANGE",
    "UNSUPPORTED",
    "CellError",
]


class CellError(Exception):
    """A cell's value breaks its column's rule; `message` is for the operator (Japanese / English)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


REQUIRED = "必須です / required"
NOT_A_NUMBER = "数値の形式が正しくありません / not a number"
NOT_WHOLE = "整数で入力してください / not a whole number"
OUT_OF_RANGE = "数値が範囲外です / number out of range"
NOT_A_DATE = "日付の形式が正しくありません / not a date (e.g. 2026/4/1, 令和8年4月1日)"
NOT_A_DATETIME = "日時の形式が正しくありません / not a date and time (e.g. 2026/4/1 14:30)"
NO_SUCH_DATE = "存在しない日付です / no such date"
DATE_HAS_TIME = "日付に時刻が含まれています / a date must not have a time of day"
SERIAL_RANGE = "日付のシリアル値が範囲外です / date serial number out of range (1-2958465)"
NOT_A_BOOLEAN = "はい/いいえ (1/0, ○/×) で入力してください / not a yes/no value (1/0, はい/いいえ, ○/×)"
NOT_AN_ID = "IDの形式が正しくありません / not a record id (UUID)"
UNSUPPORTED = "このセルの値は読み取れません / unsupported cell value"
