"""Stored note counts of tags, categories and topics always equal a fresh count."""

import io

import pytest
from django.db import transaction
from django.db.models import Count, Q

from notes.admin import NoteAdmin
from notes.counts import counted_at_end, recount_everything
from notes.importers import import_paths
from notes.models import Category, Mention, Note, Tag, Topic, TopicAlias, descendant_ids
from tests.factories import make_category, make_draft, make_note, make_topic

pytestmark = pytest.mark.django_db

PUBLISHED = Note.Status.PUBLISHED


def true_counts() -> dict:
    """What the stored numbers must say, counted the slow way."""

    def counted(model, relation, status):
        rows = model.objects.annotate(
            all=Count(relation, distinct=True),
            published=Count(relation, filter=Q(**{status: PUBLISHED}), distinct=True),
        )
        return {row.name: (row.all, row.published) for row in rows}

    def subtree(topic: Topic) -> tuple[int, int]:
        below = descendant_ids(topic.pk, Topic.objects.values_list("pk", "parent_id"))
        notes = Note.objects.filter(mentions__topic__in=below).distinct()
        return notes.count(), notes.filter(status=PUBLISHED).count()

    return {
        "tags": counted(Tag, "tagged_notes", "tagged_notes__content_object__status"),
        "categories": counted(Category, "notes", "notes__status"),
        "topics": counted(Topic, "mentions", "mentions__note__status"),
        "subtrees": {topic.name: subtree(topic) for topic in Topic.objects.all()},
    }


def stored_counts() -> dict:
    def stored(model):
        return {row.name: (row.note_count, row.published_count) for row in model.objects.all()}

    return {
        "tags": stored(Tag),
        "categories": stored(Category),
        "topics": stored(Topic),
        "subtrees": {
            topic.name: (topic.subtree_count, topic.subtree_published_count)
            for topic in Topic.objects.all()
        },
    }


def assert_counts_true():
    assert stored_counts() == true_counts()


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    python, other = make_category("Python"), make_category("Other")
    concurrency = make_topic("Concurrency", aliases=["并发编程"])
    gil = make_topic("GIL", aliases=["全局解释器锁"], parent=concurrency)
    make_topic("Closure", aliases=["闭包"])
    notes = [
        make_note("One", body="GIL and 闭包", category=python, tags=["Python", "并发"]),
        make_note("Two", body="全局解释器锁", category=python, tags=["Python"]),
        make_draft("Draft", body="closure GIL", category=other, tags=["并发", "secret"]),
    ]
    return {"python": python, "other": other, "gil": gil, "notes": notes}


def test_new_notes_tags_and_mentions_are_counted(world):
    assert stored_counts()["tags"]["Python"] == (2, 2)
    assert stored_counts()["tags"]["并发"] == (2, 1)
    assert stored_counts()["topics"]["GIL"] == (3, 2)
    assert stored_counts()["categories"]["Python"] == (2, 2)
    assert_counts_true()


def test_publishing_and_unpublishing_moves_every_count(world, rf, admin_user):
    draft = world["notes"][2]
    admin = NoteAdmin(Note, None)
    request = rf.post("/")
    request.user = admin_user
    admin.publish(request, Note.objects.filter(pk=draft.pk))
    assert stored_counts()["tags"]["secret"] == (1, 1)
    assert stored_counts()["topics"]["Closure"] == (2, 2)
    assert_counts_true()
    admin.unpublish(request, Note.objects.all())
    assert stored_counts()["tags"]["Python"] == (2, 0)
    assert_counts_true()


def test_moving_a_note_to_another_category_counts_both(world):
    note = Note.objects.get(title="One")
    note.category = world["other"]
    note.save()
    assert stored_counts()["categories"]["Other"] == (2, 1)
    assert stored_counts()["categories"]["Python"] == (1, 1)
    assert_counts_true()


def test_retagging_clearing_and_removing_tags(world):
    note = Note.objects.get(title="One")
    note.tags.set(["Python", "新标签"])
    assert_counts_true()
    note.tags.remove("Python")
    assert_counts_true()
    note.tags.clear()
    assert stored_counts()["tags"]["新标签"] == (0, 0)
    assert_counts_true()


