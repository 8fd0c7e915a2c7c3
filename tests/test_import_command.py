"""`manage.py import_notes`: the real seed notes, and a corpus of broken files."""

import codecs
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from notes.importers import MAX_FILE_BYTES
from notes.models import Category, Note, Tag

pytestmark = pytest.mark.django_db

PYCON = "Pycon2014 @Shanghai"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_notes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def seed(seeds: Path, number: str) -> Note:
    (path,) = seeds.glob(f"{number}_*")
    return Note.objects.get(source=str(path.resolve()))


def test_every_seed_note_imports(seeds):
    out, err = run(str(seeds))
    files = sorted(seeds.iterdir())
    assert Note.objects.count() == len(files)
    assert f"created: {len(files)}, updated: 0, unchanged: 0, failed: 0" in out
    assert err == ""


def test_seed_jekyll_posts_keep_title_categories_tags_and_layout(seeds):
    run(str(seeds))
    first, second = seed(seeds, "000"), seed(seeds, "001")
    assert first.title == second.title == PYCON
    assert first.category.name == "IT_Reference"
    assert second.category.name == "Lectures"
    for note in (first, second):
        assert sorted(note.tags.names()) == ["Python", "mechine_learning"]
        assert note.front_matter == {"layout": "post"}


def test_the_two_versions_of_one_seed_post_both_import_with_a_warning(seeds):
    out, _ = run(str(seeds))
    slugs = {seed(seeds, "000").slug, seed(seeds, "001").slug}
    assert slugs == {"pycon2014-shanghai", "pycon2014-shanghai-2"}
    assert "warning: possible duplicate of pycon2014-shanghai (same title)" in out


def test_seed_plain_notes_take_their_first_line_as_title(seeds):
    run(str(seeds))
    assert seed(seeds, "002").title.startswith("技巧:学会看源码")
    assert seed(seeds, "003").title == "白话Python 进程,线程,协程"
    assert seed(seeds, "004").title == "Python3学习笔记：目录略详细版"
    assert seed(seeds, "003").body.startswith("批评一个语言")


def test_seed_headings_and_images_render(seeds):
    run(str(seeds))
    html = seed(seeds, "000").body_html
    # Its first heading repeats the title, which the page shows above the body.
    assert '<h2 id="pycon2014-shanghai">' not in html
    assert '<h3 id="1python中的进程线程协程同步异步回调">' in html
    assert '<img src="http://canonxu-com.qiniudn.com/pycon_scheme1.jpg"' in html
    assert "<h3" in seed(seeds, "001").body_html
    assert '<img src="http://canonxu-com.qiniudn.com/pycon2014.jpg"' in seed(seeds, "001").body_html


def test_importing_the_seeds_again_changes_nothing(seeds):
    run(str(seeds))
    before = list(Note.objects.order_by("pk").values())
    out, _ = run(str(seeds), "-v", "2")
    assert f"created: 0, updated: 0, unchanged: {len(before)}, failed: 0" in out
    assert out.count("unchanged: /") == len(before)
    assert list(Note.objects.order_by("pk").values()) == before


def test_a_dry_run_of_the_seeds_writes_nothing(seeds):
    out, _ = run(str(seeds), "--dry-run")
    assert "would create: 5" in out
    assert "dry run, nothing was written" in out
    assert not Note.objects.exists() and not Category.objects.exists()


# --- a corpus of broken files ---------------------------------------------------------

GOOD = "---\ntitle: 好的笔记\ncategories: [并发编程]\ntags: asyncio 协程\n---\n\n## 事件循环\n"


@pytest.fixture
def corpus(tmp_path) -> Path:
    files = {
        "bad-yaml.md": b"---\ntitle: [unclosed\ncategories: [Broken]\n---\nbody\n",
        "unterminated.md": b"---\ntitle: no end\n\nbody\n",
        "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        "empty.md": b"",
        "blank.txt": b"\n \n",
        "undecodable.txt": b"title\n\x80\x80 not text",
        "oversized.md": b"# big\n" + b"x" * MAX_FILE_BYTES,
        "gbk.txt": "全局解释器锁\n\nGIL 让同一时刻只有一个线程执行字节码。\n".encode("gbk"),
        "bom.md": codecs.BOM_UTF8 + "---\ntitle: 带 BOM 的笔记\n---\n正文\n".encode(),
        "crlf.md": GOOD.replace("好的笔记", "CRLF 笔记").replace("\n", "\r\n").encode(),
        "good.md": GOOD.encode(),
    }
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
    return tmp_path


