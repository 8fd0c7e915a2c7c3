"""Record in the search index which topics each note mentions (notes.search.topic_markers),
so that a search naming a topic finds the notes the topic linking found."""

from django.db import migrations

BATCH = 500


def add_topic_markers(apps, schema_editor):
    from notes.linking import normalize_term
    from notes.search import index_fields, topic_markers

    db = schema_editor.connection.alias
    Note = apps.get_model("notes", "Note")
    TaggedNote = apps.get_model("notes", "TaggedNote")
    Mention = apps.get_model("notes", "Mention")
    Topic = apps.get_model("notes", "Topic")
    TopicAlias = apps.get_model("notes", "TopicAlias")
    SearchEntry = apps.get_model("notes", "SearchEntry")
    topic_named = {
        normalize_term(name): pk for pk, name in Topic.objects.using(db).values_list("pk", "name")
    }
    for name, pk in TopicAlias.objects.using(db).values_list("name", "topic_id"):
        topic_named.setdefault(normalize_term(name), pk)
    tag_names, mentions = {}, {}
    for note_id, name in TaggedNote.objects.using(db).values_list("content_object_id", "tag__name"):
        tag_names.setdefault(note_id, []).append(name)
    for note_id, topic_id, count in Mention.objects.using(db).values_list(
        "note_id", "topic_id", "count"
    ):
        mentions.setdefault(note_id, {})[topic_id] = count
    notes = Note.objects.using(db).values_list("pk", "title", "category__name").order_by("pk")
    batch = []
    for pk, title, category in notes.iterator(chunk_size=BATCH):
        main = topic_named.get(normalize_term(category or ""))
        markers = topic_markers(mentions.get(pk, {}), [main] if main else [])
        # Only the tags column changes: the body's text is left as it was indexed.
        tags = index_fields(title, "", tag_names.get(pk, ()), plain="", markers=markers)["tags"]
        batch.append(SearchEntry(note_id=pk, tags=tags))
        if len(batch) == BATCH:
            SearchEntry.objects.using(db).bulk_update(batch, ["tags"])
            batch = []
    SearchEntry.objects.using(db).bulk_update(batch, ["tags"])


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0009_old_note_slugs"),
    ]

    operations = [
        migrations.RunPython(add_topic_markers, migrations.RunPython.noop),
    ]
