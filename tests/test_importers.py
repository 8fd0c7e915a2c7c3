"""Reading note files (pure, no database) and writing them as notes, one file at a time."""

import codecs
import contextlib
import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.db import OperationalError
from django.utils import timezone

from notes.importers import (
    MAX_FILE_BYTES,
    NoteFileError,
    NoteImporter,
    Outcome,
    as_name_list,
    collect_paths,
    import_note_file,
    import_paths,
    parse_note_bytes,
    parse_note_text,
    save_parsed_note,
    split_front_matter,
)
from notes.models import Category, Note, Tag
from tests.factories import make_category, make_note

JEKYLL_POST = """---
layout: post
title: Pycon2014 @Shanghai
categories:
- IT_Reference
tags:
- Python mechine_learning
comments: true
---

##Pycon2014 @Shanghai
<img src="http://example.com/a.jpg" width="700">
"""


# --- parsing: front matter --------------------------------------------------------


def test_jekyll_post_gives_title_categories_tags_and_keeps_unknown_keys():
    parsed = parse_note_text(JEKYLL_POST)
    assert parsed.title == "Pycon2014 @Shanghai"
    assert parsed.categories == ["IT_Reference"]
    assert parsed.tags == ["Python", "mechine_learning"]
    assert parsed.extra == {"layout": "post", "comments": True}
    assert parsed.body == '##Pycon2014 @Shanghai\n<img src="http://example.com/a.jpg" width="700">'


def test_tags_may_be_a_space_separated_string_or_a_list():
    assert parse_note_text("---\ntitle: t\ntags: Python mechine_learning\n---\n").tags == [
        "Python",
        "mechine_learning",
    ]
    assert parse_note_text("---\ntitle: t\ntags: [GIL, 协程]\n---\n").tags == ["GIL", "协程"]


def test_a_quoted_tag_keeps_its_spaces():
    parsed = parse_note_text('---\ntitle: t\ntags: ["machine learning", web dev]\n---\n')
    assert parsed.tags == ["machine learning", "web", "dev"]


def test_category_list_items_are_names_but_a_category_string_is_split_as_in_jekyll():
    assert parse_note_text("---\ntitle: t\ncategories: [Python 基础]\n---\n").categories == [
        "Python 基础"
    ]
    assert parse_note_text("---\ntitle: t\ncategories: Lectures Python\n---\n").categories == [
        "Lectures",
        "Python",
    ]
    assert parse_note_text("---\ntitle: t\ncategory: Lectures\n---\n").categories == ["Lectures"]


def test_keys_the_file_does_not_have_are_none_not_empty():
    parsed = parse_note_text("---\ntitle: t\n---\nbody\n")
    assert parsed.tags is None and parsed.categories is None and parsed.status is None
    assert parse_note_text("plain\n\nbody").extra is None


def test_as_name_list_drops_repeats_and_empty_items():
    assert as_name_list(["a b", "a", None, ""]) == ["a", "b"]
    assert as_name_list(None) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2014-11-06", dt.datetime(2014, 11, 6, 0, 0)),
        ("2014-11-06 10:00:00 +0800", dt.datetime(2014, 11, 6, 2, 0)),
        ("2014-11-06T10:00:00+08:00", dt.datetime(2014, 11, 6, 2, 0)),
        ("'2014-11-06 10:00:00 +0800'", dt.datetime(2014, 11, 6, 2, 0)),
    ],
)
def test_dates_in_jekyll_and_iso_forms(value, expected, settings):
    settings.TIME_ZONE = "UTC"
    parsed = parse_note_text(f"---\ntitle: t\ndate: {value}\n---\n")
    assert parsed.date == expected.replace(tzinfo=dt.UTC)


def test_a_jekyll_file_name_gives_the_date_when_the_front_matter_has_none():
    parsed = parse_note_bytes(b"---\ntitle: t\n---\nbody\n", name="2014-11-06-pycon.md")
    assert parsed.date.date() == dt.date(2014, 11, 6)


def test_published_false_makes_a_draft():
    assert parse_note_text("---\ntitle: t\npublished: false\n---\n").status == "draft"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\ntitle: [unclosed\n---\nbody\n", "malformed YAML front matter (line 3)"),
        ("---\nlayout: post\ntitle: a: b\n---\nbody\n", "malformed YAML front matter (line 3)"),
        ("---\n- just\n- a list\n---\nbody\n", "not a set of `key: value` lines"),
        ("---\ntitle: never closed\n\nbody\n", "never ends"),
        ("---\ntitle: t\nstatus: secret\n---\n", "neither 'draft' nor 'published'"),
        ("---\ntitle: t\ndate: someday\n---\n", "is not a date"),
        ("---\na: &x [1]\nb: [*x, *x]\n---\n", "YAML aliases"),
        ("---\nlayout: post\n---\n\n", "no title"),
    ],
)
def test_broken_front_matter_is_refused_with_a_reason(text, reason):
    with pytest.raises(NoteFileError, match=re.escape(reason)):
        parse_note_text(text)


