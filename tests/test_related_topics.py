"""What a topic page suggests next: named relations, company beyond chance, siblings."""

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from notes.models import Note, Topic, TopicRelation, descendant_ids
from notes.related_topics import related_topics
from notes.topic_page import topic_tree
from tests.factories import make_draft, make_note, make_topic, make_user

pytestmark = pytest.mark.django_db


def related(name: str, user=None, *, tree=None, limit: int = 12) -> list[Topic]:
    tree = tree if tree is not None else topic_tree()
    topic = next(topic for topic in tree.values() if topic.name == name)
    subtree = descendant_ids(topic.pk, [(t.pk, t.parent_id) for t in tree.values()])
    return related_topics(topic, tree, subtree, user or AnonymousUser(), limit=limit, sample=300)


def names(topics: list[Topic]) -> list[str]:
    return [topic.name for topic in topics]


def described(topics: list[Topic]) -> list[tuple[str, str, int | None]]:
    return [(topic.name, topic.relation, topic.shared) for topic in topics]


@pytest.fixture
def seeded(seeds):
    """The starter map and the learners' real notes, as a new site has them."""
    from notes.importers import import_paths
    from notes.topic_map import load_topic_map

    starter = settings.BASE_DIR / "notes" / "sample" / "topics.yaml"
    load_topic_map(yaml.safe_load(starter.read_text(encoding="utf-8")))
    import_paths([seeds], default_status=Note.Status.PUBLISHED)


def test_seed_notes_relate_decorator_to_closure(seeded):
    assert "Decorator" in names(related("Closure"))


def test_seed_overviews_do_not_relate_topics_they_merely_list(seeded):
    # An outline note and a conference report mention nearly every topic: they make
    # neither Process a neighbour of Hashing nor concurrency a neighbour of Django.
    assert "Process" not in names(related("Hashing"))
    concurrency = Topic.objects.get(name="Concurrency").descendant_ids()
    assert not {topic.pk for topic in related("Django")} & concurrency
    assert "Python" not in names(related("Thread"))


@pytest.fixture
def flat_map():
    """Topics side by side at the root (no siblings to fill in), and notes elsewhere
    on the map so that chance is low."""
    for name in ["Closure", "Decorator", "Scope", "Generator", "Hashing", "Thread", "Lock"]:
        make_topic(name)
    make_topic("Python", autolink=False)
    for _ in range(4):
        make_note(body="Thread and Lock.")
    return {topic.name: topic for topic in Topic.objects.all()}


def test_named_relations_come_first_each_with_its_kind(flat_map):
    relate = TopicRelation.objects.create
    relate(topic=flat_map["Decorator"], kind="prerequisite", other=flat_map["Closure"])
    relate(topic=flat_map["Closure"], kind="prerequisite", other=flat_map["Scope"])
    relate(topic=flat_map["Hashing"], kind="contrasts", other=flat_map["Closure"])
    relate(topic=flat_map["Closure"], kind="see_also", other=flat_map["Generator"])
    make_note(body="Closure, Thread.")
    make_note(body="Closure and Thread again.")
    assert described(related("Closure")) == [
        ("Scope", "needs first", None),
        ("Decorator", "needed by", None),
        ("Generator", "see also", None),
        ("Hashing", "contrasts with", None),
        ("Thread", "", 2),
    ]
    assert described(related("Decorator"))[0] == ("Closure", "needs first", None)
    assert described(related("Generator")) == [("Closure", "see also", None)]


def test_topics_mentioned_together_in_two_focused_notes_are_suggested(flat_map):
    make_note(body="Closure and Generator.")
    assert names(related("Closure")) == []
    make_note(body="A Generator is no Closure.")
    assert described(related("Closure")) == [("Generator", "", 2)]


def test_broad_topics_are_never_suggested_from_the_notes(flat_map):
    make_note(body="Python: Closure and Generator.")
    make_note(body="Python: Generator, then Closure.")
    assert names(related("Closure")) == ["Generator"]


def test_a_drafts_company_is_not_counted_for_an_anonymous_reader(flat_map):
    make_note(body="Closure and Generator.")
    make_draft(body="Generator and Closure, in a draft.")
    assert names(related("Closure")) == []
    assert described(related("Closure", make_user(staff=True))) == [("Generator", "", 2)]


def test_siblings_fill_a_short_list_and_parent_and_subtopics_stay_out():
    functions = make_topic("Functions", autolink=False)
    closure = make_topic("Closure", parent=functions)
    make_topic("Cell", parent=closure)
    for name in ["Decorator", "Lambda", "Partial", "Recursion", "Scope", "Yield"]:
        make_topic(name, parent=functions)
    make_note(body="Closure, Cell and Functions.")
    make_note(body="Closure with a Cell, in Functions.")
    shown = related("Closure", limit=3)
    assert names(shown) == ["Decorator", "Lambda", "Partial"]
    assert [topic.relation for topic in shown] == ["", "", ""]
    assert len(related("Closure")) == 5


def test_query_count_does_not_grow_with_the_notes(flat_map, django_assert_num_queries):
    relate = TopicRelation.objects.create
    relate(topic=flat_map["Decorator"], kind="prerequisite", other=flat_map["Closure"])
    make_note(body="Closure and Generator.")
    make_note(body="Generator and Closure.")
    tree = topic_tree()
    with django_assert_num_queries(2):
        few = related("Closure", tree=tree)
    for index in range(30):
        make_note(body=f"Closure {index}, Generator, Hashing and Scope.")
    tree = topic_tree()
    with django_assert_num_queries(2):
        many = related("Closure", tree=tree)
    assert len(many) > len(few)
    # A tree read without whether each topic links automatically costs one query more.
    partial = {topic.pk: topic for topic in Topic.objects.defer("autolink")}
    with django_assert_num_queries(3):
        related("Closure", tree=partial)