def test_editing_a_body_gains_and_loses_mentions(world):
    note = Note.objects.get(title="Two")
    note.body = "闭包 only now"
    note.save()
    assert stored_counts()["topics"]["GIL"] == (2, 1)
    assert stored_counts()["topics"]["Closure"] == (3, 2)
    assert_counts_true()


def test_deleting_notes_one_by_one_and_in_bulk(world):
    Note.objects.get(title="One").delete()
    assert_counts_true()
    Note.objects.all().delete()
    assert stored_counts()["topics"]["GIL"] == (0, 0)
    assert_counts_true()


def test_new_alias_and_deleted_topic_relink_and_recount(world, django_capture_on_commit_callbacks):
    make_note("Three", body="Coroutines are fun.", tags=["Python"])
    with django_capture_on_commit_callbacks(execute=True):
        coroutine = make_topic("Coroutine")
        TopicAlias.objects.create(topic=coroutine, name="Coroutines")
    assert stored_counts()["topics"]["Coroutine"] == (1, 1)
    assert_counts_true()
    with django_capture_on_commit_callbacks(execute=True):
        world["gil"].delete()
    assert "GIL" not in stored_counts()["topics"]
    assert_counts_true()


def test_a_rolled_back_change_leaves_the_counts_as_they_were(world):
    before = stored_counts()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_note("Lost", body="GIL", category=world["python"], tags=["Python", "lost"])
        raise RuntimeError
    assert stored_counts() == before


def test_a_batch_recounts_once_at_its_end(world):
    with transaction.atomic(), counted_at_end():
        for index in range(5):
            make_note(f"Batch {index}", body="GIL 闭包", category=world["python"], tags=["Python"])
        # Not yet recounted: the batch is still running.
        assert stored_counts()["tags"]["Python"] == (2, 2)
    assert stored_counts()["tags"]["Python"] == (7, 7)
    assert_counts_true()


def test_a_batch_counts_new_notes_then_recounts_what_changed_after(world):
    with transaction.atomic(), counted_at_end():
        note = make_note("New", body="GIL", category=world["python"], tags=["Python", "fresh"])
        note.tags.remove("fresh")
        note.status = Note.Status.DRAFT
        note.save()
        make_note("Newer", body="闭包", tags=["fresh"])
    assert stored_counts()["tags"]["fresh"] == (1, 1)
    assert stored_counts()["tags"]["Python"] == (3, 2)
    assert_counts_true()


def test_a_failed_part_of_a_batch_counts_for_nothing(world):
    with transaction.atomic(), counted_at_end():
        make_note("Kept", body="GIL", category=world["python"], tags=["Python"])
        with pytest.raises(RuntimeError), counted_at_end(), transaction.atomic():
            make_note("Lost", body="GIL 闭包", category=world["python"], tags=["Python", "lost"])
            raise RuntimeError
    assert stored_counts()["tags"]["Python"] == (3, 3)
    assert stored_counts()["topics"]["GIL"] == (4, 3)
    assert_counts_true()


def test_an_import_with_a_bad_file_counts_only_the_good_ones(world, tmp_path):
    (tmp_path / "good.md").write_text(
        "---\ntitle: Good\ntags: Python\n---\nThe GIL.\n", encoding="utf-8"
    )
    (tmp_path / "bad.md").write_text("---\ntitle: [\n---\nThe GIL.\n", encoding="utf-8")
    report = import_paths([tmp_path], default_status=PUBLISHED)
    assert len(report.failed) == 1
    assert stored_counts()["tags"]["Python"] == (3, 3)
    assert_counts_true()


