"""Code lists (コード区分) as the screens show them: lists by key, code -> label maps, select options.

    lists = code_lists_by_key(principal, list_code_lists)        # one read per page
    labels = code_labels_of(lists, english=is_english(principal))  # {"opportunity_stage": {"20": "提案"}}
    options = code_options(lists, "lead_status", keep=record.status_code, english=...)

Labels are Japanese unless ``english`` is asked for (then the English label where there is one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from dps.application.catalog.code_lists import ListCodeLists
from dps.domain.catalog.code_lists import CodeList, CodeValue
from dps.domain.shared.principal import Principal

Option = tuple[str, str]
"""(code, label) as the `_form.html` select macro takes it."""


def is_english(principal: Principal) -> bool:
    """Whether the user reads the screens in English (labels of codes and custom fields follow)."""
    return principal.locale.startswith("en")


def code_lists_by_key(principal: Principal, list_code_lists: ListCodeLists) -> dict[str, CodeList]:
    """Every code list of the tenant by its key (one read)."""
    return by_key(list_code_lists(principal))


def by_key(code_lists: Iterable[CodeList]) -> dict[str, CodeList]:
    """Code lists already read, by their key."""
    return {cl.key: cl for cl in code_lists}


def label_of(value: CodeValue, english: bool = False) -> str:
    """A value's label: Japanese, or in English (falling back to Japanese when it has none)."""
    return (value.label_en or value.label_ja) if english else value.label_ja


def code_labels_of(lists: Mapping[str, CodeList], english: bool = False) -> dict[str, dict[str, str]]:
    """code list key -> code -> label, retired values included (for showing codes a record holds)."""
    return {key: {v.code: label_of(v, english) for v in cl.values} for key, cl in lists.items()}


def code_options(
    lists: Mapping[str, CodeList], key: str, *, keep: str | None = None, skip: Iterable[str] = (),
    english: bool = False, keep_last: bool = False,
) -> list[Option]:
    """The active values of list `key` in their order as options (none when the list is unknown).

    `keep` (a value the record holds) stays offered even when it was deactivated since: in its place,
    or with `keep_last` after the active ones (then also a code the list does not know, as itself).
    `skip`: codes never offered."""
    found = lists.get(key)
    if keep_last:
        return _with_kept_last(found, keep, english)
    if found is None:
        return []
    skipped = set(skip)
    ordered = sorted(found.values, key=lambda v: (v.sort_order, v.code))
    return [(v.code, label_of(v, english)) for v in ordered
            if (v.is_active or v.code == keep) and v.code not in skipped]


def _with_kept_last(found: CodeList | None, keep: str | None, english: bool) -> list[Option]:
    if found is None:
        return [(keep, keep)] if keep else []
    options = [(v.code, label_of(v, english)) for v in found.active()]
    if keep and all(code != keep for code, _ in options):
        retired = found.value(keep)
        options.append((keep, label_of(retired, english) if retired else keep))
    return options


def all_code_options(lists: Mapping[str, CodeList], english: bool = False) -> dict[str, list[Option]]:
    """code list key -> its active options (for pages with several selects from code lists)."""
    return {key: code_options(lists, key, english=english) for key in lists}


def active_labels(options: Mapping[str, Sequence[Option]]) -> dict[str, dict[str, str]]:
    """code list key -> code -> label of the active values only (from `all_code_options`)."""
    return {key: dict(pairs) for key, pairs in options.items()}
