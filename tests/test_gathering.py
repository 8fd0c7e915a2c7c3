"""gathered_at_end: what a batch asks for, acted on once at its end."""

from contextvars import ContextVar

import pytest

from notes.gathering import gathered_at_end

GATHERED: ContextVar[list | None] = ContextVar("test_gathered", default=None)


def _batch(finished: list):
    return gathered_at_end(GATHERED, list, list.extend, finished.append)


def test_an_outer_block_acts_once_on_everything_its_inner_blocks_gathered():
    finished: list = []
    with _batch(finished) as outer:
        outer.append("a")
        with _batch(finished) as inner:
            inner.append("b")
        assert finished == []
    assert finished == [["a", "b"]]
    assert GATHERED.get() is None


def test_an_inner_block_that_fails_leaves_nothing_behind():
    finished: list = []
    with _batch(finished) as outer:
        outer.append("kept")
        with pytest.raises(RuntimeError), _batch(finished) as inner:
            inner.append("dropped")
            raise RuntimeError("a bad file")
    assert finished == [["kept"]]
