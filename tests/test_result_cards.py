"""Search results are cards kept in the cache by everything they show, the highlighted
title and passage included: another query must never get a card marked for the last."""

import pytest
from django.urls import reverse

from notes.templatetags.note_cards import highlighted
from tests.factories import make_note

pytestmark = pytest.mark.django_db


def test_highlighted_escapes_every_piece_and_marks_the_matches():
    html = highlighted([("<b>x</b> & ", False), ("<script>", True), ("'\"", False)])
    assert html == "&lt;b&gt;x&lt;/b&gt; &amp; <mark>&lt;script&gt;</mark>&#x27;&quot;"


def test_each_query_marks_its_own_words_on_the_same_note(client):
    make_note("Closures and decorators", body="A closure keeps its variables; a decorator wraps.")
    closures = client.get(reverse("notes:search"), {"q": "closure"}).content.decode()
    decorators = client.get(reverse("notes:search"), {"q": "decorator"}).content.decode()
    assert "<mark>closure</mark>" in closures and "<mark>decorator</mark>" not in closures
    assert "<mark>decorator</mark>" in decorators and "<mark>closure</mark>" not in decorators


def test_a_renamed_note_shows_its_new_title_in_results(client):
    note = make_note("Generators", body="yield makes a generator.")
    assert ">Generators<" in client.get(reverse("notes:search"), {"q": "yield"}).content.decode()
    note.title = "Generators and yield"
    note.save()
    content = client.get(reverse("notes:search"), {"q": "yield"}).content.decode()
    assert "Generators and <mark>yield</mark>" in content
