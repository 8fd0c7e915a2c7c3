"""Export to Markdown files, and the round trip back through the importer."""

import datetime as dt
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from notes.exporters import export_notes
from notes.importers import Outcome, import_paths
from notes.models import Category, Note, Tag
from tests.factories import make_category, make_draft, make_note

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return sorted(
        (
            note.title,
            note.slug,
            note.body,
            note.category.name if note.category else None,
            [c.name for c in note.category.ancestors()] if note.category else [],
            sorted(note.tags.names()),
            note.status,
            note.created,
            note.updated,
            note.excerpt,
            note.front_matter,
            note.format,
            note.language,
        )
        for note in Note.objects.all()
    )


def wipe() -> None:
    Note.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()


@pytest.fixture
def notes():
    """Notes with everything a round trip could lose."""
    python = make_category("Python")
    concurrency = make_category("并发 编程", parent=python)
    make_note(
        "全局解释器锁 GIL",
        body="## GIL\n\n```python\nimport threading\n```\n\n![图](https://example.com/a.png)\n",
        category=concurrency,
        tags=["GIL", "并发", "machine learning"],
        created=timezone.make_aware(dt.datetime(2014, 11, 6, 10, 0, 0, 123456)),
        excerpt="一句话: 只有一个线程跑字节码",
        front_matter={"layout": "post", "comments": True, "series": {"part": 2}},
    )
    make_draft("Windows note", body="line one\r\nline two\r\n\r\n", category=python)
    make_note("No trailing newline", body="last line")
    make_note("Leading blank lines", body="\n\n  indented start\n")
    make_note("Bare CR ending", body="odd\r")
    make_note("Empty", body="")
    make_note("---", body="---\nnot front matter\n---\n", tags=["true", "123", "a:b"])
    make_note(
        "Plain text",
        body="##not a heading\n\tindented *as written*\r\n\n>v0.1 小结\n",
        format=Note.Format.PLAIN_TEXT,
        language=Note.Language.CHINESE,
    )


def test_each_note_is_written_as_category_slash_date_slug_md(notes, tmp_path):
    written = export_notes(tmp_path)
    names = sorted(str(path.relative_to(tmp_path)) for path in written)
    assert "并发-编程/2014-11-06-全局解释器锁-gil.md" in names
    assert any(name.startswith("uncategorised/") for name in names)
    assert len(names) == Note.objects.count()


