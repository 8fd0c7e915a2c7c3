"""Take SQLite's query planner statistics for a collection already there.

Without them SQLite walked the whole status index to fetch a search page's twenty
notes (notes.planner_statistics). Imports take them from now on.
"""

from django.db import migrations


def take_statistics(apps, schema_editor):
    from notes.planner_statistics import refresh_planner_statistics

    refresh_planner_statistics(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0013_note_long_columns_last"),
    ]

    operations = [migrations.RunPython(take_statistics, migrations.RunPython.noop, elidable=True)]
