"""Store a note's long text after its short columns, on SQLite.

SQLite keeps a row's columns in the order of the table's definition, and a note's body
and HTML run past a page into a chain of overflow pages. A column defined after them
(status, created, category) could only be read by walking that chain: every search
candidate checked for visibility, and every title read to rank topic notes first, paid
for it (20 ms of a search's 31 ms of SQL at 100,000 notes). Rebuilding the table with
the long columns last lets SQLite stop before them.

PostgreSQL moves long values out of the row on its own (TOAST): only the recorded
field order changes there, so later migrations agree on SQLite.
"""

from django.db import migrations

LONG_COLUMNS_LAST = ["excerpt", "auto_excerpt", "headings", "front_matter", "body", "body_html"]


class MoveFieldsLast(migrations.operations.base.Operation):
    """Record ``fields`` last in the model's state and, on SQLite, rebuild its table in
    that order. Django's own table rebuilds (used for any later altered field) follow
    the recorded order, so the order stays."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, model_name: str, fields: list[str]):
        self.model_name = model_name
        self.fields = fields

    def deconstruct(self):
        return self.__class__.__qualname__, [], {"model_name": self.model_name,
                                                 "fields": self.fields}  # fmt: skip

    def state_forwards(self, app_label, state):
        model_state = state.models[app_label, self.model_name.lower()]
        fields = model_state.fields
        model_state.fields = {
            **{name: field for name, field in fields.items() if name not in self.fields},
            **{name: fields[name] for name in self.fields},
        }
        state.reload_model(app_label, self.model_name.lower(), delay=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._rebuild(app_label, schema_editor, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._rebuild(app_label, schema_editor, to_state)

    def _rebuild(self, app_label, schema_editor, state):
        if schema_editor.connection.vendor != "sqlite":
            return
        # The same rebuild Django runs for an altered field on SQLite: a new table from
        # the model's fields in order, rows copied by column name, indexes remade.
        schema_editor._remake_table(state.apps.get_model(app_label, self.model_name))

    def describe(self):
        return f"Move {', '.join(self.fields)} last in {self.model_name}"


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0012_note_created_index"),
    ]

    operations = [MoveFieldsLast("Note", LONG_COLUMNS_LAST)]
