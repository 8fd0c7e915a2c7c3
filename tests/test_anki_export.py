"""Cards written as an Anki package: fields, code colours, Chinese and stable guids."""

import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

from notes.anki_export import (
    ExportCard,
    absolute_links,
    card_guid,
    stable_id,
    write_deck,
)

ROOT = Path(__file__).resolve().parent.parent
PYGMENTS_CSS = (ROOT / "static" / "css" / "pygments.css").read_text(encoding="utf-8")
CODE = (
    '<div class="highlight"><pre><span></span><span class="k">with</span> '
    '<span class="n">lock</span><span class="p">:</span></pre></div>'
)
CARDS = [
    ExportCard(
        card_id=1,
        front_html="<p>What does the GIL protect?</p>",
        back_html="<p>The interpreter's internal state.</p>",
        source_title="The GIL",
        source_url="https://notes.example.com/notes/gil/#what-it-protects",
    ),
    ExportCard(
        card_id=2,
        front_html="<p>为什么需要 GIL？</p>",
        back_html="<p>引用计数不是线程安全的。</p>",
        source_title="全局解释器锁",
        source_url="https://notes.example.com/notes/gil/#为什么需要-gil",
    ),
    ExportCard(
        card_id=3,
        front_html="<p>Which statement takes a lock for a block?</p>",
        back_html=CODE,
        source_title='Locks & "with"',
        source_url="https://notes.example.com/topics/threading/",
    ),
]


def read_deck(path: Path) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(path) as package:
            package.extract("collection.anki2", folder)
        connection = sqlite3.connect(Path(folder) / "collection.anki2")
        try:
            notes = connection.execute("SELECT guid, mid, flds FROM notes ORDER BY id").fetchall()
            models, decks = connection.execute("SELECT models, decks FROM col").fetchone()
        finally:
            connection.close()
    return {
        "notes": [(guid, mid, fields.split("\x1f")) for guid, mid, fields in notes],
        "models": json.loads(models),
        "decks": json.loads(decks),
    }


@pytest.fixture
def deck(tmp_path) -> tuple[int, dict]:
    path = tmp_path / "python.apkg"
    written = write_deck(
        CARDS, path, deck_name="Python notes: GIL", deck_key="tag:gil", css=PYGMENTS_CSS
    )
    return written, read_deck(path)


def test_deck_holds_each_card_with_its_faces_and_a_link_to_its_source(deck):
    written, content = deck
    assert written == 3
    fields = [fields for _, _, fields in content["notes"]]
    assert fields[0] == [
        "<p>What does the GIL protect?</p>",
        "<p>The interpreter's internal state.</p>",
        '<a href="https://notes.example.com/notes/gil/#what-it-protects">The GIL</a>',
    ]
    assert fields[2][1] == CODE
    assert fields[2][2] == (
        '<a href="https://notes.example.com/topics/threading/">Locks &amp; &quot;with&quot;</a>'
    )


def test_chinese_comes_through_the_package_intact(deck):
    _, content = deck
    front, back, source = content["notes"][1][2]
    assert front == "<p>为什么需要 GIL？</p>"
    assert back == "<p>引用计数不是线程安全的。</p>"
    assert source == (
        '<a href="https://notes.example.com/notes/gil/#为什么需要-gil">全局解释器锁</a>'
    )


def test_model_has_front_back_and_source_and_carries_the_code_colours(deck):
    _, content = deck
    (model,) = content["models"].values()
    assert [field["name"] for field in model["flds"]] == ["Front", "Back", "Source"]
    (template,) = model["tmpls"]
    assert template["qfmt"] == "{{Front}}"
    assert template["afmt"].index("{{FrontSide}}") < template["afmt"].index("<hr")
    assert template["afmt"].index("{{Back}}") < template["afmt"].index("{{Source}}")
    assert ".highlight .k { color: #8045E5 }" in model["css"]
    assert {mid for _, mid, _ in content["notes"]} == {int(model["id"])}


def test_deck_and_model_ids_are_stable_and_in_the_range_anki_expects(deck):
    _, content = deck
    deck_ids = {int(key) for key in content["decks"]} - {1}  # Anki's "Default" deck
    assert deck_ids == {stable_id("tag:gil")}
    assert stable_id("tag:gil") != stable_id("tag:asyncio")
    for key in ["tag:gil", "", "topic:全局解释器锁", "pynotes-card-model"]:
        assert 1 <= stable_id(key) < 2**31


def test_exporting_again_keeps_every_guid(deck, tmp_path):
    _, first = deck
    again = tmp_path / "again.apkg"
    write_deck(reversed(CARDS), again, deck_name="Renamed", deck_key="tag:gil")
    second = read_deck(again)
    guids = {fields[0]: guid for guid, _, fields in first["notes"]}
    assert {fields[0]: guid for guid, _, fields in second["notes"]} == guids
    assert [guid for guid, _, _ in first["notes"]] == [card_guid(card.card_id) for card in CARDS]


