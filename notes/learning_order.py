"""The order to learn topics in, from their prerequisites: pure functions of ids."""

from __future__ import annotations

from collections.abc import Iterable


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