def test_front_matter_without_a_title_takes_the_first_line_of_its_body():
    parsed = parse_note_text("---\ntags: a\n---\n# 垃圾回收\n\n引用计数\n")
    assert (parsed.title, parsed.body, parsed.tags) == ("垃圾回收", "引用计数", ["a"])


def test_an_indented_fence_inside_a_yaml_block_does_not_close_the_front_matter():
    data, body = split_front_matter("---\ntitle: t\nnote: |\n  a\n  ---\n  b\n---\nbody\n")
    assert data["note"] == "a\n---\nb\n"
    assert body == "body"


# --- parsing: plain text ----------------------------------------------------------


def test_plain_text_title_is_the_first_non_empty_line():
    parsed = parse_note_text("\n\n  白话Python 进程,线程,协程  \n\n\n批评一个语言\n--Q.yuhen\n")
    assert parsed.title == "白话Python 进程,线程,协程"
    assert parsed.body == "批评一个语言\n--Q.yuhen"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("# Closures\n\nbody", "Closures"),
        ("##闭包 ##\nbody", "闭包"),
        ("## C#\nbody", "C#"),
        ("Closures\n========\nbody", "Closures"),
        ("###\nbody", "fallback"),
    ],
)
def test_plain_text_title_from_a_heading(text, title):
    parsed = parse_note_text(text, fallback_title="fallback")
    assert parsed.title == title
    assert parsed.body == "body"


def test_a_paragraph_too_long_for_a_title_stays_in_the_body():
    line = "长" * 300
    parsed = parse_note_text(f"{line}\nmore\n")
    assert parsed.title == "长" * 80 + "…"
    assert parsed.body == f"{line}\nmore"


def test_a_file_of_blank_lines_is_empty():
    with pytest.raises(NoteFileError, match="empty"):
        parse_note_text("\n  \n\t\n")


# --- parsing: bytes and encodings -------------------------------------------------

NOTE = "---\ntitle: 协程笔记\ntags: [asyncio]\n---\n\n## 事件循环\n\n`await` 让出控制权。\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (NOTE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + NOTE.encode("utf-8"), "utf-8"),
        (NOTE.encode("gbk"), "gb18030"),
        (NOTE.encode("gb18030"), "gb18030"),
        (NOTE.encode("utf-16"), "utf-16"),
    ],
)
def test_encodings_are_detected(raw, encoding):
    parsed = parse_note_bytes(raw, name="n.md")
    assert (parsed.title, parsed.tags, parsed.encoding) == ("协程笔记", ["asyncio"], encoding)
    assert parsed.body == "## 事件循环\n\n`await` 让出控制权。"


def test_crlf_files_parse_like_lf_files_and_keep_their_line_breaks_in_the_body():
    parsed = parse_note_bytes(NOTE.replace("\n", "\r\n").encode(), name="n.md")
    assert (parsed.title, parsed.tags) == ("协程笔记", ["asyncio"])
    assert parsed.body == "## 事件循环\r\n\r\n`await` 让出控制权。"
    plain = parse_note_bytes("标题\r\n\r\n正文\r\n".encode("gbk"), name="n.txt")
    assert (plain.title, plain.body) == ("标题", "正文")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b" \n\r\n\t", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
        (b"title\n\x80\x80 body", "not text in UTF-8, UTF-16, GB18030/GBK or Big5"),
        (b"x" * (MAX_FILE_BYTES + 1), "larger than the 5 MiB limit"),
    ],
)
def test_files_that_are_not_notes_are_refused(raw, reason):
    with pytest.raises(NoteFileError, match=reason):
        parse_note_bytes(raw, name="n.md")


# --- writing ------------------------------------------------------------------------


def write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


@pytest.mark.django_db
def test_importing_a_file_creates_a_note_keyed_by_its_absolute_path(tmp_path):
    path = write(tmp_path, "post.md", JEKYLL_POST)
    result = import_note_file(path, default_status="published")
    note = Note.objects.get()
    assert (result.outcome, result.slug) == (Outcome.CREATED, note.slug)
    assert note.source == str(path.resolve())
    assert note.category.name == "IT_Reference"
    assert sorted(note.tags.names()) == ["Python", "mechine_learning"]
    assert note.front_matter == {"layout": "post", "comments": True}
    assert note.status == "published"
    # Its first heading repeats the title, which the page shows above the body.
    assert '<h2 id="pycon2014-shanghai">' not in note.body_html
    assert 'alt="a.jpg"' in note.body_html


@pytest.mark.django_db
def test_importing_the_same_file_again_skips_it_as_unchanged(tmp_path):
    path = write(tmp_path, "post.md", JEKYLL_POST)
    import_note_file(path)
    before = list(Note.objects.values_list("pk", "updated", "body_html"))
    assert import_note_file(path).outcome is Outcome.UNCHANGED
    assert list(Note.objects.values_list("pk", "updated", "body_html")) == before


