"""Where an imported note's written date comes from: front matter, file name, first
lines, the git commit that added the file, and only then the file's time (a guess)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from notes.importers import import_note_file, import_paths, import_uploads, parse_note_bytes
from notes.importers.dates import date_in_first_lines, read_date
from notes.importers.git_dates import CommitDates
from notes.importers.parsed import DateSource
from notes.importers.report import ImportResult, Outcome
from notes.models import Note

TODAY = dt.date(2026, 12, 3)
NOV_6 = dt.date(2014, 11, 6)


def found(*lines: str, title: str = "", not_after: dt.date | None = TODAY) -> dt.date | None:
    return date_in_first_lines(title, "\n".join(lines), not_after=not_after)


# --- the pure date finder ----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "**时间**：2014年11月6日",
        "时间：2014年11月6日",
        "日期: 2014-11-06",
        "2014-11-06",
        "2014/11/06",
        "2014/11/6",
        "2014年11月6日",
        "2014 年 11 月 6 日",
        "2014年11月6号",
        "写于2014年11月6日，周四",
        "２０１４年１１月６日",  # full-width digits
        "２０１４／１１／０６",
        "Nov 6, 2014",
        "Nov. 6 2014",
        "November 6th, 2014",
        "6 November 2014",
        "6th Nov 2014",
        "the 6th of November 2014",
        "On 6 November 2014 I went to Pycon",
        "Thursday, November 6, 2014",
        "Date: 2014-11-06T10:00:00+08:00",
        "2014-11-06 10:00",
        "> 2014-11-06",
        "# 2014-11-06 周记",
        "日期：2014.11.06",  # dots, after a label
        "Pycon (2014-11-06)",
    ],
)
def test_a_date_written_in_the_first_lines_is_found_in_each_usual_shape(line):
    assert found(line) == NOV_6


@pytest.mark.parametrize(
    "line",
    [
        "v0.1.0 IO：序列化和反序列化",
        ">v0.1.1 多进程;",
        "Python 3.11.4",
        "Pycon2014 @Shanghai",
        "2014",
        "2014年",
        "2014年11月",  # a month, not a day
        "November 2014",
        "May 2014",
        "20141106",  # eight digits may be anything
        "12014-11-06",
        "2014-11-066",
        "2014-11-06-1",
        "2014.11.06",  # dots alone may be a version (calendar versioning)
        "pip 2024.2.2",
        "certifi-2024.02.02",
        "see https://example.com/2014/11/06/pycon.html",
        "![](/images/2014/11/06/a.png)",
        "2014-11-06-pycon.md",
        "v2014-11-06",
        "build_2014-11-06",
        "Python 3 November 2014",  # a version, then a month
        "Django 1 May 2014",
        "06/11/2014",  # day or month first: cannot tell
        "11/06/2014",
        "2014-02-30",  # not on the calendar
        "2014-13-01",
        "2014-00-10",
        "2014年2月30日",
        "Feb 30, 2014",
        "31 April 2014",
        "1969-07-20",  # before anyone wrote notes here
        "更新于 2014-11-06",  # a later change, not the writing
        "Last updated: Nov 6, 2014",
        "修改日期：2014年11月6日",
        "",
        "进程是正在执行的程序实例",
    ],
)
def test_what_is_no_written_date_is_not_taken_for_one(line):
    assert found(line) is None


def test_seed_004s_version_numbers_are_not_dates(seeds):
    (path,) = seeds.glob("004_*")
    parsed = parse_note_bytes(path.read_bytes(), name=path.name)
    assert parsed.first_lines_date is None


def test_a_date_still_to_come_is_a_plan_not_the_writing():
    assert found("计划：2027-01-01 完成", not_after=TODAY) is None
    assert found("2026-12-03", not_after=TODAY) == TODAY
    assert found("2030-01-01", not_after=None) == dt.date(2030, 1, 1)


def test_only_the_first_five_non_blank_lines_are_read():
    lines = [f"line {n}" for n in range(1, 6)]
    assert found(*lines[:4], "", "   ", "2014-11-06") == NOV_6
    assert found(*lines, "2014-11-06") is None


def test_the_title_is_read_too_and_does_not_count_as_a_line():
    assert found("a", "b", "c", "d", "e", title="周记 2014-11-06") == NOV_6
    assert found("a", "b", "c", "d", "2014-11-06", title="周记") == NOV_6


def test_a_labelled_date_wins_over_an_earlier_unlabelled_one():
    assert found("Python 3.4 came out on 2014-03-16", "日期：2014-11-06") == NOV_6


def test_the_first_of_several_unlabelled_dates_is_taken():
    assert found("2014-11-06 and 2015-01-01", "2016-01-01") == NOV_6


def test_a_date_after_an_update_is_passed_over_for_the_writing_on_the_same_line():
    assert found("Updated 2020-01-01; written 2014-11-06") == NOV_6
    assert found("更新：2020-01-01", "2014-11-06") == NOV_6


def test_a_date_inside_fenced_code_is_not_the_notes_date():
    assert found("```python", 'print("2014-11-06")', "```", "2015-03-01") == dt.date(2015, 3, 1)
    assert found("~~~", "2014-11-06") is None


def test_windows_line_endings_are_read_as_lines():
    assert date_in_first_lines("t", "a\r\nb\r\n日期: 2014-11-06\r\n") == NOV_6


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2014-11-06", NOV_6),
        (" 2014-11-06\n", NOV_6),
        ("2014/11/6", NOV_6),
        ("2014年11月6日", NOV_6),
        ("Nov 6, 2014", NOV_6),
        ("6 November 2014", NOV_6),
        ("１９９５-０１-０２", dt.date(1995, 1, 2)),
        ("1960-01-01", dt.date(1960, 1, 1)),  # a person typing it means it
        ("2014-13-01", None),
        ("2014-02-30", None),
        ("2014.11.06", None),
        ("tomorrow", None),
        ("2014-11-06 10:00", None),
        ("on 2014-11-06", None),
        ("", None),
    ],
)
def test_a_date_typed_on_its_own_is_read_in_the_same_shapes(text, date):
    assert read_date(text) == date


# --- the report --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "wording"),
    [
        (DateSource.GIVEN, "dated 2014-11-06, the date given for this import"),
        (DateSource.FRONT_MATTER, "dated 2014-11-06 from its front matter"),
        (DateSource.FILE_NAME, "dated 2014-11-06 from its file name"),
        (DateSource.FIRST_LINES, "dated 2014-11-06 from its first lines"),
        (DateSource.COMMIT, "dated 2014-11-06 from the commit that added it"),
        (DateSource.MODIFIED, "dated 2014-11-06, a guess from the file's modification time"),
        (
            DateSource.IMPORT_TIME,
            "dated 2014-11-06, a guess: the time of the import (the file gives no date)",
        ),
    ],
)
def test_the_report_says_where_every_date_came_from(source, wording):
    result = ImportResult("a.md", Outcome.CREATED, slug="a", date=NOV_6, date_source=source)
    assert result.describe() == f"created: a.md -> a ({wording})"


def test_only_the_files_time_and_the_imports_time_are_guesses():
    assert {source for source in DateSource if source.is_guess} == {
        DateSource.MODIFIED,
        DateSource.IMPORT_TIME,
    }


# --- importing -----------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_notes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def copied(path: Path, folder: Path) -> Path:
    """A plain copy: its modification time is now, as a user's `cp` makes it."""
    copy = folder / path.name
    copy.write_bytes(path.read_bytes())
    return copy


