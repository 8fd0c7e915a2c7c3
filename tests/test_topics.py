"""Topics, aliases and the stored mention table kept true as things change."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notes.models import Mention, Note, NoteLink, Topic, TopicAlias
from notes.relinking import relink_notes
from tests.factories import make_draft, make_note, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def relinks(django_capture_on_commit_callbacks):
    """Run the relinking that topic changes schedule for when their transaction commits."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def mentions_of(note: Note) -> dict[str, int]:
    return {m.topic.name: m.count for m in note.mentions.select_related("topic")}


def test_saving_a_note_links_topics_and_stores_mentions():
    make_topic("GIL", aliases=["全局解释器锁"])
    note = make_note(body="CPython 的全局解释器锁，也叫 GIL。GIL 很重要。")
    assert 'href="/topics/gil/"' in note.body_html
    assert mentions_of(note) == {"GIL": 3}
    assert note.mentions.get().snippet == "CPython 的全局解释器锁，也叫 GIL。"


def test_editing_a_note_replaces_its_mentions():
    make_topic("GIL")
    make_topic("Closure", aliases=["闭包"])
    note = make_note(body="The GIL.")
    note.body = "闭包 only."
    note.save()
    assert mentions_of(note) == {"Closure": 1}


def test_new_topic_links_existing_notes(relinks):
    note = make_note(body="Notes about 协程 and coroutines.")
    relinks(lambda: make_topic("Coroutine", aliases=["协程", "coroutines"]))
    note.refresh_from_db()
    assert mentions_of(note) == {"Coroutine": 2}
    assert 'href="/topics/coroutine/"' in note.body_html


def test_adding_an_alias_relinks_the_notes_that_use_it(relinks):
    topic = make_topic("Garbage collection")
    note = make_note(body="引用计数和垃圾回收。")
    assert mentions_of(note) == {}
    relinks(lambda: TopicAlias.objects.create(topic=topic, name="垃圾回收"))
    note.refresh_from_db()
    assert mentions_of(note) == {"Garbage collection": 1}


def test_changing_an_alias_drops_the_old_links(relinks):
    topic = make_topic("Hashing", aliases=["hash"])
    note = make_note(body="A hash of the key.")
    assert mentions_of(note) == {"Hashing": 1}
    alias = topic.aliases.get()
    alias.name = "哈希"

    relinks(alias.save)
    note.refresh_from_db()
    assert mentions_of(note) == {}
    assert "topic-link" not in note.body_html


def test_removing_an_alias_unlinks_it(relinks):
    topic = make_topic("Thread", aliases=["线程"])
    note = make_note(body="多线程")
    relinks(lambda: topic.aliases.get().delete())
    note.refresh_from_db()
    assert mentions_of(note) == {}
    assert "/topics/thread/" not in note.body_html


def test_renaming_a_topic_relinks_under_the_new_name(relinks):
    topic = make_topic("Closures")
    note = make_note(body="Closures capture variables.")
    topic.name = "Lexical closures"
    relinks(topic.save)
    note.refresh_from_db()
    assert mentions_of(note) == {}


def test_deleting_a_topic_removes_its_links_from_notes(relinks):
    topic = make_topic("GIL")
    note = make_note(body="The GIL. See [[GIL]].")
    relinks(topic.delete)
    note.refresh_from_db()
    assert "/topics/gil/" not in note.body_html
    assert 'class="missing-link"' in note.body_html
    assert NoteLink.objects.get(source=note).is_missing


def test_topic_change_does_not_touch_the_notes_updated_time(relinks):
    note = make_note(body="The GIL.")
    before = Note.objects.get(pk=note.pk).updated
    relinks(lambda: make_topic("GIL"))
    assert Note.objects.get(pk=note.pk).updated == before


def test_matcher_is_rebuilt_only_when_topics_change():
    make_topic("GIL")
    first = Topic.objects.matcher()
    assert Topic.objects.matcher() is first
    make_topic("Closure")
    assert Topic.objects.matcher() is not first


