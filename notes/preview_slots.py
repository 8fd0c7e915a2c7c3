"""How many live previews may render at once: one per user, and a few for the site.

A preview renders whatever an editor typed, up to the rendering budget. If every
worker process rendered previews, readers would wait behind them; so previews take a
slot, and the site has fewer slots than workers. Slots are file locks (``flock``),
shared by every worker process of one machine and let go by the system if a process
dies, so a crashed worker never keeps a slot.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class NoSlot(Exception):
    """No preview may start now; ``mine`` tells whether the user's own one is running."""

    def __init__(self, *, mine: bool):
        super().__init__("busy")
        self.mine = mine


@contextmanager
def _locked(path: Path) -> Iterator[bool]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextmanager
def preview_slot(folder: Path, user_key: str, site_slots: int) -> Iterator[None]:
    """Hold the user's slot and one of the site's ``site_slots`` while a preview renders,
    or raise ``NoSlot`` at once."""
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        if not stack.enter_context(_locked(folder / f"preview-user-{user_key}.lock")):
            raise NoSlot(mine=True)
        for number in range(max(site_slots, 1)):
            if stack.enter_context(_locked(folder / f"preview-site-{number}.lock")):
                break
        else:
            raise NoSlot(mine=False)
        yield


def at_low_priority(work: Callable[[], T]) -> T:
    """``work()`` run in a thread of its own at a lower CPU priority (Linux's per-thread
    nice value), so that a worker serving a reader on the other core wins over it.
    The request's own thread only waits; where threads have no priority of their own,
    the work simply runs at the usual one."""
    values: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        with suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOW_PRIORITY)
        try:
            values.append(work())
        except BaseException as error:  # handed back to the request's thread
            errors.append(error)

    worker = threading.Thread(target=run, name="preview", daemon=True)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    return values[0]


# The nice value of a preview's thread: the lowest priority (0 is the usual).
LOW_PRIORITY = 19