def written(note: Note) -> dt.date:
    return timezone.localdate(note.created)


@pytest.mark.django_db
def test_seed_001_copied_today_is_dated_by_the_day_written_in_its_first_line(seeds, tmp_path):
    (seed,) = seeds.glob("001_*")
    path = copied(seed, tmp_path)
    out, _ = run(str(path))
    note = Note.objects.get()
    assert written(note) == NOV_6
    assert not note.created_is_guess
    assert "dated 2014-11-06 from its first lines" in out


@pytest.mark.django_db
def test_seed_000_copied_today_has_no_date_but_its_files_time_and_is_marked_a_guess(
    seeds, tmp_path
):
    (seed,) = seeds.glob("000_*")
    out, _ = run(str(copied(seed, tmp_path)))
    note = Note.objects.get()
    assert written(note) == timezone.localdate()
    assert note.created_is_guess
    assert "a guess from the file's modification time" in out


@pytest.mark.django_db
def test_a_date_in_the_first_lines_is_trusted_less_than_front_matter_or_a_file_name(tmp_path):
    (tmp_path / "2015-01-02-a.md").write_text("A\n\n日期: 2014-11-06\n", encoding="utf-8")
    (tmp_path / "b.md").write_text(
        "---\ntitle: B\ndate: 2016-03-04\n---\n日期: 2014-11-06\n", encoding="utf-8"
    )
    report = import_paths([tmp_path])
    assert [(r.date_source, r.date) for r in report.results] == [
        (DateSource.FILE_NAME, dt.date(2015, 1, 2)),
        (DateSource.FRONT_MATTER, dt.date(2016, 3, 4)),
    ]