@pytest.mark.django_db
def test_a_changed_file_updates_its_note_instead_of_adding_one(tmp_path):
    path = write(tmp_path, "post.md", JEKYLL_POST)
    import_note_file(path)
    write(tmp_path, "post.md", JEKYLL_POST.replace("Pycon2014 @Shanghai\ncat", "PyCon 2014\ncat"))
    result = import_note_file(path)
    assert result.outcome is Outcome.UPDATED
    note = Note.objects.get()
    assert note.title == "PyCon 2014"
    assert note.slug == "pycon2014-shanghai"  # its address does not move


@pytest.mark.django_db
def test_reimport_keeps_what_staff_set_and_the_file_does_not_say(tmp_path):
    path = write(tmp_path, "gil.txt", "GIL\n\nold text\n")
    import_note_file(path)
    note = Note.objects.get()
    note.category = make_category("并发编程")
    note.status = "published"
    note.save()
    note.tags.set(["GIL"])
    write(tmp_path, "gil.txt", "GIL\n\nnew text\n")
    assert import_note_file(path).outcome is Outcome.UPDATED
    note.refresh_from_db()
    assert (note.body, note.category.name, note.status) == ("new text", "并发编程", "published")
    assert list(note.tags.names()) == ["GIL"]


@pytest.mark.django_db
def test_two_files_with_the_same_title_get_distinct_slugs_and_a_warning(tmp_path):
    write(tmp_path, "a.md", JEKYLL_POST)
    write(tmp_path, "b.md", JEKYLL_POST.replace("IT_Reference", "Lectures"))
    report = import_paths([tmp_path])
    first, second = report.results
    assert (first.slug, second.slug) == ("pycon2014-shanghai", "pycon2014-shanghai-2")
    assert first.warnings == []
    assert second.warnings == ["possible duplicate of pycon2014-shanghai (same title)"]


@pytest.mark.django_db
def test_a_requested_slug_that_is_taken_gets_a_suffix_and_a_warning(tmp_path):
    make_note("Other", slug="gil")
    result = import_note_file(write(tmp_path, "gil.md", "---\ntitle: GIL\nslug: gil\n---\nx\n"))
    assert result.slug == "gil-2"
    assert result.warnings == ['slug "gil" is taken; saved as "gil-2"']


@pytest.mark.django_db
def test_categories_nest_in_jekyll_order_and_existing_ones_are_reused(tmp_path):
    make_category("Python")
    write(tmp_path, "a.md", "---\ntitle: a\ncategories: [Python, 并发]\n---\n")
    write(tmp_path, "b.md", "---\ntitle: b\ncategories: [并发]\n---\n")
    import_paths([tmp_path])
    assert Note.objects.get(title="a").category.ancestors()[0].name == "Python"
    assert Note.objects.get(title="b").category == Note.objects.get(title="a").category
    assert Category.objects.count() == 2


def fail_after_saving(monkeypatch, title: str) -> None:
    """Make the import fail on the note called ``title``, once it is saved."""
    import notes.importers.batching as batching

    real_save = batching.save_note

    def save_then_fail(note, tags):
        real_save(note, tags)
        if note.title == title:
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(batching, "save_note", save_then_fail)


@pytest.mark.django_db
def test_a_file_failing_half_way_leaves_nothing_behind_and_the_rest_imports(tmp_path, monkeypatch):
    fail_after_saving(monkeypatch, "Bad")
    write(tmp_path, "1-bad.md", "---\ntitle: Bad\ncategories: [Shared]\ntags: [only-bad]\n---\n")
    write(tmp_path, "2-good.md", "---\ntitle: Good\ncategories: [Shared]\n---\n")
    report = import_paths([tmp_path])
    assert [r.outcome for r in report.results] == [Outcome.FAILED, Outcome.CREATED]
    assert report.results[0].reason == "RuntimeError: disk on fire"
    assert list(Note.objects.values_list("title", flat=True)) == ["Good"]
    assert not Tag.objects.filter(name="only-bad").exists()
    # The category the failed file created was rolled back; the good file made it again.
    assert Note.objects.get().category == Category.objects.get(name="Shared")


@pytest.mark.django_db
def test_a_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path):
    write(tmp_path, "a.md", JEKYLL_POST)
    write(tmp_path, "b.md", JEKYLL_POST)
    write(tmp_path, "c.md", "---\ntitle: [\n---\n")
    report = NoteImporter(dry_run=True).run(collect_paths([tmp_path]))
    assert [r.describe(dry_run=True).split(":")[0] for r in report.results] == [
        "would create",
        "would create",
        "would refuse",
    ]
    assert report.results[1].warnings == ["possible duplicate of pycon2014-shanghai (same title)"]
    assert report.summary() == (
        "would create: 2, would update: 0, unchanged: 0, would refuse: 1; "
        "dry run, nothing was written"
    )
    assert not Note.objects.exists()
    assert not Category.objects.exists()
    assert not Tag.objects.exists()


