"""Live previews render in a low-priority thread, one per user and a few per site."""

import os
import threading

import pytest

from notes.preview_slots import LOW_PRIORITY, at_low_priority


def test_work_runs_at_a_lower_priority_and_gives_back_its_value():
    def own_priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = own_priority()
    assert at_low_priority(own_priority) >= min(before + LOW_PRIORITY, 19)
    assert own_priority() == before  # the request's own thread is left as it was


def test_an_error_in_the_work_reaches_the_caller():
    def fail():
        raise ValueError("too complex")

    with pytest.raises(ValueError, match="too complex"):
        at_low_priority(fail)
