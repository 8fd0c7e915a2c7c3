"""A topic's links into the Python documentation: references, their links, the page."""

import json
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from notes.docs_references import IndexEntry, docs_lines, docs_links, reference_problem
from notes.map_imports import parse_opml
from notes.models import PythonObject, Topic
from notes.topic_map import TopicMapError, load_topic_map

from .factories import make_topic

BASE = "https://docs.python.org/3.11/"
STARTER_MAP = Path(__file__).resolve().parent.parent / "notes" / "sample" / "topics.yaml"
LRU = IndexEntry(
    "library/functools.html#functools.lru_cache", "py:function", "lru_cache(user_function)",
    "Decorator to wrap a function with a memoizing callable.",
)  # fmt: skip


def test_references_are_read_one_per_line_blank_and_repeated_ones_left_out():
    assert docs_lines("gc\n\n  object.__hash__ \ngc\n") == ["gc", "object.__hash__"]
    assert docs_lines(["gc", " term:  hashable "]) == ["gc", "term: hashable"]
    with pytest.raises(ValueError):
        docs_lines({"gc": 1})


@pytest.mark.parametrize(
    ("reference", "url", "card"),
    [
        ("functools.lru_cache", BASE + LRU.path,
         "function lru_cache(user_function) — Decorator to wrap a function with a memoizing "
         "callable."),
        ("gc", BASE + "library/gc.html", ""),
        ("threading.Lock", BASE + "library/threading.html#threading.Lock", ""),
        ("term: global interpreter lock", BASE + "glossary.html#term-global-interpreter-lock", ""),
        ("reference/executionmodel.html#naming-and-binding",
         BASE + "reference/executionmodel.html#naming-and-binding", ""),
        ("https://peps.python.org/pep-0703/", "https://peps.python.org/pep-0703/", ""),
        ("hash", BASE + "search.html?q=hash", ""),
    ],
)  # fmt: skip
def test_a_reference_links_through_the_index_else_by_the_documentations_layout(
    reference, url, card
):
    [link] = docs_links([reference], {"functools.lru_cache": LRU}, BASE)
    assert (link.url, link.card) == (url, card)


@pytest.mark.parametrize("reference", ["lock me", "javascript:alert(1)", "term:", "a b.html"])
def test_what_is_no_reference_is_said_and_never_linked(reference):
    assert reference_problem(reference)
    assert docs_links([reference], {}, BASE) == []


@pytest.mark.django_db
def test_the_topic_form_refuses_a_line_that_is_no_reference():
    topic = make_topic("GIL")
    topic.docs = "term: global interpreter lock\njavascript:alert(1)"
    with pytest.raises(ValidationError) as refused:
        topic.full_clean()
    assert "“javascript:alert(1)” is not a name" in refused.value.message_dict["docs"][0]


@pytest.mark.django_db
def test_the_starter_map_links_its_topics_to_the_documentation():
    load_topic_map(yaml.safe_load(STARTER_MAP.read_text(encoding="utf-8")))
    assert docs_lines(Topic.objects.get(name="Garbage collection").docs)[0] == "gc"
    assert "object.__hash__" in docs_lines(Topic.objects.get(name="Hashing").docs)
    assert "term: global interpreter lock" in docs_lines(Topic.objects.get(name="GIL").docs)
    assert docs_lines(Topic.objects.get(name="Closure").docs)[0].startswith(
        "reference/executionmodel.html"
    )


@pytest.mark.django_db
def test_a_map_whose_docs_name_no_reference_is_refused():
    with pytest.raises(TopicMapError, match="the docs of GIL name 'lock me'"):
        load_topic_map([{"name": "GIL", "docs": ["lock me"]}])
    assert not Topic.objects.exists()


@pytest.mark.django_db
@override_settings(PYTHON_DOCS_VERSION="3.12")
def test_a_topic_page_links_its_documentation_with_the_indexs_card(client):
    make_topic("Caching", docs="functools.lru_cache\nterm: hashable")
    PythonObject.objects.create(name="functools.lru_cache", role="py:function", path=LRU.path,
                                signature=LRU.signature, summary="<b>memo</b>",
                                source="inventory")  # fmt: skip
    page = client.get(reverse("notes:topic-detail", args=["caching"])).content.decode()
    assert (
        '<a class="pydoc" href="https://docs.python.org/3.12/library/functools.html'
        '#functools.lru_cache" data-card="function lru_cache(user_function) — '
        '&lt;b&gt;memo&lt;/b&gt;"><code>functools.lru_cache</code></a>'
    ) in page
    assert 'href="https://docs.python.org/3.12/glossary.html#term-hashable">hashable</a>' in page


@pytest.mark.django_db
def test_a_topic_without_docs_has_no_documentation_line(client):
    make_topic("Caching")
    page = client.get(reverse("notes:topic-detail", args=["caching"])).content.decode()
    assert "topic-docs" not in page


@pytest.mark.django_db
def test_docs_go_out_with_the_json_and_opml_downloads_and_come_back(client):
    make_topic("GIL", docs="term: global interpreter lock\nsys.setswitchinterval")
    exported = json.loads(client.get(reverse("notes:map-json")).content)
    assert exported["topics"][0]["docs"] == ["term: global interpreter lock",
                                             "sys.setswitchinterval"]  # fmt: skip
    opml = client.get(reverse("notes:map-opml")).content.decode()
    Topic.objects.all().delete()
    load_topic_map(parse_opml(opml))
    assert (
        Topic.objects.get(name="GIL").docs == "term: global interpreter lock\nsys.setswitchinterval"
    )
    Topic.objects.all().delete()
    load_topic_map(exported["topics"])
    assert Topic.objects.get(name="GIL").docs.endswith("sys.setswitchinterval")
