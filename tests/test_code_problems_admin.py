"""Python code that does not parse: stored at every save, shown to staff in the admin and
the import report, never to readers."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from notes import importers
from notes.importers import workers
from notes.models import Note
from tests.factories import make_note, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notes_note_changelist")
OLD_PYTHON = '# Old\n\n```bash\n$ python hello.py\n```\n\n```python\nx = 1\n\n\nprint "hi"\n```\n'
NEW_PYTHON = "# New\n\n```python\nprint('hi')\n```\n"
MESSAGE = 'does not parse as Python 3: `print "hi"` at line 4 looks like Python 2'


def test_a_saved_note_stores_its_python_that_does_not_parse():
    note = make_note("Old", body=OLD_PYTHON)
    assert note.code_problems == [
        {"block": 2, "line": 4, "message": MESSAGE + " (a print statement)", "python2": True}
    ]
    note.refresh_from_db()
    assert note.code_problems[0]["block"] == 2


def test_mending_the_code_clears_the_problem_even_when_saving_some_fields():
    note = make_note("Old", body=OLD_PYTHON)
    note.body = NEW_PYTHON
    note.save(update_fields=["body"])
    note.refresh_from_db()
    assert note.code_problems is None


def test_the_change_page_lists_each_problem_for_staff(staff_client):
    note = make_note("Old", body=OLD_PYTHON)
    page = staff_client.get(reverse("admin:notes_note_change", args=[note.pk])).content.decode()
    (box,) = re.findall(r'<ul class="messagelist code-problems".*?</ul>', page, re.DOTALL)
    assert "Code block 2 " + MESSAGE.replace('"', "&quot;") in box
    assert f'href="{note.get_absolute_url()}#code-2"' in box


def test_the_change_page_of_a_note_whose_code_parses_has_no_box(staff_client):
    note = make_note("New", body=NEW_PYTHON)
    page = staff_client.get(reverse("admin:notes_note_change", args=[note.pk])).content.decode()
    assert "code-problems" not in page
    assert "does not parse" not in page


def test_staff_who_may_only_view_notes_see_the_problems_too(client):
    user = make_user(staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_note"))
    client.force_login(user)
    note = make_note("Old", body=OLD_PYTHON)
    page = client.get(reverse("admin:notes_note_change", args=[note.pk])).content.decode()
    assert "Code block 2 does not parse" in page


def test_the_note_list_filters_and_marks_notes_whose_code_does_not_parse(staff_client):
    make_note("Old", body=OLD_PYTHON)
    make_note("New", body=NEW_PYTHON)
    make_note("Prose", body="No code at all.")
    page = staff_client.get(CHANGELIST, {"code": "fails"})
    assert [note.title for note in page.context["cl"].result_list] == ["Old"]
    page = staff_client.get(CHANGELIST, {"code": "parses"})
    assert sorted(note.title for note in page.context["cl"].result_list) == ["New", "Prose"]
    page = staff_client.get(CHANGELIST).content.decode()
    assert "Does not parse" in page  # the filter's choice
    rows = re.findall(r"<tr>.*?</tr>", page, re.DOTALL)
    (old_row,) = [row for row in rows if ">Old<" in row]
    (new_row,) = [row for row in rows if ">New<" in row]
    assert '<strong class="code-problem">1 block does not parse</strong>' in old_row
    assert "does not parse" not in new_row


@pytest.mark.parametrize("user", ["anonymous", "reader", "staff"])
def test_the_note_page_never_shows_the_message(client, user):
    note = make_note("Old", body=OLD_PYTHON)
    if user != "anonymous":
        client.force_login(make_user(superuser=user == "staff"))
    page = client.get(note.get_absolute_url()).content.decode()
    assert page.count("does not parse") == 0
    assert "looks like Python 2" not in page
    # The block is shown as written, highlighted, never mended.
    assert "&quot;hi&quot;" in page or '"hi"' in page


def test_the_import_page_names_the_blocks_and_still_saves_the_note(staff_client):
    response = staff_client.post(
        reverse("admin:notes_note_import"),
        {"files": [SimpleUploadedFile("old.md", OLD_PYTHON.encode())], "status": "draft"},
    )
    content = response.content.decode()
    assert "created: 1, updated: 0, unchanged: 0, failed: 0" in content
    assert "1 note has Python code that does not parse; it is saved as written." in content
    assert "Code block 2 " + MESSAGE.replace('"', "&quot;") in content
    note = Note.objects.get()
    assert 'x = 1\n\n\nprint "hi"\n```' in note.body  # as written
    assert note.code_problems[0]["python2"]


def test_the_import_command_prints_one_line_per_block_without_failing(tmp_path):
    (tmp_path / "old.md").write_text(OLD_PYTHON, encoding="utf-8")
    (tmp_path / "new.md").write_text(NEW_PYTHON, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_notes", str(tmp_path), stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert f"  code block 2 {MESSAGE} (a print statement)" in lines
    assert sum("does not parse" in line for line in lines) == 2  # its line and the count
    assert "1 note has Python code that does not parse (listed above); saved as written." in lines
    assert err.getvalue() == ""
    assert Note.objects.count() == 2


def test_a_dry_run_reports_the_problems_too(tmp_path):
    (tmp_path / "old.md").write_text(OLD_PYTHON, encoding="utf-8")
    out = io.StringIO()
    call_command("import_notes", "--dry-run", str(tmp_path), stdout=out, stderr=io.StringIO())
    assert f"  code block 2 {MESSAGE} (a print statement)" in out.getvalue().splitlines()
    assert not Note.objects.exists()


def test_recount_notes_rerender_fills_the_problems_of_notes_stored_before():
    note = make_note("Old", body=OLD_PYTHON)
    Note.objects.filter(pk=note.pk).update(code_problems=None)  # as stored before the check
    versions = note.history.count()
    call_command("recount_notes", "--rerender", stdout=io.StringIO())
    note.refresh_from_db()
    assert note.code_problems is not None
    assert note.code_problems[0]["block"] == 2
    assert note.history.count() == versions


def test_notes_rendered_by_the_import_workers_get_their_problems_too(tmp_path, monkeypatch):
    for index in range(3):
        (tmp_path / f"n{index}.md").write_text(OLD_PYTHON.replace("Old", f"Old {index}"))
    prepared = []
    real_import_one = importers.NoteImporter.import_one

    def spy(self, item, ready=None):
        prepared.append(ready is not None and ready.rendered is not None)
        return real_import_one(self, item, ready)

    monkeypatch.setattr(importers.NoteImporter, "import_one", spy)
    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 2)
    report = importers.import_paths([tmp_path])
    assert prepared == [True] * 3
    assert len(report.with_code_problems) == 3
    assert all(note.code_problems[0]["python2"] for note in Note.objects.all())
