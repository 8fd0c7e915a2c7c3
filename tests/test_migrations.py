"""Migrations that move data do it right on a database that already has notes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

BEFORE, AFTER = ("notes", "0005_search"), ("notes", "0006_note_counts")


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_stored_counts_are_filled_for_notes_already_there():
    apps = migrate_to(BEFORE)
    try:
        models = {name: apps.get_model("notes", name) for name in
                  ["Note", "Category", "Tag", "TaggedNote", "Topic", "Mention"]}  # fmt: skip
        python = models["Category"].objects.create(name="Python", slug="python")
        models["Category"].objects.create(name="Empty", slug="empty")
        gil = models["Topic"].objects.create(name="GIL", slug="gil")
        tag = models["Tag"].objects.create(name="并发", slug="并发")
        for index, status in enumerate(["published", "published", "draft"]):
            note = models["Note"].objects.create(
                title=f"Note {index}", slug=f"note-{index}", status=status, category=python
            )
            models["TaggedNote"].objects.create(content_object=note, tag=tag)
            models["Mention"].objects.create(note=note, topic=gil, count=2)
        models["Note"].objects.create(title="Loose", slug="loose", status="published")

        apps = migrate_to(AFTER)
        counts = {
            name: dict(apps.get_model("notes", name).objects.values_list("name", "note_count"))
            for name in ["Category", "Tag", "Topic"]
        }
        published = {
            name: dict(apps.get_model("notes", name).objects.values_list("name", "published_count"))
            for name in ["Category", "Tag", "Topic"]
        }
        assert counts == {"Category": {"Python": 3, "Empty": 0}, "Tag": {"并发": 3},
                          "Topic": {"GIL": 3}}  # fmt: skip
        assert published == {"Category": {"Python": 2, "Empty": 0}, "Tag": {"并发": 2},
                             "Topic": {"GIL": 2}}  # fmt: skip
    finally:
        migrate_to(("notes", latest_migration()))


@pytest.mark.django_db(transaction=True)
def test_the_index_learns_which_topics_notes_already_there_mention():
    from notes.search import topic_marker

    apps = migrate_to(AFTER)
    try:
        names = ["Note", "Category", "Topic", "TopicAlias", "Mention", "SearchEntry"]
        models = {name: apps.get_model("notes", name) for name in names}
        gc = models["Topic"].objects.create(name="Garbage collection", slug="gc")
        models["TopicAlias"].objects.create(topic=gc, name="垃圾回收")
        gil = models["Topic"].objects.create(name="GIL", slug="gil")
        filed = models["Category"].objects.create(name="垃圾回收", slug="gc")
        note = models["Note"].objects.create(title="GC", slug="gc", category=filed)
        models["Mention"].objects.create(note=note, topic=gil, count=2)
        models["SearchEntry"].objects.create(note=note, title="gc  ", tags="  ", body="gc  ")

        apps = migrate_to(("notes", "0010_search_topic_markers"))
        tags = apps.get_model("notes", "SearchEntry").objects.get(pk=note.pk).tags
        assert tags.split() == [
            topic_marker(gc.pk), topic_marker(gil.pk),
            topic_marker(gc.pk, main=True), topic_marker(gil.pk, main=True),
        ]  # fmt: skip
    finally:
        migrate_to(("notes", latest_migration()))


def latest_migration() -> str:
    executor = MigrationExecutor(connection)
    return max(name for app, name in executor.loader.graph.leaf_nodes() if app == "notes")


@pytest.mark.django_db(transaction=True)
def test_notes_already_there_learn_their_language_and_stay_markdown():
    apps = migrate_to(("notes", "0006_note_counts"))
    try:
        Note = apps.get_model("notes", "Note")
        # The code, all Latin letters, does not count: the prose is Chinese.
        code = "<pre><code>import asyncio\nasyncio.run(main())</code></pre>"
        html = f"<p>协程是用户空间的线程。</p>{code}"
        Note.objects.create(title="协程", slug="xie-cheng", body_html=html)
        Note.objects.create(title="GIL", slug="gil", body_html="<p>One thread at a time.</p>")
        apps = migrate_to(("notes", "0007_format_and_language"))
        notes = apps.get_model("notes", "Note").objects.values_list(
            "slug", "text_language", "format"
        )
        assert sorted(notes) == [("gil", "en", "markdown"), ("xie-cheng", "zh", "markdown")]
    finally:
        migrate_to(("notes", latest_migration()))


LONG_LAST = ["excerpt", "auto_excerpt", "headings", "front_matter", "body", "body_html"]


def _note_columns() -> list[str]:
    with connection.cursor() as cursor:
        return [
            column.name
            for column in connection.introspection.get_table_description(cursor, "notes_note")
        ]


@pytest.mark.django_db(transaction=True)
def test_a_notes_long_text_is_stored_after_its_short_columns_and_survives_the_move():
    before, after = ("notes", "0012_note_created_index"), ("notes", "0013_note_long_columns_last")
    apps = migrate_to(before)
    try:
        long = "长" * 10_000
        fields = {"title": "协程", "slug": "xie-cheng", "status": "draft", "excerpt": "短",
                  "body": long, "body_html": f"<p>{long}</p>", "front_matter": {"tags": ["并发"]},
                  "headings": [{"id": "a", "text": "A"}]}  # fmt: skip
        pk = apps.get_model("notes", "Note").objects.create(**fields).pk

        for target in [after, before, after]:
            apps = migrate_to(target)
            stored = apps.get_model("notes", "Note").objects.values(*fields).get(pk=pk)
            assert stored == fields, target
        if connection.vendor == "sqlite":
            columns = _note_columns()
            assert columns[-len(LONG_LAST) :] == LONG_LAST
            assert columns.index("status") < columns.index("body")
    finally:
        migrate_to(("notes", latest_migration()))


def test_later_table_rebuilds_keep_the_long_columns_last():
    # Django rebuilds a SQLite table in the order its migrations record the fields.
    loader = MigrationLoader(None)
    latest = max(name for app, name in loader.graph.leaf_nodes() if app == "notes")
    state = loader.project_state(("notes", latest))
    assert list(state.models["notes", "note"].fields)[-len(LONG_LAST) :] == LONG_LAST


@pytest.mark.django_db(transaction=True)
def test_related_topics_become_see_also_relations_once_per_pair():
    apps = migrate_to(("notes", "0015_note_created_is_guess"))
    try:
        Topic = apps.get_model("notes", "Topic")
        thread, process, gil = (Topic.objects.create(name=name, slug=name.lower())
                                for name in ("Thread", "Process", "GIL"))  # fmt: skip
        thread.related.add(process)  # a symmetric field: Process names Thread too
        gil.related.add(thread)

        apps = migrate_to(("notes", "0016_topic_relations_and_chinese_names"))
        relations = apps.get_model("notes", "TopicRelation").objects.values_list(
            "topic__name", "other__name", "kind"
        )
        pairs = {(frozenset({topic, other}), kind) for topic, other, kind in relations}
        assert len(relations) == 2
        assert pairs == {(frozenset({"Thread", "Process"}), "see_also"),
                         (frozenset({"GIL", "Thread"}), "see_also")}  # fmt: skip
    finally:
        migrate_to(("notes", latest_migration()))
