"""Typed relations between topics: their rules, the starter map's, and the admin inline."""

from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from notes.models import Topic, TopicRelation
from notes.topic_map import TopicMapError, load_topic_map

from .factories import make_topic

pytestmark = pytest.mark.django_db

STARTER_MAP = Path(__file__).resolve().parent.parent / "notes" / "sample" / "topics.yaml"
NEEDS = TopicRelation.Kind.PREREQUISITE


def relate(topic: Topic, other: Topic, kind=NEEDS) -> TopicRelation:
    relation = TopicRelation(topic=topic, other=other, kind=kind)
    relation.full_clean()
    relation.save()
    return relation


@pytest.fixture
def functions_closure_decorator():
    functions, closure, decorator = (make_topic(name) for name in
                                     ("Functions", "Closure", "Decorator"))  # fmt: skip
    relate(closure, functions)
    relate(decorator, closure)
    return functions, closure, decorator


def test_a_topic_cannot_be_related_to_itself():
    gil = make_topic("GIL")
    with pytest.raises(ValidationError) as refused:
        relate(gil, gil, TopicRelation.Kind.SEE_ALSO)
    assert refused.value.message_dict["other"] == ["A topic cannot be related to itself."]


def test_the_database_refuses_a_self_relation_written_past_validation():
    gil = make_topic("GIL")
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicRelation.objects.create(topic=gil, other=gil, kind=NEEDS)


def test_a_prerequisite_that_would_close_a_loop_is_refused_with_the_loop_named(
    functions_closure_decorator,
):
    functions, _, decorator = functions_closure_decorator
    with pytest.raises(ValidationError) as refused:
        relate(functions, decorator)
    assert refused.value.message_dict["other"] == [
        "Prerequisites cannot go round in a loop: Functions needs Decorator first, which "
        "needs Closure first, which needs Functions first."
    ]
    assert not TopicRelation.objects.filter(topic=functions).exists()


def test_see_also_back_along_a_prerequisite_is_not_a_loop_but_says_it_twice(
    functions_closure_decorator,
):
    _, closure, decorator = functions_closure_decorator
    with pytest.raises(ValidationError) as refused:
        relate(closure, decorator, TopicRelation.Kind.SEE_ALSO)
    assert "Decorator already names this topic (needs first)" in str(refused.value)


def test_a_symmetric_relation_is_stored_once():
    thread, process = make_topic("Thread"), make_topic("Process")
    relate(thread, process, TopicRelation.Kind.CONTRASTS)
    with pytest.raises(ValidationError) as refused:
        relate(process, thread, TopicRelation.Kind.CONTRASTS)
    assert "Thread already names this topic (contrasts with)" in str(refused.value)


def test_a_prerequisite_may_be_edited_into_another_kind(functions_closure_decorator):
    _, closure, decorator = functions_closure_decorator
    relation = TopicRelation.objects.get(topic=decorator, other=closure)
    relation.kind = TopicRelation.Kind.SEE_ALSO
    relation.full_clean()
    relation.save()
    assert TopicRelation.objects.get(topic=decorator).kind == "see_also"


def test_the_starter_map_loads_its_prerequisites_contrasts_and_chinese_names():
    count = load_topic_map(yaml.safe_load(STARTER_MAP.read_text(encoding="utf-8")))
    assert count == Topic.objects.count() == 38

    def needs(name):
        return set(
            TopicRelation.objects.filter(topic__name=name, kind=NEEDS).values_list(
                "other__name", flat=True
            )
        )

    assert needs("Decorator") == {"Closure"}
    assert needs("Closure") == {"Functions"}
    assert needs("Mark and sweep") == {"Reference counting"}
    assert "Thread" in needs("GIL")
    assert TopicRelation.objects.filter(
        topic__name="Thread", other__name="Process", kind=TopicRelation.Kind.CONTRASTS
    ).exists()
    assert not Topic.objects.filter(summary_zh="").exists()
    assert Topic.objects.get(name="Garbage collection").name_zh == "垃圾回收"
    # Loading it again changes nothing.
    relations = TopicRelation.objects.count()
    load_topic_map(yaml.safe_load(STARTER_MAP.read_text(encoding="utf-8")))
    assert TopicRelation.objects.count() == relations