@pytest.mark.django_db
def test_an_uploaded_zip_member_is_dated_by_its_first_lines_over_its_time_in_the_archive():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("a.txt", date_time=(2020, 1, 1, 0, 0, 0)), "A\n\n2014年11月6日\n"
        )
        archive.writestr(zipfile.ZipInfo("b.txt", date_time=(2020, 1, 1, 0, 0, 0)), "B\n\nb\n")
    report = import_uploads([SimpleUploadedFile("n.zip", buffer.getvalue())])
    assert [r.date_source for r in report.results] == [DateSource.FIRST_LINES, DateSource.MODIFIED]
    assert {n.title: (written(n), n.created_is_guess) for n in Note.objects.all()} == {
        "A": (NOV_6, False),
        "B": (dt.date(2020, 1, 1), True),
    }


@pytest.mark.django_db
def test_a_single_uploaded_file_without_a_date_is_dated_now_and_marked_a_guess():
    (result,) = import_uploads([SimpleUploadedFile("a.txt", b"A\n\nx\n")]).results
    assert result.date_source is DateSource.IMPORT_TIME
    assert Note.objects.get().created_is_guess


@pytest.mark.django_db
def test_a_guessed_date_gives_way_to_a_date_the_changed_file_now_writes(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Note\n\nfirst\n", encoding="utf-8")
    import_note_file(path)
    assert Note.objects.get().created_is_guess
    path.write_text("Note\n\n日期：2014-11-06\nfirst\n", encoding="utf-8")
    result = import_note_file(path)
    note = Note.objects.get()
    assert (written(note), note.created_is_guess) == (NOV_6, False)
    assert result.outcome is Outcome.UPDATED
    assert "dated 2014-11-06 from its first lines" in result.describe()


@pytest.mark.django_db
def test_a_date_staff_set_is_kept_when_the_changed_file_writes_another(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Note\n\n日期：2014-11-06\n", encoding="utf-8")
    import_note_file(path)
    path.write_text("Note\n\n日期：2015-01-01\n", encoding="utf-8")
    result = import_note_file(path)
    assert written(Note.objects.get()) == NOV_6
    assert result.date is None


@pytest.mark.django_db
def test_a_re_import_of_a_changed_file_keeps_its_guessed_date(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Note\n\nfirst\n", encoding="utf-8")
    os.utime(path, (1_400_000_000, 1_400_000_000))
    import_note_file(path)
    path.write_text("Note\n\nsecond\n", encoding="utf-8")
    result = import_note_file(path)
    note = Note.objects.get()
    assert (note.created.timestamp(), note.created_is_guess) == (1_400_000_000, True)
    assert result.date is None


# --- --date --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_date_option_wins_over_front_matter_file_name_and_first_lines(tmp_path):
    (tmp_path / "2015-01-02-a.md").write_text("A\n\n日期: 2014-01-01\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: B\ndate: 2016-03-04\n---\nb\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("C\n\nc\n", encoding="utf-8")
    out, _ = run(str(tmp_path), "--date", "2014-11-06")
    assert {note.title: written(note) for note in Note.objects.all()} == dict.fromkeys("ABC", NOV_6)
    assert not Note.objects.filter(created_is_guess=True).exists()
    assert out.count("dated 2014-11-06, the date given for this import") == 3


@pytest.mark.django_db
def test_date_option_dates_notes_imported_before_and_clears_their_guess(tmp_path):
    (tmp_path / "c.txt").write_text("C\n\nc\n", encoding="utf-8")
    run(str(tmp_path))
    assert Note.objects.get().created_is_guess
    out, _ = run(str(tmp_path), "--date", "2014/11/06")
    note = Note.objects.get()
    assert (written(note), note.created_is_guess) == (NOV_6, False)
    assert "updated: " in out and "dated 2014-11-06, the date given for this import" in out
    # The same date again changes nothing; so does importing without it afterwards.
    assert "unchanged: 1" in run(str(tmp_path), "--date", "2014-11-06")[0]
    assert "unchanged: 1" in run(str(tmp_path))[0]
    assert written(Note.objects.get()) == NOV_6


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2014-13-01", "2014-02-30", "yesterday", "06/11/2014"])
def test_an_invalid_date_option_is_refused_with_a_sentence_and_nothing_is_imported(tmp_path, value):
    (tmp_path / "c.txt").write_text("C\n\nc\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        run(str(tmp_path), "--date", value)
    assert str(refused.value) == (
        f"--date {value!r} is not a date: write the day the notes were written as "
        "YYYY-MM-DD, for example --date 2014-11-06."
    )
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_a_date_option_after_today_is_refused(tmp_path):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(CommandError, match="is after today"):
        run(str(tmp_path), "--date", tomorrow.isoformat())


# --- git -----------------------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(folder: Path, *args: str, date: str = "2015-03-01T12:00:00+08:00") -> None:
    environment = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    command = ["git", *args]
    subprocess.run(command, cwd=folder, env=environment, check=True, capture_output=True)  # noqa: S603


@pytest.fixture
def blog(tmp_path) -> Path:
    """A Jekyll blog in a git checkout: one post without a date, committed on 2015-03-01."""
    folder = tmp_path / "blog"
    (folder / "_posts").mkdir(parents=True)
    (folder / "_posts" / "gil.md").write_text("---\ntitle: GIL\n---\nThe GIL.\n", encoding="utf-8")
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "GIL")
    return folder


@needs_git
@pytest.mark.django_db
def test_a_post_in_a_git_checkout_is_dated_by_the_commit_that_added_it(blog):
    out, _ = run(str(blog / "_posts"))
    note = Note.objects.get()
    assert written(note) == dt.date(2015, 3, 1)
    assert not note.created_is_guess
    assert "dated 2015-03-01 from the commit that added it" in out


@needs_git
def test_the_first_commit_that_added_a_file_is_found_across_a_rename(blog):
    git(blog, "mv", "_posts/gil.md", "_posts/the-gil.md", date="2016-01-01T00:00:00+00:00")
    git(blog, "commit", "-q", "-m", "rename", date="2016-01-01T00:00:00+00:00")
    added = CommitDates().added(blog / "_posts" / "the-gil.md")
    assert added == dt.datetime(2015, 3, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@needs_git
@pytest.mark.django_db
def test_a_file_not_yet_committed_falls_back_on_its_modification_time(blog):
    (blog / "_posts" / "new.md").write_text("New\n\nnew\n", encoding="utf-8")
    out, _ = run(str(blog / "_posts" / "new.md"))
    assert Note.objects.get().created_is_guess
    assert "a guess from the file's modification time" in out


@needs_git
@pytest.mark.django_db
def test_a_date_in_the_first_lines_wins_over_the_commit(blog):
    (blog / "_posts" / "gil.md").write_text("---\ntitle: GIL\n---\n2014-11-06\n", encoding="utf-8")
    git(blog, "commit", "-q", "-am", "dated")
    run(str(blog / "_posts"))
    assert written(Note.objects.get()) == NOV_6


def test_a_folder_outside_any_checkout_is_asked_about_once(tmp_path, monkeypatch):
    calls = []
    real = CommitDates._git

    def counted(self, folder, *args):
        calls.append(args[0])
        return real(self, folder, *args)

    monkeypatch.setattr(CommitDates, "_git", counted)
    dates = CommitDates()
    assert dates.added(tmp_path / "a.md") is None
    assert dates.added(tmp_path / "b.md") is None
    assert calls == ["rev-parse"]


def test_without_git_installed_no_file_is_dated_by_a_commit(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on it
    dates = CommitDates()
    assert dates.added(tmp_path / "a.md") is None
    assert dates._git_missing


@needs_git
def test_a_git_that_takes_too_long_gives_no_date(blog, monkeypatch):
    def too_slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], 10)

    monkeypatch.setattr(subprocess, "run", too_slow)
    assert CommitDates().added(blog / "_posts" / "gil.md") is None