@pytest.mark.django_db
def test_folders_are_walked_for_note_files_only(tmp_path):
    write(tmp_path, "posts/2014/a.md", "A\n")
    write(tmp_path, "posts/b.markdown", "B\n")
    write(tmp_path, "c.TXT", "C\n")
    write(tmp_path, "posts/logo.png", b"\x89PNG\x00")
    write(tmp_path, ".obsidian/workspace.md", "hidden\n")
    write(tmp_path, "_site/index.txt", "generated\n")
    report = import_paths([tmp_path, tmp_path / "missing.md"])
    assert sorted(Note.objects.values_list("title", flat=True)) == ["A", "B", "C"]
    assert report.summary() == (
        "created: 3, updated: 0, unchanged: 0, failed: 1 (1 other files ignored)"
    )
    assert report.failed[0].describe().endswith("missing.md: no such file or folder")


@pytest.mark.django_db
def test_an_imported_note_first_version_holds_its_tags(tmp_path):
    import_note_file(write(tmp_path, "post.md", JEKYLL_POST))
    note = Note.objects.get()
    assert list(note.history.values_list("tag_names", flat=True)) == ["mechine_learning, Python"]


def failing_commit(times: int):
    """Stands in for a commit that fails (a full disk): raises at the end of a batch."""
    calls = {"left": times}

    @contextlib.contextmanager
    def batch_end():
        yield
        if calls["left"]:
            calls["left"] -= 1
            raise OperationalError("disk I/O error")

    return batch_end


@pytest.mark.django_db
def test_a_batch_that_cannot_commit_is_written_again_one_file_at_a_time(tmp_path, monkeypatch):
    import notes.importers.batching as batching

    monkeypatch.setattr(NoteImporter, "batch_size", 2)
    monkeypatch.setattr(batching, "content_version_bumped_at_end", failing_commit(1))
    for name in "abc":
        write(
            tmp_path, f"{name}.md", f"---\ntitle: Note {name}\ntags: [t{name}]\n---\nBody {name}\n"
        )
    report = import_paths([tmp_path])
    assert [r.outcome for r in report.results] == [Outcome.CREATED] * 3
    assert sorted(Note.objects.values_list("title", flat=True)) == ["Note a", "Note b", "Note c"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["ta", "tb", "tc"]


@pytest.mark.django_db
def test_a_file_whose_commit_fails_is_reported_and_leaves_nothing(tmp_path, monkeypatch):
    import notes.importers.batching as batching

    monkeypatch.setattr(batching, "content_version_bumped_at_end", failing_commit(99))
    write(tmp_path, "a.md", "---\ntitle: A\ntags: [lost]\n---\nBody\n")
    report = import_paths([tmp_path])
    assert [(r.outcome, r.reason) for r in report.results] == [
        (Outcome.FAILED, "OperationalError: disk I/O error")
    ]
    assert not Note.objects.exists()
    assert not Tag.objects.exists()


@pytest.mark.django_db
def test_a_batch_of_files_retires_cached_pages_once(tmp_path):
    from notes.caching import content_version

    for name in "abc":
        write(tmp_path, f"{name}.md", f"{name} title\n\nbody\n")
    before = content_version()
    import_paths([tmp_path])
    assert content_version() == before + 1


@pytest.mark.parametrize(
    "front_matter",
    [
        "title: 闭包\ndate: 2014-11-06 21:10:00 +0800\ntags: [Python, '并发 编程']\n",
        "layout: post\ncategories:\n- IT_Reference\nnumbers: [1, 2.5, true, null]\n",
        "title: 'quoted: yes'\nanchor: &a value\n",
    ],
)
def test_the_fast_yaml_loader_reads_front_matter_as_the_checked_one_does(front_matter):
    import yaml

    from notes.importers.front_matter import (
        _FastFrontMatterLoader,
        _FrontMatterLoader,
        _QuotedName,
    )

    slow = yaml.load(front_matter, Loader=_FrontMatterLoader)  # noqa: S506
    fast = yaml.load(front_matter, Loader=_FastFrontMatterLoader)  # noqa: S506
    assert fast == slow
    assert [isinstance(v, _QuotedName) for v in fast.values()] == [
        isinstance(v, _QuotedName) for v in slow.values()
    ]


# --- front matter a person gets wrong: a sentence, never a raw exception -------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\ntitle: t\ndate: 0001-01-01\n---\nb\n", "date: '0001-01-01' is outside the dates"),
        (
            "---\ntitle: t\ndate: 9999-12-31 -1200\n---\nb\n",
            "date: '9999-12-31 -1200' is outside the dates",
        ),
        ("---\ntitle: t\ndate: 2014-13-01\n---\nb\n", "date: '2014-13-01' is not a real date"),
        ("---\ntitle: t\nupdated: 2014-02-30\n---\nb\n", "updated: '2014-02-30' is not a real"),
        ("---\ntitle: t\nscore: .nan\n---\nb\n", "score: nan is not a number that can be stored"),
        ("---\ntitle: [a, b]\n---\nb\n", "title: ['a', 'b'] is a list or a map"),
        # Python's loader (used when the text holds a `*`) recurses once per level.
        ("---\ntitle: t*\nx: " + "[" * 3000 + "]" * 3000 + "\n---\nb\n", "nested too deeply"),
        # libyaml reads up to 1,000 levels without recursing; keeping the value as JSON
        # recurses, twice a level.
        ("---\ntitle: t\nx: " + "[" * 900 + "]" * 900 + "\n---\nb\n", "nested too deeply"),
    ],
)
def test_front_matter_mistakes_are_refused_with_a_sentence_naming_the_key(text, reason):
    with pytest.raises(NoteFileError, match=re.escape(reason)):
        parse_note_text(text)


