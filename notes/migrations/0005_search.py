"""The search index (notes.search): one table, made differently for each database.

SQLite gets an FTS5 virtual table with the trigram tokenizer, which Django cannot
describe; PostgreSQL an ordinary table with pg_trgm GIN indexes. The model's state
is the same for both, so the same migrations run on either.
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 500


def create_table(apps, schema_editor):
    connection = schema_editor.connection
    model = apps.get_model("notes", "SearchEntry")
    if connection.vendor == "sqlite":
        if connection.Database.sqlite_version_info < (3, 34, 0):
            raise RuntimeError(
                "Search needs SQLite 3.34 or newer for the FTS5 trigram tokenizer; "
                f"this Python has SQLite {connection.Database.sqlite_version}."
            )
        schema_editor.execute(
            "CREATE VIRTUAL TABLE notes_searchentry USING fts5("
            "title, tags, body, tokenize = 'trigram')"
        )
        # Its list of trigrams, for words shorter than a trigram (notes.search.fts5._expand).
        schema_editor.execute(
            "CREATE VIRTUAL TABLE notes_searchentry_vocab "
            "USING fts5vocab(notes_searchentry, 'row')"
        )
        return
    schema_editor.create_model(model)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.indexes import GinIndex, OpClass

        # Trusted since PostgreSQL 13: the database owner may create it.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in ("title", "tags", "body"):
            schema_editor.add_index(
                model,
                GinIndex(OpClass(column, name="gin_trgm_ops"), name=f"searchentry_{column}_trgm"),
            )


def drop_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE notes_searchentry_vocab")
    schema_editor.delete_model(apps.get_model("notes", "SearchEntry"))


def fill_index(apps, schema_editor):
    from notes.search import index_fields

    db = schema_editor.connection.alias
    Note = apps.get_model("notes", "Note")
    TaggedNote = apps.get_model("notes", "TaggedNote")
    SearchEntry = apps.get_model("notes", "SearchEntry")
    tag_names = {}
    for note_id, name in TaggedNote.objects.using(db).values_list("content_object_id", "tag__name"):
        tag_names.setdefault(note_id, []).append(name)
    batch = []
    notes = Note.objects.using(db).only("pk", "title", "body_html").order_by("pk")
    for note in notes.iterator(chunk_size=BATCH):
        fields = index_fields(note.title, note.body_html, tag_names.get(note.pk, ()))
        batch.append(SearchEntry(note_id=note.pk, **fields))
        if len(batch) == BATCH:
            SearchEntry.objects.using(db).bulk_create(batch)
            batch = []
    SearchEntry.objects.using(db).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0004_content_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        (
                            "note",
                            models.OneToOneField(
                                db_column="rowid",
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                primary_key=True,
                                related_name="search_entry",
                                serialize=False,
                                to="notes.note",
                            ),
                        ),
                        ("title", models.TextField()),
                        ("tags", models.TextField()),
                        ("body", models.TextField()),
                    ],
                    options={
                        "db_table": "notes_searchentry",
                    },
                ),
            ],
        ),
        migrations.RunPython(create_table, drop_table),
        migrations.RunPython(fill_index, migrations.RunPython.noop),
    ]
