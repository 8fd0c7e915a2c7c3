"""notes.card_sync: a note's and a topic's stored cards follow their text."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notes.card_sync import sync_all_cards, sync_note_cards
from notes.models import Card, Note, Topic
from tests.factories import make_draft, make_note, make_topic
from tests.test_migrations import latest_migration, migrate_to

pytestmark = pytest.mark.django_db


def cards_of(note: Note) -> list[Card]:
    return list(Card.objects.filter(note=note).order_by("position"))


def fronts(note: Note, kind: str | None = None) -> list[str]:
    return [card.front_html for card in cards_of(note) if kind is None or card.kind == kind]


def edit(note: Note, body: str) -> None:
    note.body = body
    note.save()


QA = "Q: What is the GIL?\nA: A lock.\n\nQ: Why lists?\nA: They change.\n"


# The seeds and the starter notes


def test_seed_notes_give_their_question_headings(seeds: Path):
    call_command("import_notes", str(seeds), stdout=StringIO(), stderr=StringIO())
    by_seed = {
        path.name[:3]: Note.objects.get(source=str(path.resolve())) for path in seeds.iterdir()
    }
    for number in ("000", "001"):
        assert fronts(by_seed[number], "heading") == ["2.为何Python适合初创公司?"]
    (card,) = Card.objects.filter(note=by_seed["002"], kind="heading")
    assert card.front_html == "为什么别的语言没有(Cpython为什么这么设计):"
    assert "设计者为了规避类似" in card.back_html
    assert "大部分的C语言库都不是原生线程安全的" in card.back_html
    assert "组合" not in card.back_html  # the next heading of its level ends it
    assert card.anchor == "为什么别的语言没有cpython为什么这么设计"
    # Seeds import as drafts: their cards are made all the same.
    assert by_seed["002"].status == Note.Status.DRAFT


def test_starter_notes_hold_every_kind_of_card():
    call_command("load_sample_content", stdout=StringIO())
    kinds = set(Card.objects.filter(note__isnull=False).values_list("kind", flat=True))
    assert kinds == {"question", "term", "cloze", "heading"}
    gil = Note.objects.get(title="全局解释器锁 GIL")
    assert fronts(gil, "heading") == ["GIL 是什么", "为什么需要 GIL", "怎么绕开 GIL"]
    assert fronts(gil, "question") == ["<p>线程在等 I/O 时还占着 GIL 吗？</p>"]
    cloze = Card.objects.get(note=gil, kind="cloze")
    assert '<span class="cloze">[…]</span>' in cloze.front_html
    assert '<mark class="cloze">Lock</mark>' in cloze.back_html
    hashing = Note.objects.get(title="Hashing and Hashable Objects")
    assert fronts(hashing, "term") == ["<p>hashable</p>", "<p>frozenset</p>"]
    assert "Why lists are unhashable" in fronts(hashing, "heading")
    assert "How dict and set use the hash" in fronts(hashing, "heading")
    assert "Takeaways" not in fronts(hashing, "heading")
    closures = Note.objects.get(title="闭包与自由变量")
    assert [card.kind for card in cards_of(closures)][-3:] == ["term", "term", "cloze"]
    descriptors = Note.objects.get(title="Descriptors (draft)")
    assert fronts(descriptors, "heading") == ["What is a descriptor?"]


# Identity across edits


def test_editing_an_answer_keeps_the_card_with_its_new_back():
    note = make_note(body=QA)
    before = {card.front_html: card.pk for card in cards_of(note)}
    edit(note, QA.replace("A lock.", "A mutex."))
    card = Card.objects.get(note=note, front_html="<p>What is the GIL?</p>")
    assert card.pk == before["<p>What is the GIL?</p>"]
    assert card.back_html == "<p>A mutex.</p>"


def test_fixing_a_typo_in_a_question_keeps_the_card():
    note = make_note(body=QA.replace("What is the GIL?", "What is teh GIL?"))
    (first, second) = cards_of(note)
    edit(note, QA)
    assert [card.pk for card in cards_of(note)] == [first.pk, second.pk]
    assert cards_of(note)[0].front_html == "<p>What is the GIL?</p>"
    assert cards_of(note)[0].key != first.key


def test_removing_a_question_deletes_its_card_only():
    note = make_note(body=QA)
    (first, second) = cards_of(note)
    edit(note, "Q: Why lists?\nA: They change.\n")
    assert [card.pk for card in cards_of(note)] == [second.pk]


def test_reordering_keeps_the_cards_in_their_new_places():
    note = make_note(body=QA)
    (first, second) = cards_of(note)
    edit(note, "Q: Why lists?\nA: They change.\n\n## Later\n\nQ: What is the GIL?\nA: A lock.\n")
    assert [(card.pk, card.position, card.anchor) for card in cards_of(note)] == [
        (second.pk, 0, ""),
        (first.pk, 1, "later"),
    ]


def test_a_new_question_is_a_new_card_beside_the_kept_ones():
    note = make_note(body=QA)
    kept = {card.pk for card in cards_of(note)}
    edit(note, QA + "\nGIL :: 全局解释器锁\n")
    now = cards_of(note)
    assert {card.pk for card in now} > kept
    assert now[-1].kind == "term"


def test_two_cards_trading_keys_store_without_a_clash():
    note = make_note(body="Q: same?\nA: one\n\nQ: same?\nA: two\n")
    (first, second) = cards_of(note)
    edit(note, "Q: same?\nA: two\n")
    (card,) = cards_of(note)
    assert (card.pk, card.back_html) == (first.pk, "<p>two</p>")


def test_drafts_have_cards_too():
    note = make_draft(body=QA)
    assert len(cards_of(note)) == 2


def test_deleting_a_note_deletes_its_cards():
    note = make_note(body=QA)
    note.delete()
    assert not Card.objects.exists()


def test_syncing_takes_as_many_queries_for_fifty_cards_as_for_five():
    def queries_to_replace(count: int) -> int:
        note = make_note(body="".join(f"Q: {n}?\nA: {n}\n\n" for n in range(count)))
        # Every kind of write: answers changed, the first question gone, new ones added.
        note.body_html = note.body_html.replace("</p>", " more</p>").replace("Q: 0?", "0?")
        note.body_html += "".join(f"<p>Q: new {n}?\nA: {n}</p>" for n in range(count))
        with CaptureQueriesContext(connection) as queries:
            sync_note_cards(note)
        assert len(cards_of(note)) == 2 * count - 1
        assert cards_of(note)[0].back_html == "<p>1 more</p>"
        return len(queries)

    assert queries_to_replace(50) == queries_to_replace(5)


def test_an_unchanged_note_writes_nothing():
    note = make_note(body=QA)
    with CaptureQueriesContext(connection) as queries:
        sync_note_cards(note)
    assert not [
        query for query in queries if not query["sql"].startswith(("SELECT", "SAVE", "RELEASE"))
    ]


# Topics


def test_a_topic_has_a_card_while_it_has_a_summary():
    topic = make_topic("GIL")
    assert not Card.objects.filter(topic=topic).exists()
    topic.summary_zh = "全局解释器锁。"
    topic.save()
    (card,) = Card.objects.filter(topic=topic)
    assert (card.kind, card.key, card.front_html, card.back_html) == ("topic", "topic", "", "")
    topic.summary = "The global interpreter lock."
    topic.save()
    assert list(Card.objects.filter(topic=topic)) == [card]
    topic.summary = topic.summary_zh = " "
    topic.save()
    assert not Card.objects.filter(topic=topic).exists()


# Existing content


def test_sync_all_cards_fills_in_cards_for_every_note_and_topic():
    note = make_note(body=QA)
    topic = make_topic("GIL", summary="A lock.")
    Card.objects.all().delete()
    sync_all_cards(Note, Topic, Card)
    assert len(cards_of(note)) == 2
    assert Card.objects.filter(topic=topic).count() == 1


@pytest.mark.django_db(transaction=True)
def test_notes_and_topics_already_there_get_their_cards_when_cards_arrive():
    apps = migrate_to(("notes", "0017_python_docs_and_code_checks"))
    try:
        note = apps.get_model("notes", "Note").objects.create(
            title="GIL", slug="gil", body=QA, body_html="<p>Q: What is the GIL?\nA: A lock.</p>"
        )
        topic = apps.get_model("notes", "Topic").objects.create(
            name="GIL", slug="gil", summary="A lock."
        )
        apps = migrate_to(("notes", "0018_review_cards"))
        card_model = apps.get_model("notes", "Card")
        (card,) = card_model.objects.filter(note_id=note.pk)
        assert (card.front_html, card.back_html) == ("<p>What is the GIL?</p>", "<p>A lock.</p>")
        assert card_model.objects.filter(topic_id=topic.pk).count() == 1
    finally:
        migrate_to(("notes", latest_migration()))


def test_a_renamed_topic_reaches_the_links_in_its_notes_cards():
    topic = make_topic("Closure")
    note = make_note("Closures", body="Q: What does a Closure keep?\nA: Its free variables.")
    (card,) = Card.objects.filter(note=note)
    assert 'href="/topics/closure/"' in card.front_html
    topic.slug = "closures"
    topic.save()
    call_command("recount_notes", "--rerender", stdout=StringIO())
    card.refresh_from_db()
    assert 'href="/topics/closures/"' in card.front_html
