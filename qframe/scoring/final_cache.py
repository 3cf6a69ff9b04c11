"""What a page computes from a FINAL score run, kept per process.

A final run never changes (its scores are written once and finalising only fixes them), so a
page built from it can be kept under a key of everything that shapes it: the run's stamp (its
id with its creation and finalisation times: an id alone can be reused after a rollback), the
viewer's scope, and the page's own filters. A provisional run's value is kept only when the
page gives a fingerprint: something read fresh on every request that changes whenever what the
value is built from changes (e.g. counts and sums of the scores drawn), which joins the key.
Each cache is a small least-recently-used map; clear_final_caches() forgets every one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from qframe.auth.permissions import scope_org_ids
from qframe.scoring.models import ScoreRun

_CACHES: list[FinalRunCache[Any]] = []


def run_stamp(run: ScoreRun) -> tuple[Any, ...]:
    return (run.id, run.created_at, run.finalised_at)


def scope_key(user: Any) -> frozenset[int] | None:
    """The viewer's scope as part of a key: None for everything."""
    return scope_org_ids(user)


class FinalRunCache[T]:
    """Values built from final runs (and fingerprinted provisional ones), at most `size` of
    them, the least recently used going."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        _CACHES.append(self)

    def fetch(
        self,
        run: ScoreRun,
        key: Hashable,
        build: Callable[[], T],
        fingerprint: Callable[[], Hashable] | None = None,
    ) -> T:
        """The kept value for (run, key), else build(); a provisional run's value is kept only
        with a fingerprint, under it."""
        if not run.is_final and fingerprint is None:
            return build()
        full = (run_stamp(run), key, None if run.is_final or fingerprint is None else fingerprint())
        with self._lock:
            found = self._kept.get(full)
            if found is not None:
                self._kept.move_to_end(full)
                return found
        value = build()
        with self._lock:
            self._kept[full] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def clear_final_caches() -> None:
    """Forget everything kept from final runs (tests; a process restart does the same)."""
    for cache in _CACHES:
        cache.clear()
