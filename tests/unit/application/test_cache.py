"""The bounded LRU cache principals and viewers are memoised in: bounded, keyed, thread-safe."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from datetime import date
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dps.application.directory.memo import DatedPrincipal, DirectoryMemo
from dps.application.shared.cache import Cache, LruCache
from dps.domain.shared.ids import TenantId, UserId
from dps.domain.shared.principal import License, Principal


def test_a_put_value_is_returned_for_its_key_only() -> None:
    cache: LruCache[tuple[str, int], str] = LruCache(4)
    cache.put(("t", 1), "one")
    assert cache.get(("t", 1)) == "one"
    assert cache.get(("t", 2)) is None
    assert cache.get(("u", 1)) is None
    cache.put(("t", 1), "uno")
    assert cache.get(("t", 1)) == "uno"
    assert len(cache) == 1


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: LruCache[int, str] = LruCache(2)
    cache.put(1, "a")
    cache.put(2, "b")
    assert cache.get(1) == "a"  # 1 is now more recent than 2
    cache.put(3, "c")
    assert cache.get(2) is None
    assert cache.get(1) == "a"
    assert cache.get(3) == "c"
    assert len(cache) == 2


def test_clear_forgets_everything_and_size_must_be_positive() -> None:
    cache: LruCache[int, int] = LruCache(3)
    cache.put(1, 1)
    cache.clear()
    assert cache.get(1) is None
    assert len(cache) == 0
    with pytest.raises(ValueError, match="at least one"):
        LruCache(0)


@given(
    size=st.integers(min_value=1, max_value=5),
    ops=st.lists(st.tuples(st.sampled_from(["get", "put"]), st.integers(0, 8), st.integers()), max_size=60),
)
def test_behaves_like_a_reference_lru(size: int, ops: list[tuple[str, int, int]]) -> None:
    """Model-based: after any sequence of gets and puts it holds exactly what a textbook LRU holds."""
    cache: LruCache[int, int] = LruCache(size)
    model: OrderedDict[int, int] = OrderedDict()
    for op, key, value in ops:
        if op == "put":
            cache.put(key, value)
            model[key] = value
            model.move_to_end(key)
            if len(model) > size:
                model.popitem(last=False)
        else:
            expected = model.get(key)
            if expected is not None:
                model.move_to_end(key)
            assert cache.get(key) == expected
        assert len(cache) == len(model) <= size
    assert all(cache.get(k) == v for k, v in list(model.items()))


def test_threads_sharing_a_cache_never_break_its_bound_or_its_entries() -> None:
    # Switch threads as often as the interpreter allows, so that an unguarded cache races here
    # (without its lock this test fails most runs).
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        _hammer_from_threads()
    finally:
        sys.setswitchinterval(previous)


def _hammer_from_threads() -> None:
    cache: LruCache[tuple[int, int], int] = LruCache(50)
    errors: list[str] = []
    start = threading.Barrier(8)

    def work(n: int) -> None:
        try:
            hammer(n)
        except Exception as e:  # a race shows up as a KeyError inside the OrderedDict bookkeeping
            errors.append(repr(e))

    def hammer(n: int) -> None:
        start.wait()
        for i in range(2000):
            key = (n, i % 80)
            cache.put(key, n * 100_000 + i % 80)
            got = cache.get((n, (i * 7) % 80))
            if got is not None and got != n * 100_000 + (i * 7) % 80:
                errors.append(f"{key} -> {got}")
            if len(cache) > 50:
                errors.append("over the bound")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(cache) == 50


def test_the_directory_memo_keeps_principals_and_viewers_apart_and_bounded() -> None:
    memo = DirectoryMemo(max_entries=2)
    tenant, user = TenantId(uuid4()), UserId(uuid4())
    principal = Principal(tenant_id=tenant, user_id=user, login_id="u", name="u", license=License.FULL)
    for version in (1, 2, 3):
        memo.principals.put((tenant, user, version), DatedPrincipal(date(2026, 11, 25), principal))
    assert memo.principals.get((tenant, user, 1)) is None  # evicted
    assert memo.principals.get((tenant, user, 3)) == DatedPrincipal(date(2026, 11, 25), principal)
    assert memo.viewers.get((tenant, user, 3, date(2026, 11, 25), principal)) is None
    memo.clear()
    assert memo.principals.get((tenant, user, 3)) is None


def test_a_memo_takes_any_cache_that_fits_the_port() -> None:
    class Forgetful:
        def get(self, key: object) -> None:
            return None

        def put(self, key: object, value: object) -> None:
            pass

        def clear(self) -> None:
            pass

    principals: Cache[tuple[TenantId, UserId, int], DatedPrincipal] = Forgetful()
    memo = DirectoryMemo(principals=principals)
    assert memo.principals is principals
