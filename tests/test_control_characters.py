"""Control and invisible characters: refused in names, kept out of rendered HTML and XML."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notes.control_characters import (
    html_with_terminal_colours,
    is_invisible,
    name_without_controls,
    validate_visible_name,
    xml_safe,
)
from notes.importers import Outcome, import_paths, parse_note_text
from notes.markdown import render_markdown
from notes.models import Category, Note, Tag, Topic, TopicAlias
from tests.factories import make_category, make_note, make_topic, new_note_form

# Every character XML 1.0 cannot hold, with DEL: C0 controls but tab, LF and CR.
NOT_XML = [chr(code) for code in range(0x20) if code not in (0x09, 0x0A, 0x0D)]
NOT_XML += ["\x7f", "\ufffe", "\uffff"]
ANSI_RUN = "\x1b[1;31mFAILED\x1b[0m tests/test_x.py::test_y"
_LEFT_OVER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "site.css"


# --- the pure functions ------------------------------------------------------------


def test_xml_safe_drops_escape_sequences_and_what_xml_cannot_hold():
    assert xml_safe(f"{ANSI_RUN}\x0c\x0b\x00\ufffe\x7f tab\tline\nend\r") == (
        "FAILED tests/test_x.py::test_y tab\tline\nend\r"
    )
    assert xml_safe("全局解释器锁 👨‍💻") == "全局解释器锁 👨‍💻"
    # A terminal's link keeps its text; an escape left open takes nothing after it.
    assert xml_safe("\x1b]8;;https://x.org\x1b\\docs\x1b]8;;\x1b\\, \x1b]open") == "docs, ]open"


@pytest.mark.parametrize("character", NOT_XML)
def test_xml_safe_output_always_parses(character):
    text = f"a{character}b"
    ET.fromstring(f"<x a='{xml_safe(text)}'>{xml_safe(text)}</x>")


def test_terminal_colours_in_a_highlighted_block_become_classes():
    # Pygments cuts the sequence into tokens of its own: `\x1b`, `[`, `1`, `;`, `31`, `m`.
    html = render_markdown(f"```python\n{ANSI_RUN}\n```").html
    assert '<span class="err">\x1b</span>' in html
    coloured = html_with_terminal_colours(html)
    assert '<span class="ansi-bold ansi-red">FAILED</span>' in coloured
    assert "\x1b" not in coloured
    assert "[0m" not in coloured and "31" not in coloured


def test_terminal_colours_in_plain_text_and_paragraphs_become_classes():
    html = render_markdown("```\n\x1b[32mok\x1b[0m done\n```\n\nsaid \x1b[33myellow & *loud*").html
    coloured = html_with_terminal_colours(html)
    assert '<code><span class="ansi-green">ok</span> done\n</code>' in coloured
    # A colour crossing a tag is closed before it and opened again inside.
    assert (
        '<span class="ansi-yellow">yellow &amp; </span><em><span class="ansi-yellow">loud'
        in coloured
    )


def test_a_colour_never_reset_stops_at_the_end_of_its_block():
    coloured = html_with_terminal_colours("<p>\x1b[31mred</p><p>plain</p>")
    assert coloured == '<p><span class="ansi-red">red</span></p><p>plain</p>'


def test_other_control_characters_and_references_to_them_are_dropped_from_html():
    html = '<p title="t\x1b[31mi\x0c">a\x0cb\x00c &#27;&#x1B;&#65; &amp;</p>'
    assert html_with_terminal_colours(html) == '<p title="ti">abc &#65; &amp;</p>'


def test_html_without_control_characters_is_returned_as_is():
    html = "<p>Plain <code>[31m</code> text</p>"
    assert html_with_terminal_colours(html) is html


def test_every_colour_class_is_in_the_stylesheet():
    names = {"bold", "faint", "italic", "underline"}
    colours = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
    names |= {f"{bright}{colour}" for colour in colours for bright in ("", "bright-", "bg-")}
    css = CSS.read_text(encoding="utf-8")
    assert [name for name in sorted(names) if f".ansi-{name} " not in css] == []
    for code, name in [("1;4;3;2", "ansi-faint ansi-italic ansi-underline"),
                       ("38;5;9;48;5;4", "ansi-bright-red ansi-bg-blue"),
                       ("38;2;1;2;3;36", "ansi-cyan"), ("96", "ansi-bright-cyan")]:  # fmt: skip
        assert f'class="{name}"' in html_with_terminal_colours(f"<p>\x1b[{code}mx</p>")


@pytest.mark.parametrize(
    "name", ["\u200b", " \u200b\u200c\ufeff ", "\u3164", "\u2800", "\x00", "\t"]
)
def test_names_of_only_invisible_characters_are_invisible(name):
    assert is_invisible(name)


@pytest.mark.parametrize("name", ["GIL", "全局解释器锁", "a\u200bb", "👨‍💻", "عربى"])
def test_names_readers_can_see_are_accepted(name):
    assert not is_invisible(name)
    validate_visible_name(name)


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("Title\x0cpage", "control character (U+000C)"),
        ("Title\x0bhere", "control character (U+000B)"),
        ("\x1b[31mFAILED\x1b[0m", "control character (U+001B)"),
        ("Title\ttab", "control character (U+0009)"),
        ("\u200b", "only invisible characters"),
        ("\u200b\u200d", "only invisible characters"),
        ("txt.exe\u202egnp", "reverses the direction of text (U+202E)"),
        ("a\u2066b\u2069", "reverses the direction of text (U+2066)"),
    ],
)
def test_names_with_control_characters_or_nothing_visible_are_refused(name, sentence):
    with pytest.raises(ValidationError) as raised:
        validate_visible_name(name)
    assert sentence in raised.value.messages[0]


def test_a_name_from_a_file_loses_its_controls_with_a_warning():
    assert name_without_controls("GIL") == ("GIL", "")
    name, warning = name_without_controls("\x1b[1mGIL\x1b[0m\tand\x0clocks\u202e")
    assert name == "GIL and locks"
    assert warning.startswith("removed control characters (U+0009, U+000C, U+001B, U+202E)")


# --- models and the admin ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["Page\x0cbreak", "Tab\x0bbed", "\u200b", "a\u202eb"])
def test_a_note_title_with_control_or_only_invisible_characters_is_refused(title):
    note = Note(title=title, body="text")
    with pytest.raises(ValidationError) as raised:
        note.full_clean()
    assert list(raised.value.message_dict) == ["title"]


@pytest.mark.django_db
def test_topic_alias_and_tag_names_with_control_characters_are_refused():
    topic = make_topic("GIL")
    refused = [
        Topic(name="G\x0cIL2"),
        TopicAlias(topic=topic, name="\u200b"),
        TopicAlias(topic=topic, name="锁\x1b[0m"),
        Tag(name="py\x0bthon"),
        Category(name="\u202eesrever"),
    ]
    for instance in refused:
        with pytest.raises(ValidationError) as raised:
            instance.full_clean()
        assert "name" in raised.value.message_dict, instance


@pytest.mark.django_db
def test_the_admin_refuses_a_title_with_a_form_feed_with_a_sentence(staff_client):
    response = staff_client.post(
        reverse("admin:notes_note_add"),
        new_note_form(title="Page\x0cbreak"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["title"]
    assert "control character (U+000C)" in errors[0]
    assert Note.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_refuses_a_tag_typed_with_a_control_character(staff_client):
    response = staff_client.post(
        reverse("admin:notes_note_add"),
        new_note_form(title="Fine", tags="ok, bad\x1btag"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["tags"]
    assert "control character (U+001B)" in errors[0]
    assert Note.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_refuses_a_body_with_a_nul_character_with_a_sentence(staff_client):
    response = staff_client.post(
        reverse("admin:notes_note_add"),
        new_note_form(title="Nul", body="a\x00b"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == ["Null characters are not allowed."]
    assert Note.objects.count() == 0


@pytest.mark.django_db
def test_a_body_keeps_its_terminal_colours_and_its_rendering_shows_them_as_classes():
    body = f"Run:\n\n```\n{ANSI_RUN}\n```\n\nA form\x0cfeed and \x01 a start of heading."
    note = make_note("Pytest output", body=body)
    note.refresh_from_db()
    assert note.body == body
    assert '<span class="ansi-bold ansi-red">FAILED</span>' in note.body_html
    assert not _LEFT_OVER.search(note.body_html + note.auto_excerpt)
    assert "\x1b" not in note.body_html + note.auto_excerpt
    assert "A form feed and  a start of heading." in note.auto_excerpt


@pytest.mark.django_db
def test_a_topic_summary_shows_terminal_colours_as_classes_and_drops_other_controls():
    topic = make_topic("GIL", summary="Says \x1b[32mPASSED\x1b[0m\x0c in green.")
    assert topic.summary_html == '<p>Says <span class="ansi-green">PASSED</span> in green.</p>'


# --- import ------------------------------------------------------------------------


def test_a_files_title_loses_its_control_characters_with_a_warning():
    parsed = parse_note_text(
        '---\ntitle: "\\e[1mGIL\\e[0m\\fexplained"\ntags: ["py\\x0bthon", "\\u200b", gil]\n---\n'
        f"{ANSI_RUN}\n"
    )
    assert parsed.title == "GIL explained"
    assert parsed.tags == ["py thon", "gil"]
    assert parsed.body == ANSI_RUN
    assert parsed.warnings[0].startswith("title: removed control characters (U+000C, U+001B)")
    assert parsed.warnings[1].startswith("tags: removed control characters (U+000B)")
    assert parsed.warnings[2] == "tags: left out '\\u200b', which holds only invisible characters"


def test_a_plain_files_first_line_of_zero_width_spaces_is_not_its_title():
    parsed = parse_note_text("\u200b\u200b\n\x1b[1mThe GIL\x1b[0m\nbody", fallback_title="f")
    assert (parsed.title, parsed.body) == ("The GIL", "body")


@pytest.mark.django_db
def test_a_file_whose_title_is_only_invisible_is_refused_with_the_reason(tmp_path):
    (tmp_path / "blank.md").write_text('---\ntitle: "\\u200b\\u200d"\n---\nbody\n')
    (result,) = import_paths([tmp_path]).results
    assert result.outcome is Outcome.FAILED
    assert "the title holds only invisible characters" in result.reason
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_an_imported_file_with_a_form_feed_title_and_terminal_colours_imports(tmp_path):
    (tmp_path / "run.md").write_text(
        f'---\ntitle: "Test run\\fpage two"\ntags: [pytest]\n---\n```\n{ANSI_RUN}\n```\n',
        encoding="utf-8",
    )
    (tmp_path / "plain.txt").write_text(f"\x1b[1mPlain run\x1b[0m\n{ANSI_RUN}\n")
    results = {result.title: result for result in import_paths([tmp_path]).results}
    assert set(results) == {"Test run page two", "Plain run"}
    assert all(result.outcome is Outcome.CREATED for result in results.values())
    assert any("U+000C" in warning for warning in results["Test run page two"].warnings)
    assert any("U+001B" in warning for warning in results["Plain run"].warnings)
    note = Note.objects.get(title="Test run page two")
    assert ANSI_RUN in note.body
    assert '<span class="ansi-bold ansi-red">FAILED</span>' in note.body_html


# --- every XML output --------------------------------------------------------------


@pytest.mark.django_db
def test_every_xml_output_parses_whatever_control_characters_notes_hold(client):
    category = make_category("Output")
    topic = make_topic("GIL")
    # NUL never reaches the database (forms and the importer refuse it, and PostgreSQL
    # cannot store it in text): every other character XML cannot hold may.
    stored = [char for char in NOT_XML if char != "\x00"]
    note = make_note(
        "Controls",
        body="## Heading \x1b[31mred\x1b[0m\n\n- item "
        + " ".join(f"{ord(char):x}{char}" for char in stored)
        + f"\n\n```\n{ANSI_RUN}\n```\n\nThe GIL.",
        tags=["controls"],
        category=category,
    )
    # Old data, stored before titles and names were checked.
    Note.objects.filter(pk=note.pk).update(title="Controls " + "".join(stored))
    Topic.objects.filter(pk=topic.pk).update(name="GIL\x0c\x1b[1m")
    Category.objects.filter(pk=category.pk).update(name="Output\x0b")
    Tag.objects.filter(name="controls").update(name="controls\x0c")
    tag = Tag.objects.get(slug="controls")
    urls = [
        reverse("feed-rss"),
        reverse("feed-atom"),
        reverse("feed-tag-rss", args=[tag.slug]),
        reverse("feed-tag-atom", args=[tag.slug]),
        reverse("feed-category-rss", args=[category.slug]),
        reverse("feed-category-atom", args=[category.slug]),
        reverse("sitemap"),
        reverse("notes:map-opml"),
        reverse("notes:map-freemind"),
        reverse("notes:note-map-opml", args=[note.slug]),
        reverse("notes:note-map-freemind", args=[note.slug]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        root = ET.fromstring(response.content)
        assert not _LEFT_OVER.search(response.content.decode()), url
        assert "\x1b" not in ET.tostring(root, encoding="unicode"), url
    rss = ET.fromstring(client.get(reverse("feed-rss")).content)
    assert rss.find("channel/item/title").text == "Controls "