def test_an_impossible_date_under_a_key_of_its_own_is_kept_as_written():
    parsed = parse_note_text("---\ntitle: t\nwhen: 2014-13-01\n---\nb\n")
    assert parsed.extra == {"when": "2014-13-01"}


def test_dates_under_keys_of_their_own_are_kept_as_iso_text_at_any_depth():
    parsed = parse_note_text(
        "---\ntitle: t\nwhen: 2014-11-06\nat: 2014-11-06 10:00:00\n"
        "review: {done: 2015-01-02, by: [me, 2015-01-03]}\n---\nb\n"
    )
    assert parsed.extra == {
        "when": "2014-11-06",
        "at": "2014-11-06T10:00:00",
        "review": {"done": "2015-01-02", "by": ["me", "2015-01-03"]},
    }


def test_a_binary_value_under_a_key_of_its_own_is_kept_as_written():
    parsed = parse_note_text("---\ntitle: t\ndata: !!binary aGVsbG8=\n---\nb\n")
    assert parsed.extra == {"data": "aGVsbG8="}


@pytest.mark.parametrize(
    "front_matter",
    ["# drafted in Obsidian, keys to come\n", "~\n", "null\n"],
    ids=["a comment", "~", "null"],
)
def test_front_matter_holding_no_value_is_none_and_the_title_comes_from_the_body(front_matter):
    parsed = parse_note_text(f"---\n{front_matter}---\n\nClosures\n\nThey keep their scope.\n")
    assert (parsed.title, parsed.body) == ("Closures", "They keep their scope.")
    assert (parsed.tags, parsed.categories, parsed.extra) == (None, None, {})


def test_without_libyaml_front_matter_is_read_by_pyyamls_own_loader_alike(monkeypatch):
    import importlib.util

    import yaml

    from notes.importers import front_matter

    # PyYAML built without libyaml has no CSafeLoader: load the module afresh so.
    monkeypatch.delattr(yaml, "CSafeLoader")
    spec = importlib.util.spec_from_file_location(
        "notes.importers._front_matter_without_libyaml", front_matter.__file__
    )
    assert spec is not None and spec.loader is not None
    pure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pure)
    assert pure._FastFrontMatterLoader.__bases__ == (yaml.SafeLoader,)
    assert pure.split_front_matter(JEKYLL_POST) == front_matter.split_front_matter(JEKYLL_POST)
    data, _ = pure.split_front_matter("---\ntags: ['machine learning', web]\n---\n")
    assert pure.as_name_list(data["tags"]) == ["machine learning", "web"]


@pytest.mark.django_db
def test_front_matter_mistakes_import_as_failed_files_and_write_nothing(tmp_path):
    (tmp_path / "nan.md").write_text("---\ntitle: t\nscore: .nan\n---\nb\n")
    (tmp_path / "old.md").write_text("---\ntitle: t\ndate: 0001-01-01\n---\nb\n")
    report = import_paths([tmp_path])
    assert [r.outcome for r in report.results] == [Outcome.FAILED, Outcome.FAILED]
    assert not any("Error" in r.reason for r in report.results)
    assert not Note.objects.exists()


# --- the note's format -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "note_format"),
    [
        ("a.txt", b"Title\n\n# not a heading\n", "text"),
        ("a.TXT", b"Title\n\ntext\n", "text"),
        ("a.txt", b"---\ntitle: t\n---\n# a heading\n", "markdown"),
        ("a.md", b"Title\n\ntext\n", "markdown"),
        ("a.markdown", b"Title\n\ntext\n", "markdown"),
        ("a.md", b"---\ntitle: t\nformat: text\n---\nplain\n", "text"),
    ],
)
def test_the_format_comes_from_front_matter_or_the_file_name(name, content, note_format):
    assert parse_note_bytes(content, name=name).format == note_format


def test_an_unknown_format_or_language_is_refused_with_a_sentence():
    with pytest.raises(NoteFileError, match="format: 'rst' is neither"):
        parse_note_text("---\ntitle: t\nformat: rst\n---\n")
    with pytest.raises(NoteFileError, match="language: 'fr' is neither"):
        parse_note_text("---\ntitle: t\nlanguage: fr\n---\n")


