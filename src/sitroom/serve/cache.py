"""Rendered read responses, kept until the store changes.

The server is the only writer while it runs (DuckDB locks the file), so a response stays right until
this server writes; every write calls `invalidate()`. Analysts' views repeat the same few queries
(the map, the timeline, the first page), which then cost a dictionary lookup instead of a scan.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

MAX_BYTES = 64_000_000  # all cached bodies together
MAX_ENTRY = 4_000_000  # a larger body is served but not kept


class ResponseCache:
    """A byte-bounded LRU of response bodies keyed by request (path + query), per store generation."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.generation = 0
        self.hits = 0
        self.misses = 0
        self._size = 0
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key: str, build: Callable[[], bytes]) -> bytes:
        """The cached body for `key`, or `build()` (kept unless the store changed while it ran)."""
        if self.max_bytes <= 0:
            return build()
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return body
            self.misses += 1
            generation = self.generation
        body = build()  # outside the lock: concurrent misses run their queries in parallel
        if len(body) <= min(MAX_ENTRY, self.max_bytes):
            with self._lock:
                if generation == self.generation and key not in self._items:
                    self._items[key] = body
                    self._size += len(body)
                    while self._size > self.max_bytes:
                        _, old = self._items.popitem(last=False)
                        self._size -= len(old)
        return body

    def invalidate(self) -> None:
        """Forget everything: call after every write to the store (after it commits)."""
        with self._lock:
            self.generation += 1
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)
