"""Mark notes whose written date is only a guess (an import's file modification time).

A new column goes last in the table; on SQLite that is after the note's long text, where
every list page would walk the body's overflow pages to read it. The long columns are
moved last again, as 0013 did (PostgreSQL keeps long values out of the row anyway).
"""

import importlib

from django.db import migrations, models

long_columns_last = importlib.import_module("notes.migrations.0013_note_long_columns_last")


class Migration(migrations.Migration):

    dependencies = [
        ("notes", "0014_planner_statistics"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalnote",
            name="created_is_guess",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="date is a guess"
            ),
        ),
        migrations.AddField(
            model_name="note",
            name="created_is_guess",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="date is a guess"
            ),
        ),
        long_columns_last.MoveFieldsLast("Note", long_columns_last.LONG_COLUMNS_LAST),
    ]
