"""Gathering what a batch of changes asks for, to act on it once when the batch ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def gathered_at_end(
    var: ContextVar[T | None],
    gathered: Callable[[], T],
    join: Callable[[T, T], object],
    finish: Callable[[T], object],
) -> Iterator[T]:
    """Inside the block ``var`` holds what is gathered (a fresh ``gathered()``); at its
    end ``finish`` acts on it.

    Nested (a file inside an import's batch), what the inner block gathered is joined to
    the outer one (``join(outer, inner)``), and only if the block ends without an error:
    what a rolled-back file asked for is dropped with it.
    """
    outer = var.get()
    inner = gathered()
    token = var.set(inner)
    try:
        yield inner
    finally:
        var.reset(token)
    if outer is not None:
        join(outer, inner)
    else:
        finish(inner)