def test_autolink_off_topic_is_only_reached_by_explicit_links():
    make_topic("Python", autolink=False)
    note = make_note(body="Python is everywhere. [[Python|The language]].")
    assert note.body_html.count('href="/topics/python/"') == 1
    assert ">The language</a>" in note.body_html


def test_autolink_off_topic_mentions_are_still_counted():
    python = make_topic("Python", autolink=False)
    note = make_note(body="Python is everywhere, python too.")
    assert "topic-link" not in note.body_html
    assert Mention.objects.get(note=note, topic=python).count == 2


def test_a_note_links_each_topic_once_unless_asked_for_every_section():
    make_topic("GIL")
    body = "## One\n\nThe GIL.\n\n## Two\n\nThe GIL again."
    assert make_note(body=body).body_html.count('href="/topics/gil/"') == 1
    dense = make_note(body=body, link_every_section=True)
    assert dense.body_html.count('href="/topics/gil/"') == 2


def test_a_note_does_not_link_the_topic_its_title_names():
    make_topic("GIL", aliases=["全局解释器锁"])
    make_topic("Thread", aliases=["线程"])
    note = make_note("全局解释器锁 GIL", body="The GIL stops threads. 线程 wait for the GIL.")
    assert 'href="/topics/gil/"' not in note.body_html
    assert 'href="/topics/thread/"' in note.body_html
    assert note.mentions.get(topic__name="GIL").count == 2
    note.title = "Threads"
    note.save()
    assert 'href="/topics/gil/"' in note.body_html


def test_topic_map_aliases_may_be_whole_word_only(relinks):
    from notes.topic_map import load_topic_map

    load_topic_map([{"name": "Lock", "aliases": ["lock", {"name": "锁", "whole_word": True}]}])
    assert TopicAlias.objects.get(name="锁").whole_word
    assert not TopicAlias.objects.get(name="lock").whole_word
    note = make_note(body="线程抢锁。用 锁 保护数据。")
    assert note.mentions.get().count == 1


def test_recount_notes_rerender_applies_the_current_linking_rules_to_stored_notes():
    from django.core.management import call_command

    note = make_note(body="Python is everywhere.")
    python = make_topic("Python", autolink=False)
    Note.objects.filter(pk=note.pk).update(body_html="<p>stale</p>", auto_excerpt="stale")
    call_command("recount_notes", "--rerender", stdout=io.StringIO())
    note.refresh_from_db()
    assert note.body_html == "<p>Python is everywhere.</p>"
    assert note.auto_excerpt == "Python is everywhere."
    assert Mention.objects.get(note=note, topic=python).count == 1
    python.refresh_from_db()
    assert (python.note_count, python.subtree_count) == (1, 1)


def test_explicit_link_to_a_note_by_title_and_backlink():
    target = make_note("Closures in depth")
    source = make_note("Reading list", body="Next: [[closures in depth]].")
    assert f'href="{target.get_absolute_url()}"' in source.body_html
    link = NoteLink.objects.get(source=source)
    assert link.target_note == target


def test_missing_link_is_recorded_and_resolved_when_the_note_appears(relinks):
    source = make_note("Reading list", body="Later: [[Descriptors]].")
    assert NoteLink.objects.get(source=source).is_missing
    target = relinks(lambda: make_note("Descriptors"))
    source.refresh_from_db()
    assert NoteLink.objects.get(source=source).target_note == target
    assert f'href="{target.get_absolute_url()}"' in source.body_html


def test_renaming_a_linked_note_turns_its_incoming_links_missing(relinks):
    target = make_note("Old title")
    source = make_note("Source", body="See [[Old title]].")
    target.title = "New title"
    relinks(target.save)
    source.refresh_from_db()
    assert NoteLink.objects.get(source=source).is_missing
    assert 'class="missing-link"' in source.body_html


