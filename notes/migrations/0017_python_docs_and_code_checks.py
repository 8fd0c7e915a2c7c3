"""The Python documentation's index, a note's code blocks that do not parse, and a
topic's links into the documentation.

The new note column goes last in the table, after the long text; the long columns are
moved last again, as 0013 and 0015 did, so the note list's "Code" column is read
without walking each body's overflow pages (PostgreSQL keeps long values out of the row
anyway).
"""

import importlib

from django.db import migrations, models

long_columns_last = importlib.import_module("notes.migrations.0013_note_long_columns_last")


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0016_topic_relations_and_chinese_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='PythonObject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=300, unique=True, verbose_name='name')),
                ('role', models.CharField(max_length=40, verbose_name='kind')),
                ('path', models.CharField(max_length=500, verbose_name='page')),
                ('signature', models.CharField(blank=True, max_length=300, verbose_name='signature')),
                ('summary', models.CharField(blank=True, max_length=300, verbose_name='summary')),
                ('source', models.CharField(choices=[('inventory', "the documentation's inventory"), ('interpreter', 'the running interpreter')], max_length=20, verbose_name='source')),
            ],
            options={
                'verbose_name': 'Python documentation entry',
                'verbose_name_plural': 'Python documentation entries',
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='historicaltopic',
            name='docs',
            field=models.TextField(blank=True, help_text="Pages of the Python documentation to link from the topic's page, one per line: a name the documentation indexes (gc, object.__hash__, threading.Lock, or a glossary term such as “term: global interpreter lock”), or a page's address.", verbose_name='Python documentation'),
        ),
        migrations.AddField(
            model_name='note',
            name='code_problems',
            field=models.JSONField(blank=True, default=None, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='topic',
            name='docs',
            field=models.TextField(blank=True, help_text="Pages of the Python documentation to link from the topic's page, one per line: a name the documentation indexes (gc, object.__hash__, threading.Lock, or a glossary term such as “term: global interpreter lock”), or a page's address.", verbose_name='Python documentation'),
        ),
        long_columns_last.MoveFieldsLast("Note", long_columns_last.LONG_COLUMNS_LAST),
    ]
