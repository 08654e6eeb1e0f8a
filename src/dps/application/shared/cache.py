"""A small per-process cache: the port the application memoises derived facts through, and a bounded,
thread-safe least-recently-used implementation in plain Python.

Whatever is cached must carry its own validity in the key (e.g. the tenant's `directory_version`):
the cache never expires entries by time, it only forgets the least recently used ones.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, Protocol, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
K_contra = TypeVar("K_contra", bound=Hashable, contravariant=True)


class Cache(Protocol[K_contra, V]):
    """A map that may forget: `get` returns None for a key never put or already evicted."""

    @abstractmethod
    def get(self, key: K_contra) -> V | None: ...
    @abstractmethod
    def put(self, key: K_contra, value: V) -> None: ...
    @abstractmethod
    def clear(self) -> None: ...


class LruCache(Generic[K, V]):
    """At most `max_size` entries; putting one more evicts the least recently used (read or written).

    One lock guards every operation, so request threads may share an instance; each operation is
    O(1) and holds the lock only for a dict update.
    """

    def __init__(self, max_size: int) -> None:
        if max_size < 1:
            raise ValueError("an LRU cache holds at least one entry")
        self.max_size = max_size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            try:
                value = self._entries[key]
            except KeyError:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries
