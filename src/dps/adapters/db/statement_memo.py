"""List statements built once per viewer and filter set, and reused while the viewer lives.

Building a list page's SELECT (visibility predicate, filters, the account-name subquery) and letting
SQLAlchemy derive its cache key cost about as much as running the query for a small page. Viewers come
from the directory memo (one object per user and directory version), so the statement of "my open
opportunities, newest first" built for a viewer is the same for every page the user turns: it is kept
here, keyed by the viewer (weakly: it goes when the viewer goes) and by the repository's own key (the
search criteria and sort), at most `PER_VIEWER` per viewer. Statements are immutable; what changes from
page to page (the cursor) is bound at execution (`paging.keyset_page`)."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

import attrs

from dps.domain.visibility.policy import Viewer

PER_VIEWER = 32
S = TypeVar("S")

_MEMO: weakref.WeakKeyDictionary[Viewer, OrderedDict[Hashable, Any]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def criteria_key(criteria: object) -> Hashable | None:
    """A hashable key of an attrs criteria object (mappings as sorted pairs), or None if it has none."""
    cls = type(criteria)
    if not attrs.has(cls):
        return None
    values = []
    for a in attrs.fields(cls):
        value = getattr(criteria, a.name)
        if isinstance(value, Mapping):
            value = tuple(sorted(value.items()))
        values.append(value)
    key = (type(criteria), tuple(values))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def memo_key(name: str, tenant: object, criteria: object) -> Hashable | None:
    """A repository's key: its list's name, the tenant and the criteria (None: not kept)."""
    key = criteria_key(criteria)
    return None if key is None else (name, tenant, key)


def memoised_statement(viewer: Viewer, key: Hashable | None, build: Callable[[], S]) -> S:
    """The statement `build` makes for this viewer and key, built on first use (None: not kept)."""
    if key is None:
        return build()
    with _LOCK:
        kept = _MEMO.get(viewer)
        found = None if kept is None else kept.get(key)
        if found is not None:
            kept.move_to_end(key)  # type: ignore[union-attr]
            return found  # type: ignore[no-any-return]
    made = build()
    with _LOCK:
        kept = _MEMO.setdefault(viewer, OrderedDict())
        kept[key] = made
        while len(kept) > PER_VIEWER:
            kept.popitem(last=False)
    return made
