"""The order to learn topics in, from their prerequisites: pure functions of ids."""

from __future__ import annotations

import heapq
from collections.abc import Container, Iterable, Sequence
from typing import NamedTuple


def prerequisite_loop(
    needs: Iterable[tuple[int, int]], topic: int, prerequisite: int
) -> list[int] | None:
    """The loop that ``topic`` needing ``prerequisite`` first would close, or None.

    ``needs`` are the (topic, prerequisite) pairs already stored. The loop is returned
    as the topics in the order each needs the next: ``[topic, prerequisite, ..., topic]``.
    """
    if topic == prerequisite:
        return [topic, topic]
    first: dict[int, list[int]] = {}
    for needing, needed in needs:
        first.setdefault(needing, []).append(needed)
    # A path from the prerequisite back to the topic closes the loop.
    came_from: dict[int, int] = {prerequisite: prerequisite}
    stack = [prerequisite]
    while stack:
        current = stack.pop()
        for needed in first.get(current, []):
            if needed in came_from:
                continue
            came_from[needed] = current
            if needed == topic:
                path = [topic]
                while path[-1] != prerequisite:
                    path.append(came_from[path[-1]])
                return [topic, *reversed(path)]
            stack.append(needed)
    return None


class TopicPlace(NamedTuple):
    """Where a topic sits on the map: what ``study_order`` needs to know of it."""

    key: int
    parent: int | None
    position: int
    name: str


def tree_walk(topics: Iterable[TopicPlace]) -> list[int]:
    """Every topic in a depth-first walk of the tree, siblings by position, then name.

    A topic whose parent is unknown is a root; topics whose parents go round in a loop
    (possible only by editing the database by hand) are walked after the others."""
    places = {place.key: place for place in topics}
    children: dict[int | None, list[TopicPlace]] = {}
    for place in places.values():
        parent = place.parent if place.parent in places else None
        children.setdefault(parent, []).append(place)
    for siblings in children.values():
        siblings.sort(key=_sibling_order)
    walked: list[int] = []
    seen: set[int] = set()

    def walk(start: TopicPlace) -> None:
        stack = [start]
        while stack:
            place = stack.pop()
            if place.key in seen:
                continue
            seen.add(place.key)
            walked.append(place.key)
            stack.extend(reversed(children.get(place.key, [])))

    for root in children.get(None, []):
        walk(root)
    for place in sorted(places.values(), key=_sibling_order):
        walk(place)
    return walked


def _sibling_order(place: TopicPlace) -> tuple[int, str, int]:
    return (place.position, place.name, place.key)


def study_order(topics: Iterable[TopicPlace], needs: Iterable[tuple[int, int]]) -> list[int]:
    """Every topic once, each after the topics it needs first (``needs`` holds
    (topic, prerequisite) pairs), keeping each branch of the tree together.

    Kahn's algorithm: of the topics whose prerequisites are all learnt, the one that
    comes first in the tree's depth-first walk is next, so siblings and their subtrees
    stay together as far as the prerequisites allow. Prerequisites that go round in a
    loop (stored only by editing the database by hand) are broken where the walk first
    meets the loop, so the order is still complete and the same every time.
    """
    walked = tree_walk(topics)
    rank = {key: index for index, key in enumerate(walked)}
    first = _prerequisites(needs, rank)
    waiting = {key: len(first.get(key, ())) for key in walked}
    needed_by: dict[int, list[int]] = {}
    for topic, prerequisites in first.items():
        for prerequisite in prerequisites:
            needed_by.setdefault(prerequisite, []).append(topic)
    ready = [rank[key] for key in walked if not waiting[key]]
    heapq.heapify(ready)
    order: list[int] = []
    learnt: set[int] = set()
    while len(order) < len(walked):
        if not ready:
            stuck = _in_a_loop(walked, first, learnt, rank)
            waiting[stuck] = 0
            ready.append(rank[stuck])
        key = walked[heapq.heappop(ready)]
        learnt.add(key)
        order.append(key)
        for topic in needed_by.get(key, ()):
            waiting[topic] -= 1
            # A topic released from a loop went below zero: it is pushed once only.
            if waiting[topic] == 0:
                heapq.heappush(ready, rank[topic])
    return order


def _prerequisites(needs: Iterable[tuple[int, int]], known: Container[int]) -> dict[int, set[int]]:
    """Each topic's prerequisites among ``known`` topics, each once, never itself."""
    first: dict[int, set[int]] = {}
    for topic, prerequisite in needs:
        if topic != prerequisite and topic in known and prerequisite in known:
            first.setdefault(topic, set()).add(prerequisite)
    return first


def _in_a_loop(
    walked: list[int], first: dict[int, set[int]], learnt: set[int], rank: dict[int, int]
) -> int:
    """A topic on a loop of prerequisites, when every topic left waits for another.

    From the first topic left in the walk, follow its first unlearnt prerequisite
    until a topic comes round again: that one is on a loop."""
    current = next(key for key in walked if key not in learnt)
    seen: set[int] = set()
    while current not in seen:
        seen.add(current)
        current = min(
            (key for key in first.get(current, ()) if key not in learnt), key=rank.__getitem__
        )
    return current


def path_to(topic: int, needs: Iterable[tuple[int, int]], order: Sequence[int]) -> list[int]:
    """Every topic ``topic`` needs first, and what they need, in ``order`` (the study
    order), ending at ``topic`` itself: functions, closures, decorators."""
    first = _prerequisites(needs, set(order))
    needed: set[int] = set()
    stack = [topic]
    while stack:
        for prerequisite in first.get(stack.pop(), ()):
            if prerequisite not in needed and prerequisite != topic:
                needed.add(prerequisite)
                stack.append(prerequisite)
    return [key for key in order if key in needed] + [topic]


class LearningPaths:
    """The study order of every topic, asked about one topic at a time."""

    def __init__(self, topics: Iterable[TopicPlace], needs: Iterable[tuple[int, int]]) -> None:
        places = list(topics)
        self.needs = list(needs)
        self.order = study_order(places, self.needs)
        self.number = {key: index for index, key in enumerate(self.order, start=1)}
        self._first = _prerequisites(self.needs, self.number)
        self._needed_by: dict[int, list[int]] = {}
        for key, needed in self._first.items():
            for prerequisite in needed:
                self._needed_by.setdefault(prerequisite, []).append(key)

    def path_to(self, topic: int) -> list[int]:
        """The topics to learn first, in order, then ``topic``."""
        return path_to(topic, self.needs, self.order)

    def before(self, topic: int) -> list[int]:
        """The topics ``topic`` needs first, and theirs, in the order to learn them."""
        return self.path_to(topic)[:-1]

    def first(self, topic: int) -> list[int]:
        """The topics ``topic`` needs directly, in the order to learn them."""
        return sorted(self._first.get(topic, ()), key=self.number.__getitem__)

    def next(self, topic: int) -> list[int]:
        """The topics that need ``topic`` directly, in the order to learn them."""
        return sorted(self._needed_by.get(topic, ()), key=self.number.__getitem__)