@pytest.mark.django_db
def test_seed_plain_text_notes_import_as_plain_text_and_chinese(seeds):
    import_paths([seeds])
    by_name = {Path(note.source).name[:3]: note for note in Note.objects.all()}
    assert {key: note.format for key, note in by_name.items()} == {
        "000": "markdown", "001": "markdown", "002": "text", "003": "text", "004": "text",
    }  # fmt: skip
    assert {note.lang for note in by_name.values()} == {"zh"}
    # A line break inside a Chinese sentence of the Markdown post is no space.
    text = re.sub(r"<[^>]+>", "", by_name["000"].body_html)
    assert "已经有分享" in text and "稳定性差" in text


# --- encodings, binary files, mojibake -------------------------------------------------

BIG5_NOTE = (
    "協程筆記\n\n協程是一種使用者空間的執行緒，由程式自己排程。\n"
    "全域直譯器鎖讓同一時刻只有一個執行緒執行位元組碼。\n"
)


def test_a_big5_note_from_taiwan_is_read_as_big5():
    parsed = parse_note_bytes(BIG5_NOTE.encode("big5"), name="協程.txt")
    assert (parsed.title, parsed.encoding) == ("協程筆記", "big5")
    assert parsed.body.startswith("協程是一種使用者空間的執行緒")


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [("进程\n线程\n", "gbk", "gb18030"), ("進程\n線程\n", "big5", "big5")],
)
def test_two_words_are_enough_to_tell_gbk_from_big5(text, encoding, expected):
    parsed = parse_note_bytes(text.encode(encoding), name="n.txt")
    assert (parsed.title, parsed.body, parsed.encoding) == (*text.split(), expected)


def test_utf16_without_a_bom_is_read():
    parsed = parse_note_bytes(
        "协程笔记\n\n用户空间的线程 hello\n".encode("utf-16-le"), name="n.txt"
    )
    assert (parsed.title, parsed.encoding) == ("协程笔记", "utf-16")


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        # No NUL byte in its first bytes: today's check for binary would not see it.
        (b"\x89PNG\r\n\x1a\nng" + bytes(range(0x80, 0xFF)) * 3, "a PNG image"),
        (b"\xff\xd8\xff\xe0\x10JFIF" + b"\xa4\xa4" * 50, "a JPEG image"),
        (b"GIF89a" + b"\xb0\xa1" * 50, "a GIF image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"PK\x03\x04" + b"\xb0\xa1" * 50, "a zip archive"),
        (b"\x7fELF\x02\x01\x01" + b"\xb0\xa1" * 50, "an ELF program"),
        # RIFF and ISO media name their kind after a length: a WebP picture, a WAV
        # recording, an MP4 video, an iPhone's HEIC photo.
        (b"RIFF\x24\x10\x00\x00WEBPVP8 " + b"\xb0\xa1" * 50, "a RIFF media file"),
        (b"RIFF\x24\x10\x00\x00WAVEfmt " + b"\xb0\xa1" * 50, "a RIFF media file"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\xb0\xa1" * 50, "an MP4 or QuickTime media file"),
        (b"\x00\x00\x00\x18ftypheic" + b"\xb0\xa1" * 50, "an MP4 or QuickTime media file"),
    ],
)
def test_files_that_start_like_a_binary_format_are_refused(raw, kind):
    with pytest.raises(NoteFileError, match=f"binary file: it starts like {kind}"):
        parse_note_bytes(raw, name="photo.md")


@pytest.mark.parametrize(
    "raw",
    [
        bytes(__import__("random").Random(1).randrange(128, 256) for _ in range(500)),
        "协程是一种用户空间的线程".encode().decode("gbk", "replace").encode("gb18030"),
        "Café crème brûlée, naïve façade.".encode("latin-1"),
    ],
)
def test_bytes_that_read_as_no_coherent_text_are_refused_not_imported_as_mojibake(raw):
    with pytest.raises(NoteFileError, match="not text in UTF-8, UTF-16, GB18030/GBK or Big5"):
        parse_note_bytes(raw, name="n.txt")


@pytest.mark.parametrize(
    "raw",
    [
        # Cut off in the middle of a two-byte unit, and between the halves of an emoji.
        codecs.BOM_UTF16_LE + "协程笔记".encode("utf-16-le") + b"\x3d",
        codecs.BOM_UTF16_LE + "协程笔记🐍".encode("utf-16-le")[:-2],
        codecs.BOM_UTF16_BE + "协程笔记🐍".encode("utf-16-be")[:-2],
    ],
    ids=["odd byte", "half an emoji, little-endian", "half an emoji, big-endian"],
)
def test_a_file_with_a_utf16_bom_that_does_not_decode_is_refused(raw):
    with pytest.raises(NoteFileError, match="starts like UTF-16 text but does not decode"):
        parse_note_bytes(raw, name="n.txt")