def test_export_front_matter_is_plain_yaml_with_every_field(notes, tmp_path):
    export_notes(tmp_path)
    text = (tmp_path / "并发-编程" / "2014-11-06-全局解释器锁-gil.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: 全局解释器锁 GIL\nslug: 全局解释器锁-gil\n")
    front_matter = yaml.safe_load(text.split("---\n")[1])
    assert front_matter["date"] == dt.datetime(
        2014, 11, 6, 10, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    assert "date: 2014-11-06T10:00:00.123456+08:00\n" in text
    assert front_matter["categories"] == ["Python", "并发 编程"]
    assert front_matter["tags"] == ["GIL", "machine learning", "并发"]
    assert '- "machine learning"' in text  # quoted, so the importer keeps it whole
    assert front_matter["status"] == "published"
    assert front_matter["source"] == ""
    assert front_matter["layout"] == "post"
    assert front_matter["series"] == {"part": 2}
    assert text.endswith("---\n\n## GIL\n\n```python\nimport threading\n```\n\n"
                         "![图](https://example.com/a.png)\n\n")  # fmt: skip


def test_export_wipe_import_gives_identical_notes(notes, tmp_path):
    before = snapshot()
    export_notes(tmp_path)
    wipe()
    report = import_paths([tmp_path])
    assert report.counts[Outcome.CREATED] == len(before)
    assert snapshot() == before


def test_reimporting_an_export_into_the_same_database_changes_nothing(notes, tmp_path):
    before = snapshot()
    pks = set(Note.objects.values_list("pk", flat=True))
    export_notes(tmp_path)
    report = import_paths([tmp_path])
    assert {r.outcome for r in report.results} == {Outcome.UNCHANGED}
    assert set(Note.objects.values_list("pk", flat=True)) == pks
    assert snapshot() == before


def test_an_edited_export_updates_the_note_it_came_from(tmp_path):
    note = make_note("Closures", body="old")
    (path,) = export_notes(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("\nold\n", "\nnew\n"), "utf-8")
    assert import_paths([tmp_path]).results[0].outcome is Outcome.UPDATED
    note.refresh_from_db()
    assert (Note.objects.count(), note.body) == (1, "new")


def test_an_export_of_an_imported_note_updates_that_note_and_keeps_its_source(tmp_path):
    original = tmp_path / "gil.txt"
    original.write_text("GIL\n\nold\n", encoding="utf-8")
    import_paths([original])
    (path,) = export_notes(tmp_path / "out")
    path.write_text(path.read_text(encoding="utf-8").replace("\nold\n", "\nnew\n"), "utf-8")
    import_paths([path])
    note = Note.objects.get()
    assert (note.body, note.source) == ("new", str(original.resolve()))
    # After a wipe, the export brings the note back with its original source, so the
    # original file still finds it.
    wipe()
    import_paths([path])
    original.write_text("GIL\n\nnewest\n", encoding="utf-8")
    assert import_paths([original]).results[0].outcome is Outcome.UPDATED
    assert Note.objects.get().body == "newest"


def test_an_export_whose_slug_now_belongs_to_another_imported_note_is_a_new_note(tmp_path):
    make_note("Closures", slug="closures")
    (path,) = export_notes(tmp_path)
    Note.objects.all().delete()
    make_note("Other", slug="closures", source="/elsewhere/other.md")
    result = import_paths([path]).results[0]
    assert (result.outcome, result.slug) == (Outcome.CREATED, "closures-2")
    assert result.warnings == ['slug "closures" is taken; saved as "closures-2"']


def test_export_overwrites_its_own_files_and_leaves_others(tmp_path):
    make_note("Closures", created=timezone.make_aware(dt.datetime(2024, 2, 10)))
    stray = tmp_path / "uncategorised" / "notes.txt"
    stray.parent.mkdir()
    stray.write_text("mine", encoding="utf-8")
    export_notes(tmp_path)
    Note.objects.update(body="changed")
    (path,) = export_notes(tmp_path)
    assert path.read_text(encoding="utf-8").endswith("\nchanged\n")
    assert stray.read_text(encoding="utf-8") == "mine"


def test_export_command_writes_every_note(notes, tmp_path):
    out = StringIO()
    call_command("export_notes", str(tmp_path / "export"), stdout=out)
    assert f"Exported {Note.objects.count()} notes to {tmp_path / 'export'}." in out.getvalue()
    assert len(list((tmp_path / "export").rglob("*.md"))) == Note.objects.count()


def test_a_new_slug_in_an_edited_export_moves_the_note_when_it_is_free(tmp_path):
    original = tmp_path / "closures.txt"
    original.write_text("Closures\n\ntext\n", encoding="utf-8")
    import_paths([original])
    make_note("Taken", slug="taken")
    (path,) = [p for p in export_notes(tmp_path / "out") if "closures" in p.name]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("slug: closures", "slug: python-closures"), "utf-8")
    assert import_paths([path]).results[0].outcome is Outcome.UPDATED
    assert Note.objects.get(title="Closures").slug == "python-closures"

    path.write_text(text.replace("slug: closures", "slug: taken"), "utf-8")
    result = import_paths([path]).results[0]
    assert result.warnings == ['slug "taken" is taken or invalid; kept "python-closures"']
    assert Note.objects.get(title="Closures").slug == "python-closures"


def test_linking_in_every_section_survives_export_and_import(tmp_path):
    from notes.models import Topic

    Topic.objects.create(name="GIL")
    body = "## One\n\nThe GIL.\n\n## Two\n\nThe GIL again."
    make_note("Dense", body=body, link_every_section=True)
    (path,) = export_notes(tmp_path)
    assert "link_every_section: true" in path.read_text(encoding="utf-8")
    wipe()
    import_paths([path])
    note = Note.objects.get()
    assert note.link_every_section
    assert note.body_html.count('href="/topics/gil/"') == 2


def test_a_link_every_section_key_that_is_not_a_boolean_is_refused(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: Bad\nlink_every_section: often\n---\nText\n", "utf-8")
    result = import_paths([path]).results[0]
    assert result.outcome is Outcome.FAILED
    assert "link_every_section 'often' is neither true nor false" in result.reason