def test_a_different_card_gets_a_different_guid(deck, tmp_path):
    _, first = deck
    other = tmp_path / "other.apkg"
    changed = ExportCard(4, CARDS[0].front_html, CARDS[0].back_html, "The GIL", "https://x/")
    write_deck([changed], other, deck_name="Python notes", deck_key="tag:gil")
    (note,) = read_deck(other)["notes"]
    assert note[0] not in {guid for guid, _, _ in first["notes"]}
    assert len({card_guid(number) for number in range(1000)}) == 1000


def test_an_empty_selection_writes_an_empty_deck(tmp_path):
    path = tmp_path / "empty.apkg"
    assert write_deck([], path, deck_name="Nothing", deck_key="tag:none") == 0
    assert read_deck(path)["notes"] == []


def test_deck_can_be_written_to_an_open_binary_file(tmp_path):
    path = tmp_path / "stream.apkg"
    with path.open("wb") as stream:
        assert write_deck(CARDS[:1], stream, deck_name="One", deck_key="note:gil") == 1
    assert len(read_deck(path)["notes"]) == 1


BASE = "https://notes.example.com"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<a href="/topics/gil/">GIL</a>',
            '<a href="https://notes.example.com/topics/gil/">GIL</a>',
        ),
        (
            '<img src="/media/a.png" alt="/media/a.png">',
            '<img src="https://notes.example.com/media/a.png" alt="/media/a.png">',
        ),
        (
            '<a class="topic-link" href="/topics/%E9%94%81/#为什么">锁</a>',
            '<a class="topic-link" href="https://notes.example.com/topics/%E9%94%81/#为什么">锁</a>',
        ),
        ("<a href='/q?a=1&amp;b=2'>", '<a href="https://notes.example.com/q?a=1&amp;b=2">'),
        ('<a HREF="/x/">', '<a HREF="https://notes.example.com/x/">'),
        ("<a hidden href=/x/ class=y>", '<a hidden href="https://notes.example.com/x/" class=y>'),
    ],
)
def test_site_relative_links_become_absolute(html, expected):
    assert absolute_links(html, BASE) == expected
    assert absolute_links(html, BASE + "/") == expected


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://docs.python.org/3/library/threading.html">threading</a>',
        '<a href="//cdn.example.com/x.png">',
        '<a href="#for-what">',
        '<a href="../other/">',
        '<a href="mailto:me@example.com">',
        # An HTML example shown in a note is text, not a link.
        '<pre><code>&lt;a href="/topics/gil/"&gt;</code></pre>',
        # Only href and src are addresses; "href=" inside another attribute is its value.
        '<a data-href="/x/" title="see href=\'/y/\'" href="#z">',
    ],
)
def test_other_addresses_and_text_are_left_alone(html):
    assert absolute_links(html, BASE) == html


# ---- The export_cards command ------------------------------------------------------------


def card_of(note, question: str, answer: str):
    """The note's card: made by the card sync on save, or here when it makes none."""
    from notes.models import Card

    card = note.cards.first()
    if card is None:
        card = Card.objects.create(
            note=note,
            kind=Card.Kind.QUESTION,
            key=f"question-{note.pk}",
            front_html=f"<p>{question}</p>",
            back_html=f"<p>{answer}</p>",
        )
    return card


def topic_card_of(topic):
    from notes.models import Card

    return topic.cards.first() or Card.objects.create(topic=topic, kind=Card.Kind.TOPIC, key="")