def test_relink_notes_is_idempotent():
    make_topic("GIL")
    note = make_note(body="GIL and GIL.")
    html = note.body_html
    relink_notes(Note.objects.all())
    relink_notes(Note.objects.all())
    note.refresh_from_db()
    assert note.body_html == html
    assert Mention.objects.get().count == 2


def test_alias_must_be_unique_across_topics_ignoring_case():
    make_topic("GIL", aliases=["Global Interpreter Lock"])
    other = make_topic("Lock")
    with pytest.raises(ValidationError):
        TopicAlias(topic=other, name="global interpreter lock").full_clean()


def test_alias_may_not_be_another_topics_name():
    make_topic("GIL")
    other = make_topic("Lock")
    with pytest.raises(ValidationError) as error:
        TopicAlias(topic=other, name="gil").full_clean()
    assert "name" in error.value.message_dict


def test_topic_cannot_sit_below_itself():
    parent = make_topic("Concurrency")
    child = make_topic("Thread", parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError):
        parent.full_clean()


def test_topic_summary_links_other_topics_but_not_itself():
    make_topic("Thread")
    gil = make_topic("GIL", summary="The GIL lets one thread run bytecode.")
    assert "/topics/thread/" in gil.summary_html
    assert "/topics/gil/" not in gil.summary_html


def test_drafts_mentions_are_stored_but_hidden_from_readers_on_topic_pages(client):
    make_topic("GIL")
    make_draft("Secret GIL draft", body="GIL")
    make_note("Public GIL note", body="GIL")
    content = client.get(reverse("notes:topic-detail", args=["gil"])).content.decode()
    assert "Public GIL note" in content
    assert "Secret GIL draft" not in content
    assert "1 note mentions GIL." in content


def test_admin_lists_missing_link_targets(admin_client, relinks):
    relinks(lambda: make_note("Source", body="[[Nowhere]] and [[Source]]"))
    response = admin_client.get(reverse("admin:notes_notelink_changelist"), {"missing": "yes"})
    assert response.status_code == 200
    links = list(response.context["cl"].result_list)
    assert [link.target_text for link in links] == ["Nowhere"]


def test_admin_saves_a_topic_with_inline_aliases_and_relinks_once(admin_client, relinks):
    note = make_note(body="关于闭包的笔记")
    data = {
        "name": "Closure",
        "slug": "",
        "position": "0",
        "autolink": "on",
        "summary": "",
        "aliases-TOTAL_FORMS": "2",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "aliases-0-name": "闭包",
        "aliases-1-name": "closures",
        "relations-TOTAL_FORMS": "0",
        "relations-INITIAL_FORMS": "0",
        "relations-MIN_NUM_FORMS": "0",
        "relations-MAX_NUM_FORMS": "1000",
    }
    response = relinks(lambda: admin_client.post(reverse("admin:notes_topic_add"), data))
    assert response.status_code == 302
    note.refresh_from_db()
    assert mentions_of(note) == {"Closure": 1}


def test_seed_notes_link_the_core_topics_of_the_starter_map(seeds):
    import yaml
    from django.conf import settings

    from notes.importers import import_paths
    from notes.topic_map import load_topic_map

    starter = settings.BASE_DIR / "notes" / "sample" / "topics.yaml"
    load_topic_map(yaml.safe_load(starter.read_text(encoding="utf-8")))
    import_paths([seeds], default_status=Note.Status.PUBLISHED)
    linked = {
        topic.name
        for topic in Topic.objects.all()
        if Note.objects.filter(body_html__contains=f'href="{topic.get_absolute_url()}"').exists()
    }
    wanted = {"GIL", "Garbage collection", "Hashing", "Closure", "Process", "Thread", "Coroutine"}
    assert wanted <= linked
    gc_note = Note.objects.get(body__contains="Python垃圾回收机制")
    assert {"Garbage collection", "Mark and sweep", "Hashing", "Closure"} <= set(
        gc_note.mentions.values_list("topic__name", flat=True)
    )
