"""Cards written as an Anki package: fields, code colours, Chinese and stable guids."""

import json
import sqlite3
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
    folder = path.parent / f"{path.stem}-unzipped"
    with zipfile.ZipFile(path) as package:
        package.extract("collection.anki2", folder)
    connection = sqlite3.connect(folder / "collection.anki2")
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
