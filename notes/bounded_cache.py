"""An in-process cache bounded by the bytes it holds, not by its number of entries.

Django's local-memory cache counts entries: 5,000 pages of 5 MB each are 25 GB. This
one keeps the pickled size of every value and drops the least recently used entries
once the total passes ``MAX_BYTES``; a value larger than ``MAX_VALUE_BYTES`` is not
kept at all. It is built on ``BaseCache``, the public base of Django's cache backends.
"""

from __future__ import annotations

import pickle
import time
from collections import OrderedDict
from threading import Lock
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# Caches of the same name share one store per process, as LocMemCache's do.
_stores: dict[str, _Store] = {}
_stores_lock = Lock()


class _Store:
    def __init__(self) -> None:
        self.lock = Lock()
        # key -> (pickled value, expiry as time.time() or None); most recent last.
        self.entries: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()
        self.size = 0


class BoundedMemoryCache(BaseCache):
    """``OPTIONS``: ``MAX_BYTES`` (default 64 MiB) and ``MAX_VALUE_BYTES`` (default an
    eighth of it). ``MAX_ENTRIES`` still applies as a second bound."""

    pickle_protocol = pickle.HIGHEST_PROTOCOL

    def __init__(self, name: str, params: dict[str, Any]):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.max_bytes = int(options.get("MAX_BYTES", 64 * 1024 * 1024))
        self.max_value_bytes = int(options.get("MAX_VALUE_BYTES", self.max_bytes // 8))
        # Read as Django's BaseCache reads it; its own copy of the number is private.
        self.max_entries = int(params.get("max_entries", options.get("MAX_ENTRIES", 300)))
        with _stores_lock:
            self._store = _stores.setdefault(name, _Store())

    @property
    def size(self) -> int:
        """The bytes of the pickled values held now."""
        return self._store.size

    def __len__(self) -> int:
        return len(self._store.entries)

    def stored_keys(self) -> list[str]:
        """The stored keys (with their prefix and version), oldest first."""
        with self._store.lock:
            return list(self._store.entries)

    def _live(self, key: str) -> bytes | None:
        """The pickled value under ``key``, or None; drops it if it has expired."""
        entry = self._store.entries.get(key)
        if entry is None:
            return None
        pickled, expiry = entry
        if expiry is not None and expiry <= time.time():
            self._drop(key)
            return None
        return pickled

    def _drop(self, key: str) -> bool:
        entry = self._store.entries.pop(key, None)
        if entry is None:
            return False
        self._store.size -= len(entry[0])
        return True

    def _put(self, key: str, pickled: bytes, timeout) -> bool:
        store = self._store
        self._drop(key)
        if len(pickled) > self.max_value_bytes:
            return False
        store.entries[key] = (pickled, self.get_backend_timeout(timeout))
        store.size += len(pickled)
        while store.entries and (
            store.size > self.max_bytes or len(store.entries) > self.max_entries
        ):
            _, (oldest, _) = store.entries.popitem(last=False)
            store.size -= len(oldest)
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        with self._store.lock:
            if self._live(key) is not None:
                return False
            return self._put(key, pickled, timeout)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            pickled = self._live(key)
            if pickled is None:
                return default
            self._store.entries.move_to_end(key)
        return pickle.loads(pickled)  # noqa: S301 (values this process pickled itself)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        with self._store.lock:
            self._put(key, pickled, timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            pickled = self._live(key)
            if pickled is None:
                return False
            self._store.entries[key] = (pickled, self.get_backend_timeout(timeout))
            return True

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            pickled = self._live(key)
            if pickled is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(pickled) + delta  # noqa: S301
            expiry = self._store.entries[key][1]
            self._drop(key)
            new = pickle.dumps(value, self.pickle_protocol)
            self._store.entries[key] = (new, expiry)
            self._store.size += len(new)
        return value

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            return self._live(key) is not None

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            return self._drop(key)

    def clear(self):
        with self._store.lock:
            self._store.entries.clear()
            self._store.size = 0