REFUSED = {
    "bad-yaml.md": "malformed YAML front matter (line 3)",
    "unterminated.md": "the front matter starts with --- but never ends",
    "binary.md": "binary file",
    "empty.md": "the file is empty",
    "blank.txt": "the file is empty",
    "undecodable.txt": "not text in UTF-8, UTF-16, GB18030/GBK or Big5",
    "oversized.md": "larger than the 5 MiB limit for a note",
}


def test_each_broken_file_is_refused_with_its_path_and_reason_and_the_rest_imports(corpus):
    with pytest.raises(CommandError, match="7 files could not be imported") as raised:
        run(str(corpus))
    assert raised.value.returncode == 1
    assert sorted(Note.objects.values_list("title", flat=True)) == sorted(
        ["全局解释器锁", "带 BOM 的笔记", "CRLF 笔记", "好的笔记"]
    )
    assert not Category.objects.filter(name="Broken").exists()


def test_broken_files_are_reported_on_stderr(corpus):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_notes", str(corpus), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    for name, reason in REFUSED.items():
        assert f"failed: {corpus / name}: {reason}" in "\n".join(lines), name
    assert len(lines) == len(REFUSED)


def test_encodings_and_line_endings_in_the_corpus_import_cleanly(corpus):
    with pytest.raises(CommandError):
        run(str(corpus))
    gbk = Note.objects.get(title="全局解释器锁")
    assert gbk.body == "GIL 让同一时刻只有一个线程执行字节码。"
    assert Note.objects.get(title="带 BOM 的笔记").body == "正文"
    crlf, lf = Note.objects.get(title="CRLF 笔记"), Note.objects.get(title="好的笔记")
    assert crlf.body_html == lf.body_html
    assert sorted(crlf.tags.names()) == sorted(lf.tags.names()) == ["asyncio", "协程"]
    assert crlf.category == lf.category
    assert Tag.objects.count() == 2


def test_the_report_names_the_encoding_it_detected(corpus):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_notes", str(corpus / "gbk.txt"), str(corpus / "empty.md"), stdout=out)
    assert "(read as GB18030;" in out.getvalue()


def test_a_dry_run_of_the_corpus_writes_nothing_and_still_fails(corpus):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_notes", str(corpus), "--dry-run", stdout=out, stderr=StringIO())
    assert "would create: 4, would update: 0, unchanged: 0, would refuse: 7" in out.getvalue()
    assert not Note.objects.exists()


def test_status_option_applies_to_notes_without_one(corpus):
    with pytest.raises(CommandError):
        run(str(corpus), "--status", "published")
    assert set(Note.objects.values_list("status", flat=True)) == {"published"}


def test_progress_bar_goes_to_stderr_when_asked(corpus):
    good = str(corpus / "good.md")
    _, err = run(good, str(corpus / "gbk.txt"), "--progress")
    assert "] 2/2" in err
    _, quiet = run(good)
    assert quiet == ""


def test_large_imports_render_in_worker_processes_with_the_same_result(tmp_path, monkeypatch):
    from notes import importers
    from notes.importers import workers
    from tests.factories import make_topic

    make_topic("GIL", aliases=["全局解释器锁"])
    for index in range(6):
        extra = "\n\nSee [[Note 0]]." if index == 5 else ""
        (tmp_path / f"n{index}.md").write_text(
            f"# Note {index}\n\n全局解释器锁 and the GIL.\n\n```python\nx = {index}\n```{extra}\n",
            encoding="utf-8",
        )
    prepared_in_workers = []
    real_import_one = importers.NoteImporter.import_one

    def spy(self, item, prepared=None):
        prepared_in_workers.append(prepared is not None and prepared.parsed is not None)
        return real_import_one(self, item, prepared)

    monkeypatch.setattr(importers.NoteImporter, "import_one", spy)
    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 2)
    report = importers.import_paths([tmp_path])
    assert report.counts[importers.Outcome.CREATED] == 6
    assert prepared_in_workers == [True] * 6
    parallel = {n.title: (n.body_html, n.auto_excerpt) for n in Note.objects.all()}

    Note.objects.all().delete()
    prepared_in_workers.clear()
    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 10_000)
    importers.import_paths([tmp_path])
    assert prepared_in_workers == [False] * 6
    sequential = {n.title: (n.body_html, n.auto_excerpt) for n in Note.objects.all()}
    assert parallel == sequential
    assert 'href="/topics/gil/"' in parallel["Note 1"][0]
    assert 'href="/notes/note-0/"' in parallel["Note 5"][0]


def test_trim_clipping_option_cuts_page_chrome(seeds):
    (path,) = seeds.glob("003_*")
    out, _ = run(str(path), "--trim-clipping")
    assert "warning: cut off what looks like web page chrome from line" in out
    assert "余额充值" not in Note.objects.get().body
