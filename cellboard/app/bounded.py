"""A cache shared by every session of the server, kept within a size: the queries' answers.

A server lives for weeks and its people look at many periods and units. Streamlit's caches bound
the number of entries, not their size, and an answer for the whole province is a hundred times one
for a commune. After the bench's browser walk at L (two rounds), the server's peak was 461 MiB with
up to 512 answers and 256 figures kept, and 439-440 MiB with the answers kept within 32 MiB and 32
figures (docs/PERFORMANCE.md, "Memory").
Here the least recently used values go first once the sizes kept pass the limit, and values older
than `max_age` are made again. Two sessions asking for the same key at once wait for one making.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class BoundedCache(Generic[Value]):
    def __init__(self, limit: int, size_of: Callable[[Value], int], max_age: float) -> None:
        self.limit, self.size_of, self.max_age = limit, size_of, max_age
        self._kept: OrderedDict[str, tuple[Value, int, float]] = OrderedDict()  # oldest use first
        self._size = 0
        self._lock = threading.Lock()
        self._making: dict[str, threading.Lock] = {}

    def get(self, key: str, make: Callable[[], Value]) -> Value:
        """The value kept for `key`, else `make()`'s, kept."""
        found = self._fresh(key)
        if found is not None:
            return found[0]
        with self._lock:
            gate = self._making.setdefault(key, threading.Lock())
        try:
            with gate:  # another session making the same value: take theirs once it is made
                found = self._fresh(key)
                if found is not None:
                    return found[0]
                value = make()
                self._keep(key, value, self.size_of(value))
                return value
        finally:
            with self._lock:
                if self._making.get(key) is gate and not gate.locked():
                    del self._making[key]

    def _fresh(self, key: str) -> tuple[Value] | None:
        with self._lock:
            entry = self._kept.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry[2] > self.max_age:
                self._drop(key)
                return None
            self._kept.move_to_end(key)
            return (entry[0],)

    def _keep(self, key: str, value: Value, size: int) -> None:
        with self._lock:
            if key in self._kept:
                self._drop(key)
            self._kept[key] = (value, size, time.monotonic())
            self._size += size
            while self._size > self.limit and len(self._kept) > 1:  # the newest stays, whatever its size
                self._drop(next(iter(self._kept)))

    def _drop(self, key: str) -> None:
        self._size -= self._kept.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._size = 0

    @property
    def size(self) -> int:
        """The sizes of the values kept, summed."""
        return self._size

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._kept