def test_a_note_zero_filled_by_a_crash_is_refused_for_its_nul_bytes():
    # Valid UTF-8 all along (NUL is ASCII), and no other control character in it; but
    # a NUL is no text a note can hold (PostgreSQL cannot store one in text).
    raw = "协程笔记\n\n协程是用户空间的线程。\n".encode() + b"\x00" * 4096
    with pytest.raises(NoteFileError, match=r"binary file \(it contains NUL bytes\)"):
        parse_note_bytes(raw, name="n.txt")


def test_a_binary_file_of_a_format_not_listed_is_refused_for_its_nul_bytes():
    # A Windows program: "MZ", a DOS header and stub. No signature names it, and neither
    # UTF-8, GB18030, Big5 nor UTF-16 reads it.
    raw = (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00"
        + b"\x00" * 4
        + b"@\x00"
        + b"\x00" * 34
        + b"\x80\x00\x00\x00\x0e\x1f\xba\x0e\x00\xb4\t\xcd!\xb8\x01L\xcd!"
        + b"This program cannot be run in DOS mode.\r\r\n$\x00\x00\x00"
    )
    with pytest.raises(NoteFileError, match=r"binary file \(it contains NUL bytes\)"):
        parse_note_bytes(raw, name="setup.md")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5"])
def test_a_file_of_full_width_spaces_is_refused_as_empty_in_any_encoding(encoding):
    raw = "\u3000\u3000\n\u3000\n".encode(encoding)
    with pytest.raises(NoteFileError, match="the file is empty"):
        parse_note_bytes(raw, name="n.txt")


# --- dates --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_note_without_a_date_takes_its_files_modification_time(tmp_path):
    path = tmp_path / "old.txt"
    path.write_text("Pycon 2014\n\n写于很久以前\n", encoding="utf-8")
    written = dt.datetime(2014, 11, 6, 10, 0, tzinfo=dt.UTC)
    os.utime(path, (written.timestamp(), written.timestamp()))
    result = import_note_file(path)
    assert Note.objects.get().created == written
    assert result.date_source == "file's modification time"
    assert "dated 2014-11-06, a guess from the file's modification time" in result.describe()


@pytest.mark.django_db
def test_a_dated_front_matter_or_file_name_wins_over_the_modification_time(tmp_path):
    (tmp_path / "2014-11-06-pycon.md").write_text("Pycon\n\ntext\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: B\ndate: 2015-01-02\n---\nb\n", encoding="utf-8")
    report = import_paths([tmp_path])
    assert [r.date_source for r in report.results] == ["file name", "front matter"]
    dates = {note.title: timezone.localdate(note.created) for note in Note.objects.all()}
    assert dates == {"Pycon": dt.date(2014, 11, 6), "B": dt.date(2015, 1, 2)}


