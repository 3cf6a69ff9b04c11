"""Progress bars for long commands: shown on a terminal, silent when output is redirected."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import click


class _Quiet:
    def update(self, _n: int) -> None:
        pass


@contextmanager
def progress(length: int, label: str) -> Iterator[object]:
    """A bar with `.update(n)`; a no-op when stdout is not a terminal."""
    if not sys.stdout.isatty():
        yield _Quiet()
        return
    with click.progressbar(length=length, label=label, show_pos=True) as bar:
        yield bar


def track[T](items: Iterable[T], length: int, label: str) -> Iterator[T]:
    """Iterate with a progress bar on a terminal."""
    with progress(length, label) as bar:
        for item in items:
            yield item
            bar.update(1)  # type: ignore[attr-defined]