def test_a_map_whose_prerequisites_loop_is_refused_and_nothing_is_written():
    entries = [
        {"name": "Closure", "needs": ["Decorator"]},
        {"name": "Decorator", "needs": ["Closure"]},
    ]
    with pytest.raises(TopicMapError) as refused:
        load_topic_map(entries)
    assert "Prerequisites cannot go round in a loop" in str(refused.value)
    assert not Topic.objects.exists()


def test_a_map_naming_an_unknown_topic_is_refused():
    with pytest.raises(TopicMapError, match="names 'Nowhere', which is not a topic"):
        load_topic_map([{"name": "Closure", "needs": ["Nowhere"]}])


def test_display_names_and_summaries_follow_the_interface_language():
    gc = make_topic("Garbage collection", name_zh="垃圾回收", summary="Frees objects.",
                    summary_zh="释放对象。")  # fmt: skip
    plain = make_topic("NumPy", summary="Arrays.")
    with translation.override("zh-hans"):
        assert gc.display_name == "垃圾回收"
        assert "释放对象" in gc.display_summary_html
        assert plain.display_name == "NumPy"
        assert "Arrays." in plain.display_summary_html
    with translation.override("en"):
        assert gc.display_name == "Garbage collection"
        assert "Frees objects." in gc.display_summary_html


def test_a_chinese_name_links_its_topic_in_notes():
    from .factories import make_note

    make_topic("Garbage collection", name_zh="垃圾回收")
    note = make_note(body="关于垃圾回收的笔记")
    assert 'href="/topics/garbage-collection/"' in note.body_html


def inline_form(**fields) -> dict:
    data = {
        "name": "Decorator", "name_zh": "装饰器", "slug": "", "position": "0",
        "autolink": "on", "summary": "", "summary_zh": "",
        "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0", "aliases-MAX_NUM_FORMS": "1000",
        "relations-TOTAL_FORMS": "1", "relations-INITIAL_FORMS": "0",
        "relations-MIN_NUM_FORMS": "0", "relations-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    return {**data, **fields}


def test_the_topic_admin_saves_relations_inline(admin_client):
    closure = make_topic("Closure")
    response = admin_client.post(
        reverse("admin:notes_topic_add"),
        inline_form(**{"relations-0-kind": "prerequisite", "relations-0-other": closure.pk}),
    )
    assert response.status_code == 302
    decorator = Topic.objects.get(name="Decorator")
    assert list(decorator.relations.values_list("kind", "other__name")) == [
        ("prerequisite", "Closure")
    ]
    assert decorator.history.count() == 1
    page = admin_client.get(reverse("admin:notes_topic_change", args=[closure.pk]))
    assert "Needed first by" in page.content.decode()
    assert "Decorator" in page.content.decode()


def test_the_topic_admin_refuses_a_loop_with_the_sentence_beside_the_field(
    admin_client, functions_closure_decorator
):
    functions, _, decorator = functions_closure_decorator
    data = inline_form(name="Functions", name_zh="函数", **{
        "relations-0-kind": "prerequisite", "relations-0-other": decorator.pk,
    })  # fmt: skip
    response = admin_client.post(reverse("admin:notes_topic_change", args=[functions.pk]), data)
    assert response.status_code == 200
    assert "Prerequisites cannot go round in a loop: Functions needs Decorator first" in (
        response.content.decode()
    )
    assert not functions.relations.exists()
    assert Topic.objects.get(pk=functions.pk).name_zh == ""


def test_editing_a_topic_keeps_a_version_in_its_history(admin_client):
    topic = make_topic("GIL")
    topic.summary = "One thread at a time."
    topic.save()
    versions = admin_client.get(reverse("admin:notes_topic_history", args=[topic.pk]))
    assert versions.status_code == 200
    assert topic.history.count() == 2
    page = versions.content.decode()
    assert '<span class="changed-fields">Summary</span>: — → One thread at a time.' in page
    assert "style=" not in page  # the Content-Security-Policy blocks inline styles
