"""The order to learn topics in, from the tree and the prerequisites, without a database."""

import itertools

from notes.learning_order import (
    LearningPaths,
    TopicPlace,
    path_to,
    prerequisite_loop,
    study_order,
    tree_walk,
)

# A small map: Functions (Closure, Decorator, Generator), Concurrency (Thread, GIL).
FUNCTIONS, CLOSURE, DECORATOR, GENERATOR, CONCURRENCY, THREAD, GIL = range(1, 8)
TOPICS = [
    TopicPlace(FUNCTIONS, None, 0, "Functions"),
    # Decorator comes first among its siblings on the map, yet needs Closure first.
    TopicPlace(DECORATOR, FUNCTIONS, 0, "Decorator"),
    TopicPlace(CLOSURE, FUNCTIONS, 1, "Closure"),
    TopicPlace(GENERATOR, FUNCTIONS, 2, "Generator"),
    TopicPlace(CONCURRENCY, None, 1, "Concurrency"),
    TopicPlace(GIL, CONCURRENCY, 0, "GIL"),
    TopicPlace(THREAD, CONCURRENCY, 0, "Thread"),
]
NEEDS = [(DECORATOR, CLOSURE), (CLOSURE, FUNCTIONS), (GIL, THREAD)]


def test_the_tree_is_walked_depth_first_by_position_then_name():
    assert tree_walk(TOPICS) == [
        FUNCTIONS, DECORATOR, CLOSURE, GENERATOR, CONCURRENCY, GIL, THREAD,
    ]  # fmt: skip


def test_decorator_comes_after_closure_which_comes_after_functions():
    order = study_order(TOPICS, NEEDS)
    assert order.index(FUNCTIONS) < order.index(CLOSURE) < order.index(DECORATOR)


def test_each_branch_is_kept_together():
    assert study_order(TOPICS, NEEDS) == [
        FUNCTIONS, CLOSURE, DECORATOR, GENERATOR, CONCURRENCY, THREAD, GIL,
    ]  # fmt: skip


def test_without_prerequisites_the_order_is_the_tree_walk():
    assert study_order(TOPICS, []) == tree_walk(TOPICS)


def test_a_prerequisite_in_another_branch_is_learnt_first():
    # Closure needing the GIL pulls the Concurrency branch forward only as far as needed.
    order = study_order(TOPICS, [*NEEDS, (CLOSURE, GIL)])
    assert order == [FUNCTIONS, GENERATOR, CONCURRENCY, THREAD, GIL, CLOSURE, DECORATOR]


def test_a_loop_of_prerequisites_does_not_hang_and_is_broken_the_same_way_every_time():
    looped = [(CLOSURE, DECORATOR), (DECORATOR, CLOSURE), (GENERATOR, DECORATOR)]
    order = study_order(TOPICS, looped)
    assert sorted(order) == sorted(place.key for place in TOPICS)
    # Broken once nothing else can be learnt, where the walk first meets the loop; the
    # rest still wait for theirs.
    assert order == [FUNCTIONS, CONCURRENCY, GIL, THREAD, DECORATOR, CLOSURE, GENERATOR]
    for shuffled in itertools.permutations(looped):
        assert study_order(list(reversed(TOPICS)), shuffled) == order


def test_a_topic_outside_the_loop_still_waits_for_its_prerequisites():
    # Thread waits on the loop through the GIL: the loop is broken, not Thread's need.
    looped = [(GIL, CONCURRENCY), (CONCURRENCY, GIL), (THREAD, GIL)]
    order = study_order(TOPICS, looped)
    assert order.index(GIL) < order.index(THREAD)
    assert order.index(CONCURRENCY) < order.index(THREAD)


def test_a_parent_loop_does_not_hide_topics():
    looped = [TopicPlace(1, 2, 0, "A"), TopicPlace(2, 1, 0, "B"), TopicPlace(3, None, 0, "C")]
    assert study_order(looped, []) == [3, 1, 2]


def test_unknown_topics_self_needs_and_repeated_pairs_are_ignored():
    needs = [*NEEDS, (DECORATOR, CLOSURE), (GIL, GIL), (GIL, 99), (99, THREAD)]
    assert study_order(TOPICS, needs) == study_order(TOPICS, NEEDS)


def test_a_diamond_is_learnt_once_each_in_order():
    # Decorator needs Closure and Generator, which both need Functions.
    diamond = [
        (DECORATOR, CLOSURE), (DECORATOR, GENERATOR),
        (CLOSURE, FUNCTIONS), (GENERATOR, FUNCTIONS),
    ]  # fmt: skip
    order = study_order(TOPICS, diamond)
    assert order[:4] == [FUNCTIONS, CLOSURE, GENERATOR, DECORATOR]
    assert path_to(DECORATOR, diamond, order) == [FUNCTIONS, CLOSURE, GENERATOR, DECORATOR]


def test_the_path_to_a_topic_ends_at_it_after_all_it_needs():
    order = study_order(TOPICS, NEEDS)
    assert path_to(DECORATOR, NEEDS, order) == [FUNCTIONS, CLOSURE, DECORATOR]
    assert path_to(GENERATOR, NEEDS, order) == [GENERATOR]


def test_the_path_to_a_topic_on_a_loop_still_ends_at_it():
    looped = [(CLOSURE, DECORATOR), (DECORATOR, CLOSURE)]
    order = study_order(TOPICS, looped)
    assert path_to(DECORATOR, looped, order) == [CLOSURE, DECORATOR]
    assert path_to(CLOSURE, looped, order) == [DECORATOR, CLOSURE]


def test_before_lists_what_comes_first_and_next_what_needs_it_directly():
    paths = LearningPaths(TOPICS, [*NEEDS, (GENERATOR, CLOSURE)])
    assert paths.before(DECORATOR) == [FUNCTIONS, CLOSURE]
    assert paths.first(DECORATOR) == [CLOSURE]
    assert paths.next(CLOSURE) == [DECORATOR, GENERATOR]
    assert paths.next(DECORATOR) == []
    assert paths.before(FUNCTIONS) == []
    assert paths.number[FUNCTIONS] == 1
    assert paths.path_to(GIL) == [THREAD, GIL]


def test_the_loop_finder_names_the_loop_a_new_prerequisite_would_close():
    assert prerequisite_loop(NEEDS, FUNCTIONS, DECORATOR) == [
        FUNCTIONS, DECORATOR, CLOSURE, FUNCTIONS,
    ]  # fmt: skip
    assert prerequisite_loop(NEEDS, GENERATOR, DECORATOR) is None
    assert prerequisite_loop(NEEDS, GIL, GIL) == [GIL, GIL]
    diamond = [(DECORATOR, CLOSURE), (DECORATOR, GENERATOR), (CLOSURE, GIL), (GENERATOR, GIL)]
    assert prerequisite_loop(diamond, THREAD, DECORATOR) is None