def export(*args) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("export_cards", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture
def gil_notes(db):
    from tests.factories import make_draft, make_note

    published = make_note(
        "The GIL", body="Q: What does the GIL protect?\nA: The interpreter's state.", tags=["gil"]
    )
    draft = make_draft(
        "Unfinished", body="Q: What is a draft question?\nA: One readers never see.", tags=["gil"]
    )
    return (
        card_of(published, "What does the GIL protect?", "The interpreter's state."),
        card_of(draft, "What is a draft question?", "One readers never see."),
    )


def test_command_exports_the_cards_of_published_notes_only(gil_notes, tmp_path):
    published, _draft = gil_notes
    path = tmp_path / "gil.apkg"
    out = export(path, "--tag", "gil", "--base-url", "https://notes.example.com")
    assert out.strip() == f"Wrote 1 card to {path}"
    ((guid, _, (front, back, source)),) = read_deck(path)["notes"]
    assert guid == card_guid(published.pk)
    assert "What does the GIL protect?" in front
    assert "The interpreter" in back
    assert source.startswith('<a href="https://notes.example.com/notes/')
    assert ">The GIL</a>" in source
    (model,) = read_deck(path)["models"].values()
    assert ".highlight .k { color: #8045E5 }" in model["css"]
    assert ".cloze {" in model["css"]
    assert list(tmp_path.iterdir()) == [path]


def test_command_writes_a_deck_anyone_may_read_as_the_umask_allows(gil_notes, tmp_path):
    plain = tmp_path / "plain"
    plain.touch()
    expected = plain.stat().st_mode & 0o777
    plain.unlink()
    path = tmp_path / "gil.apkg"
    export(path, "--tag", "gil")
    assert path.stat().st_mode & 0o777 == expected


def test_command_makes_links_in_cards_absolute_on_the_base_url(db, tmp_path):
    from notes.models import Card
    from tests.factories import make_note

    note = make_note("Threads", body="Q: Which lock?\nA: The GIL.")
    card = card_of(note, "Which lock?", "The GIL.")
    Card.objects.filter(pk=card.pk).update(
        back_html='<p><a href="/topics/gil/">GIL</a></p>', anchor="locks"
    )
    path = tmp_path / "threads.apkg"
    export(path, "--note", note.slug, "--base-url", "https://notes.example.com/")
    ((_, _, (_, back, source)),) = read_deck(path)["notes"]
    assert back == '<p><a href="https://notes.example.com/topics/gil/">GIL</a></p>'
    assert f'href="https://notes.example.com/notes/{note.slug}/#locks"' in source


def test_command_writes_topic_cards_in_the_chosen_language(db, tmp_path):
    from tests.factories import make_topic

    topic = make_topic(
        "Global interpreter lock",
        name_zh="全局解释器锁",
        summary="One thread runs Python at a time.",
        summary_zh="同一时刻只有一个线程执行 Python 字节码。",
    )
    card = topic_card_of(topic)
    path = tmp_path / "锁.apkg"
    export(path, "--topic", topic.slug, "--language", "zh-hans")
    ((guid, _, (front, back, source)),) = read_deck(path)["notes"]
    assert guid == card_guid(card.pk)
    assert "全局解释器锁" in front
    assert "同一时刻只有一个线程执行 Python 字节码。" in back
    assert source.endswith(">全局解释器锁</a>")


def test_command_refuses_an_unknown_tag_and_writes_nothing(gil_notes, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "missing.apkg"
    with pytest.raises(CommandError, match=r"^There is no tag with the slug 'no-such-tag'\.$"):
        export(path, "--tag", "no-such-tag")
    assert list(tmp_path.iterdir()) == []


def test_command_refuses_a_draft_as_a_note_to_export(gil_notes, tmp_path):
    from django.core.management.base import CommandError

    _published, draft = gil_notes
    with pytest.raises(CommandError, match="no published note"):
        export(tmp_path / "draft.apkg", "--note", draft.note.slug)
    assert list(tmp_path.iterdir()) == []


def test_command_keeps_an_older_deck_whole_when_it_cannot_export(gil_notes, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "gil.apkg"
    export(path, "--tag", "gil")
    before = path.read_bytes()
    with pytest.raises(CommandError):
        export(path, "--category", "no-such-category")
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize(
    ("where", "sentence"),
    [
        (lambda tmp: tmp, "is a folder"),
        (lambda tmp: tmp / "absent" / "deck.apkg", "does not exist"),
    ],
)
def test_command_refuses_an_output_it_cannot_write(gil_notes, tmp_path, where, sentence):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=sentence):
        export(where(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_command_reports_a_folder_it_may_not_write_in(gil_notes, tmp_path):
    import os

    from django.core.management.base import CommandError

    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):
        pytest.skip("this user writes in any folder (root)")
    with pytest.raises(CommandError, match=r"^Cannot write .*deck\.apkg: Permission denied\.$"):
        export(locked / "deck.apkg")
    assert list(locked.iterdir()) == []


def test_command_leaves_no_partial_file_when_writing_fails(gil_notes, tmp_path, monkeypatch):
    import errno

    from django.core.management.base import CommandError

    from notes.management.commands import export_cards

    path = tmp_path / "gil.apkg"
    export(path, "--tag", "gil")
    before = path.read_bytes()

    def disk_full(cards, stream, **options):
        stream.write(b"PK half a deck")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_cards, "write_deck", disk_full)
    with pytest.raises(
        CommandError, match=r"^Cannot write .*gil\.apkg: No space left on device\.$"
    ):
        export(path, "--tag", "gil")
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize(
    ("hosts", "address"),
    [
        (["localhost", ".example.org", "notes.example.com"], "https://notes.example.com/notes/"),
        (["localhost", "127.0.0.1", "*"], "http://localhost:8000/notes/"),
    ],
)
def test_command_links_to_the_site_allowed_hosts_name_by_default(
    gil_notes, tmp_path, settings, hosts, address
):
    settings.ALLOWED_HOSTS = hosts
    path = tmp_path / "gil.apkg"
    export(path, "--tag", "gil")
    ((_, _, (_, _, source)),) = read_deck(path)["notes"]
    assert source.startswith(f'<a href="{address}')


def test_command_refuses_a_base_url_without_a_scheme(gil_notes, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--base-url must be a full http or https address"):
        export(tmp_path / "deck.apkg", "--base-url", "notes.example.com")
    assert list(tmp_path.iterdir()) == []


def test_command_takes_one_scope_at_a_time(gil_notes, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not allowed with"):
        export(tmp_path / "deck.apkg", "--tag", "gil", "--note", "the-gil")