@pytest.mark.django_db
def test_a_re_import_of_a_changed_file_keeps_the_date_it_was_first_given(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Note\n\nfirst\n", encoding="utf-8")
    os.utime(path, (1_400_000_000, 1_400_000_000))
    import_note_file(path)
    path.write_text("Note\n\nsecond\n", encoding="utf-8")
    import_note_file(path)
    assert Note.objects.get().created.timestamp() == 1_400_000_000


# --- web clippings ----------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_003_warns_of_page_chrome_naming_its_line_and_keeps_it(seeds):
    (path,) = seeds.glob("003_*")
    (result,) = import_paths([path]).results
    line = path.read_text(encoding="utf-8").splitlines().index("  • 0") + 1
    assert result.warnings == [
        f'the end looks like web page chrome (likes, payment...) from line {line} ("• 0"); '
        'import with "trim clipping" to cut it off'
    ]
    assert "红包" in Note.objects.get().body


@pytest.mark.django_db
def test_trim_clipping_cuts_the_chrome_off_seed_003_and_nothing_else(seeds):
    (path,) = seeds.glob("003_*")
    import_paths([path])
    (result,) = import_paths([path], trim_clipping=True).results
    assert result.outcome is Outcome.UPDATED
    body = Note.objects.get().body
    assert "红包" not in body and "点赞" not in body
    assert body.endswith("需要我们自己来做调度,操作系统不会主动调度任务。")
    assert body == path.read_text(encoding="utf-8").split("\n  • 0")[0].split("\n", 2)[2].strip()


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_notes_without_page_chrome_get_no_warning_and_lose_nothing(seeds, number):
    (path,) = seeds.glob(f"{number}_*")
    (result,) = import_paths([path], trim_clipping=True).results
    assert not any("chrome" in warning for warning in result.warnings)
    note = Note.objects.get()
    assert note.body == parse_note_bytes(path.read_bytes(), name=path.name).body


def test_a_notes_own_short_last_lines_are_not_chrome():
    text = "Title\n\n正文第一段，说明了很多。\n\n小结\n1. 进程\n2. 线程\n3. 协程\n4. 分享一下\n"
    assert parse_note_text(text).warnings == []


def history_rows(note: Note) -> list[tuple]:
    return list(
        note.history.order_by("history_date").values_list(
            "history_type", "history_user", "history_change_reason", "tag_names", "title"
        )
    )


@pytest.mark.django_db
def test_a_batch_writes_its_new_notes_first_versions_in_one_insert_and_skips_a_failed_file(
    tmp_path, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fail_after_saving(monkeypatch, "Bad")
    write(tmp_path, "1.md", "---\ntitle: One\ntags: [b, A]\n---\nBody\n")
    write(tmp_path, "2-bad.md", "---\ntitle: Bad\ntags: [lost]\n---\nBody\n")
    write(tmp_path, "3.txt", "Three\n\nplain text\n")
    write(tmp_path, "4.md", "---\ntitle: Four\ntags: [c]\n---\nBody\n")
    with CaptureQueriesContext(connection) as queries:
        import_paths([tmp_path])
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "notes_historicalnote"')]
    assert len(inserts) == 1
    notes = {note.title: note for note in Note.objects.all()}
    assert sorted(notes) == ["Four", "One", "Three"]
    assert [history_rows(notes[title]) for title in ("One", "Three", "Four")] == [
        [("+", None, None, "A, b", "One")],
        [("+", None, None, "", "Three")],
        [("+", None, None, "c", "Four")],
    ]
    assert not Note.history.filter(title="Bad").exists()
    # Dated when each note was saved, not when the batch ended: in import order.
    versions = list(Note.history.order_by("history_id"))
    assert [version.title for version in versions] == ["One", "Three", "Four"]
    assert versions[0].history_date < versions[1].history_date < versions[2].history_date
    for version in versions:
        assert version.history_date >= notes[version.title].updated


@pytest.mark.django_db
def test_a_kept_back_first_version_holds_what_the_note_was_saved_with():
    from notes.importers.history import first_versions_written_at_end

    parsed = parse_note_text("---\ntitle: 闭包\ntags: [Python]\nstatus: published\n---\nBody\n")
    with first_versions_written_at_end():
        note = save_parsed_note(parsed, source="/notes/a.md", default_status="draft")
        assert not note.history.exists()
    version = note.history.get()
    for field in type(version).tracked_fields:
        assert getattr(version, field.attname) == getattr(note, field.attname), field.name
    assert (version.history_type, version.history_user, version.history_change_reason) == (
        "+", None, None,
    )  # fmt: skip
    assert version.tag_names == "Python"


@pytest.mark.django_db
def test_a_re_import_records_the_change_and_a_new_file_its_first_version(tmp_path):
    write(tmp_path, "1.md", "---\ntitle: One\ntags: [a]\n---\nBody\n")
    import_paths([tmp_path])
    write(tmp_path, "1.md", "---\ntitle: One\ntags: [a, z]\n---\nNew body\n")
    write(tmp_path, "2.md", "---\ntitle: Two\n---\nBody\n")
    import_paths([tmp_path])
    one, two = Note.objects.get(title="One"), Note.objects.get(title="Two")
    assert history_rows(one) == [("+", None, None, "a", "One"), ("~", None, None, "a, z", "One")]
    assert history_rows(two) == [("+", None, None, "", "Two")]


@pytest.mark.django_db
def test_a_batch_written_again_file_by_file_keeps_one_first_version_per_note(tmp_path, monkeypatch):
    import notes.importers.batching as batching

    monkeypatch.setattr(NoteImporter, "batch_size", 2)
    monkeypatch.setattr(batching, "content_version_bumped_at_end", failing_commit(1))
    for name in "abc":
        write(tmp_path, f"{name}.md", f"---\ntitle: Note {name}\ntags: [t{name}]\n---\nBody\n")
    import_paths([tmp_path])
    assert sorted(Note.history.values_list("title", "tag_names")) == [
        ("Note a", "ta"),
        ("Note b", "tb"),
        ("Note c", "tc"),
    ]


@pytest.mark.django_db
def test_an_import_stores_each_notes_topic_mentions_and_links_under_that_note(tmp_path):
    from notes.models import Mention, NoteLink
    from tests.factories import make_topic

    gil = make_topic("GIL", aliases=["全局解释器锁"])
    write(tmp_path, "1.md", "# One\n\nThe GIL and the GIL.\n")
    write(tmp_path, "2.md", "# Two\n\n全局解释器锁. See [[One]] and [[Nowhere]].\n")
    import_paths([tmp_path])
    one, two = Note.objects.get(title="One"), Note.objects.get(title="Two")
    assert sorted(Mention.objects.values_list("note", "topic", "count")) == sorted(
        [(one.pk, gil.pk, 2), (two.pk, gil.pk, 1)]
    )
    links = NoteLink.objects.order_by("target_text")
    assert list(links.values_list("source", "target_note", "target_text")) == [
        (two.pk, None, "Nowhere"),
        (two.pk, one.pk, "One"),
    ]
