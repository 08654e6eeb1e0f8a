"""Code-list cells of import/export sheets: `CodeListResolver`, the `CodeResolver` that `values.parse_cell`
uses for CODE and CODES columns, matching a cell's text against the tenant's `CodeList`s by code or label."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from attrs import frozen

from dps.application.transfer.errors import CellError
from dps.application.transfer.text import normalize_text
from dps.domain.catalog.code_lists import CodeList

__all__ = ["CodeListResolver"]


@frozen
class _ListIndex:
    key: str
    by_code: Mapping[str, str]
    by_folded_code: Mapping[str, tuple[str, ...]]
    by_label: Mapping[str, tuple[str, ...]]
    inactive: frozenset[str]
    """Everything (code or label) that names only inactive values."""
    offered: tuple[str, ...]
    """The active codes, in the list's order."""
    allowed: tuple[str, ...]
    """The active values as "code label", in the list's order."""


_MAX_LISTED = 10


@frozen
class CodeListResolver:
    """A `CodeResolver` over the tenant's `CodeList`s. A text is matched, in this order, as an active
    code exactly, as a code ignoring case, as a Japanese label, as an English label ignoring case (labels
    width-folded like the cell). Inactive values are refused unless `include_inactive` (records may
    still hold them; the kind decides)."""

    _lists: Mapping[str, _ListIndex]

    @classmethod
    def from_lists(cls, lists: Iterable[CodeList], *, include_inactive: bool = False) -> CodeListResolver:
        return cls({cl.key: _index(cl, include_inactive) for cl in lists})

    def choices(self, code_list_key: str) -> tuple[str, ...]:
        """The codes offered for `code_list_key` (for a template's dropdown), in the list's order."""
        index = self._lists.get(code_list_key)
        return index.offered if index else ()

    def resolve(self, code_list_key: str, text: str) -> str:
        index = self._lists.get(code_list_key)
        if index is None:
            raise CellError(f"コード区分 '{code_list_key}' がありません / no code list '{code_list_key}'")
        found = index.by_code.get(text)
        if found is not None:
            return found
        text = normalize_text(text)
        found = index.by_code.get(text)
        if found is not None:
            return found
        for candidates in (index.by_folded_code.get(text.casefold()), index.by_label.get(text),
                           index.by_label.get(text.casefold())):
            if candidates and len(candidates) == 1:
                return candidates[0]
            if candidates:
                raise CellError(f"'{text}' は複数の値に当てはまります。コードで指定してください / "
                                f"'{text}' matches several values of {index.key}: {', '.join(candidates)}")
        if text in index.inactive or text.casefold() in index.inactive:
            raise CellError(f"'{text}' は使用停止された値です / '{text}' is no longer in use in {index.key}")
        listed = ", ".join(index.allowed[:_MAX_LISTED])
        more = len(index.allowed) - _MAX_LISTED
        if more > 0:
            listed += f", 他{more}件 / +{more}"
        raise CellError(f"'{text}' は {index.key} の値ではありません / not a value of {index.key}: {listed}")


def _index(code_list: CodeList, include_inactive: bool) -> _ListIndex:
    usable = [v for v in code_list.values if include_inactive or v.is_active]
    ordered = sorted(usable, key=lambda v: (not v.is_active, v.sort_order, v.code))
    by_code = {v.code: v.code for v in ordered}
    folded: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    for v in ordered:
        folded.setdefault(v.code.casefold(), []).append(v.code)
        for label in {normalize_text(v.label_ja), normalize_text(v.label_en).casefold()} - {""}:
            if v.code not in labels.setdefault(label, []):
                labels[label].append(v.code)
    names_of_unusable = set()
    for v in code_list.values:
        if v not in usable:
            names_of_unusable |= {v.code, v.code.casefold(), normalize_text(v.label_ja),
                                  normalize_text(v.label_en).casefold()}
    return _ListIndex(
        key=code_list.key, by_code=by_code,
        by_folded_code={k: tuple(c) for k, c in folded.items()},
        by_label={k: tuple(c) for k, c in labels.items()},
        inactive=frozenset(names_of_unusable - {""}),
        offered=tuple(v.code for v in ordered if v.is_active),
        allowed=tuple(f"{v.code} {v.label_ja}" for v in ordered if v.is_active),
    )