def test_imported_files_are_counted(world, tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Imported\ncategories: Python\ntags: Python 并发\n---\nThe GIL.\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text("Plain\n\n闭包 everywhere\n", encoding="utf-8")
    import_paths([tmp_path], default_status=PUBLISHED)
    assert stored_counts()["tags"]["Python"] == (3, 3)
    assert_counts_true()


def test_recount_everything_repairs_numbers_written_by_hand(world):
    Tag.objects.update(note_count=99, published_count=99)
    Topic.objects.update(published_count=0)
    Mention.objects.filter(topic=world["gil"]).delete()
    recount_everything()
    assert stored_counts()["topics"]["GIL"] == (0, 0)
    assert_counts_true()


def test_a_note_saved_from_a_bare_instance_recounts_its_old_category(world):
    old = Note.objects.get(title="One")
    bare = Note(
        pk=old.pk, title=old.title, slug=old.slug, body=old.body, status=PUBLISHED,
        category=world["other"], created=old.created,
    )  # fmt: skip
    bare.save()
    assert stored_counts()["categories"]["Python"] == (1, 1)
    assert_counts_true()


def test_recount_notes_command_repairs_counts_and_the_search_index(world):
    from django.core.management import call_command

    from notes.search import SearchEntry

    Tag.objects.update(note_count=0, published_count=0)
    SearchEntry.objects.all().delete()
    call_command("recount_notes", stdout=io.StringIO())
    assert_counts_true()
    assert SearchEntry.objects.count() == Note.objects.count()


def test_subtree_counts_follow_topics_moved_and_deleted(world):
    assert Topic.objects.get(name="Concurrency").subtree_count == 3  # One, Two and the draft
    assert Topic.objects.get(name="Concurrency").subtree_published_count == 2
    closure = Topic.objects.get(name="Closure")
    closure.parent = world["gil"]
    closure.save()
    assert_counts_true()
    closure.parent = None
    closure.save()
    assert_counts_true()
    world["gil"].delete()
    assert_counts_true()
    assert Topic.objects.get(name="Concurrency").subtree_count == 0


def test_a_note_mentioning_two_subtopics_counts_once_in_their_parent(world):
    closure = Topic.objects.get(name="Closure")
    closure.parent = Topic.objects.get(name="Concurrency")
    closure.save()
    # "One" mentions both the GIL and closures: one note, however many subtopics.
    assert Topic.objects.get(name="Concurrency").subtree_count == 3
    assert_counts_true()


def test_recount_notes_rerender_gives_stored_notes_the_new_excerpt_without_a_version():
    from django.core.management import call_command

    note = make_note("Old", body="## 代码\n\n```\nimport asyncio\n```\n\n协程的第一段。")
    Note.objects.filter(pk=note.pk).update(auto_excerpt="代码 import asyncio 协程的第一段。")
    versions = note.history.count()
    call_command("recount_notes", "--rerender", stdout=io.StringIO())
    note.refresh_from_db()
    assert note.auto_excerpt == "协程的第一段。"
    assert note.history.count() == versions


def test_an_import_adds_its_new_notes_to_topic_subtrees_without_recounting_them(
    world, tmp_path, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notes.importers import NoteImporter

    Topic.objects.filter(name="Closure").update(parent=world["gil"])  # Concurrency > GIL > Closure
    monkeypatch.setattr(NoteImporter, "batch_size", 2)
    files = {
        "a.md": "---\ntitle: A\n---\nThe GIL.\n",
        "b.md": "---\ntitle: B\nstatus: draft\n---\n闭包.\n",
        "c.md": "---\ntitle: C\n---\nThe GIL and 闭包 and 并发编程, one note.\n",
        "d.md": "---\ntitle: D\n---\nNo topic at all.\n",
        "e.md": "---\ntitle: E\n---\n闭包 again.\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with CaptureQueriesContext(connection) as queries:
        import_paths([tmp_path], default_status=PUBLISHED)
    assert not [q for q in queries if 'COUNT(DISTINCT "notes_mention"."note_id")' in q["sql"]]
    # One, Two and the draft were there; A, B, C, E mention something below it.
    assert stored_counts()["subtrees"]["Concurrency"] == (7, 5)
    assert stored_counts()["subtrees"]["Closure"] == (5, 3)
    assert_counts_true()


def test_a_new_note_whose_topics_change_in_its_batch_is_counted_where_it_ends(world):
    with transaction.atomic(), counted_at_end():
        note = make_note("New", body="GIL", category=world["python"])
        note.body = "闭包 only"
        note.save()
        make_note("Newer", body="并发编程", status=Note.Status.DRAFT)
    assert stored_counts()["subtrees"]["Concurrency"] == (4, 2)
    assert_counts_true()
