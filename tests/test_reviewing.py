"""Reviewing cards: FSRS scheduling, progress per reader or session, scopes, the page."""

import datetime
import io
import re
import sqlite3
import tempfile
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notes.models import Card, CardProgress, Mention, ReviewLog
from notes.reviewing import (
    DatabaseProgress,
    Scope,
    SessionProgress,
    cards_in_scope,
    carry_session_progress,
    interval_label,
)
from tests.factories import make_category, make_draft, make_note, make_topic, make_user

pytestmark = pytest.mark.django_db


def add_cards(note, count=1, *, prefix="Question"):
    """Cards made directly, whatever the note's text (its sync runs only on save)."""
    return [
        Card.objects.create(
            note=note,
            kind=Card.Kind.QUESTION,
            key=f"{prefix}-{note.pk}-{index}",
            front_html=f"{prefix} {index} of {note.title}?",
            back_html=f"<p>Answer {index}</p>",
            position=index,
        )
        for index in range(count)
    ]


def review_page(client, **params):
    response = client.get(reverse("notes:review"), params)
    assert response.status_code == 200
    return response


def rate(client, card, rating, **scope):
    return client.post(reverse("notes:review"), {"card": card.pk, "rating": rating, **scope})


def test_a_good_rating_moves_the_due_date_forward_and_again_brings_it_back():
    user = make_user()
    (card,) = add_cards(make_note("GIL"))
    progress = DatabaseProgress(user)
    now = timezone.now()
    # A new card rated Good twice leaves the learning steps and comes back in days.
    progress.record(card, 3, now)
    after_good = progress.record(card, 3, now + datetime.timedelta(minutes=11))
    assert after_good.due - now > datetime.timedelta(days=1)
    later = after_good.due
    after_again = progress.record(card, 1, later)
    assert after_again.due - later < datetime.timedelta(hours=1)
    stored = CardProgress.objects.get(user=user, card=card)
    assert stored.due == after_again.due
    assert list(ReviewLog.objects.filter(user=user).values_list("rating", flat=True)) == [3, 3, 1]
    assert ReviewLog.objects.filter(user=user, first=True).count() == 1


def test_the_page_shows_the_next_interval_on_each_rating_button(client):
    add_cards(make_note("GIL"))
    html = review_page(client).content.decode()
    buttons = re.findall(r'class="review-rating-interval">([^<]+)<', html)
    assert len(buttons) == 4
    # FSRS's defaults for a new card: Again 1 min, Hard 6 min, Good 10 min, Easy days.
    assert buttons[0] == "1 min"
    assert buttons[2] == "10 min"
    assert buttons[3].endswith("days")


def test_rating_a_card_shows_the_next_one_and_then_says_nothing_is_due(client):
    note = make_note("Closures")
    first, second = add_cards(note, 2)
    assert first.front_html in review_page(client).content.decode()
    response = rate(client, first, 4)
    assert response.status_code == 303
    assert second.front_html in review_page(client).content.decode()
    rate(client, second, 4)
    html = review_page(client).content.decode()
    assert "Nothing due now" in html
    assert "The next card comes back in" in html


def test_a_visitor_reviews_in_the_session_and_keeps_the_progress_on_logging_in(client):
    (card,) = add_cards(make_note("GIL"))
    rate(client, card, 4)
    assert CardProgress.objects.count() == 0
    user = make_user(username="learner")
    response = client.post(
        reverse("login"), {"username": "learner", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    progress = CardProgress.objects.get(user=user)
    assert progress.card == card
    assert progress.due > timezone.now() + datetime.timedelta(days=1)
    assert ReviewLog.objects.get(user=user).rating == 4
    # Carried, not copied: the session no longer holds it.
    assert "review" not in client.session
    assert "Nothing due now" in review_page(client).content.decode()


def test_carrying_session_progress_keeps_the_later_review_of_a_card():
    user = make_user()
    (card,) = add_cards(make_note("GIL"))
    now = timezone.now()
    DatabaseProgress(user).record(card, 1, now - datetime.timedelta(days=3))
    session = {}
    SessionProgress(session).record(card, 4, now)
    assert carry_session_progress(session, user) == 1
    assert CardProgress.objects.get(user=user).last_review == now
    older = {}
    SessionProgress(older).record(card, 1, now - datetime.timedelta(days=10))
    assert carry_session_progress(older, user) == 0
    assert CardProgress.objects.get(user=user).last_review == now


def test_two_readers_never_see_each_others_progress():
    (card,) = add_cards(make_note("GIL"))
    alice, bob = Client(), Client()
    alice.force_login(make_user())
    bob.force_login(make_user())
    rate(alice, card, 4)
    assert "Nothing due now" in review_page(alice).content.decode()
    bob_page = review_page(bob).content.decode()
    assert card.front_html in bob_page
    assert "<dd>0</dd>" in bob_page  # reviewed today
    assert CardProgress.objects.count() == 1


def test_review_pages_are_never_kept_in_the_page_cache(client):
    (card,) = add_cards(make_note("GIL"))
    first = review_page(client)
    assert "no-cache" in first["Cache-Control"] or "no-store" in first["Cache-Control"]
    anonymous = Client()
    rate(client, card, 4)
    # Another visitor still gets the card; the first visitor gets their own state.
    assert card.front_html in review_page(anonymous).content.decode()
    assert "Nothing due now" in review_page(client).content.decode()


def test_drafts_give_no_cards_to_readers_but_staff_review_them():
    add_cards(make_draft("Unfinished"), prefix="Draft")
    add_cards(make_note("Finished"), prefix="Published")
    reader_cards = cards_in_scope(Scope(), None)
    assert [card.front_html.split()[0] for card in reader_cards] == ["Published"]
    staff = make_user(staff=True)
    assert cards_in_scope(Scope(), staff).count() == 2


def test_a_draft_is_no_scope_for_readers(client):
    make_draft("Unfinished")
    response = client.get(reverse("notes:review"), {"note": "unfinished"})
    assert response.status_code == 404


def test_scopes_choose_a_tag_a_category_a_topic_with_its_subtopics_or_a_note():
    parent_category = make_category("Python")
    child_category = make_category("Concurrency", parent=parent_category)
    gil_note = make_note("GIL note", tags=["并发"], category=child_category)
    other = make_note("Other note")
    add_cards(gil_note)
    add_cards(other)
    concurrency = make_topic("Concurrency")
    gil = make_topic("GIL", parent=concurrency, summary="The global interpreter lock.")
    Mention.objects.filter(note=gil_note).delete()
    Mention.objects.create(note=gil_note, topic=gil, count=1)

    def titles(**params):
        scope = Scope.from_params(params)
        found = cards_in_scope(scope, None).select_related("note", "topic")
        return sorted(card.note.title if card.note else f"topic {card.topic.name}"
                      for card in found)  # fmt: skip

    assert titles(tag="并发") == ["GIL note"]
    assert titles(category=parent_category.slug) == ["GIL note"]
    assert titles(topic=concurrency.slug) == ["GIL note", "topic GIL"]
    assert titles(note=other.slug) == ["Other note"]
    assert titles(scope=f"topic:{gil.slug}") == ["GIL note", "topic GIL"]
    assert len(titles()) == 3
    with pytest.raises(Scope.Unknown):
        Scope.from_params({"tag": "no-such-tag"})
    with pytest.raises(Scope.Unknown):
        Scope.from_params({"scope": "shelf:x"})


def test_a_topic_card_asks_what_the_topic_is_in_the_readers_language(client):
    make_topic("Garbage collection", name_zh="垃圾回收", summary="Freeing memory.",
               summary_zh="回收内存。")  # fmt: skip
    assert Card.objects.filter(kind=Card.Kind.TOPIC).count() == 1
    english = review_page(client).content.decode()
    assert "What is Garbage collection?" in english
    chinese = client.get(reverse("notes:review"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "垃圾回收" in chinese.content.decode()
    assert "回收内存。" in chinese.content.decode()


def test_an_unknown_scope_gets_a_sentence_and_404(client):
    response = client.get(reverse("notes:review"), {"tag": "nothing-here"})
    assert response.status_code == 404


def test_a_made_up_rating_or_card_changes_nothing(client):
    (card,) = add_cards(make_note("GIL"))
    for form in ({"card": card.pk, "rating": 9}, {"card": "x", "rating": 3},
                 {"card": card.pk + 99, "rating": 3}):  # fmt: skip
        response = client.post(reverse("notes:review"), form)
        assert response.status_code == 303
    assert "review" not in client.session or not client.session["review"]["cards"]


def test_a_rating_outside_the_chosen_scope_is_refused(client):
    (inside,) = add_cards(make_note("Inside"))
    (outside,) = add_cards(make_draft("Hidden draft"))
    rate(client, outside, 3)
    assert not client.session.get("review", {}).get("cards")
    rate(client, inside, 3, note="inside")
    assert list(client.session["review"]["cards"]) == [str(inside.pk)]


def test_the_page_works_without_javascript_as_a_details_and_a_form(client):
    add_cards(make_note("GIL"))
    html = review_page(client).content.decode()
    assert '<details class="review-answer"' in html
    assert 'method="post"' in html
    assert html.count('name="rating"') == 4
    assert "Answer 0" in html  # inside the closed <details>, shown by the browser


def test_the_summary_counts_reviews_today_and_draws_thirty_days(client):
    cards = add_cards(make_note("GIL"), 3)
    for card in cards:
        rate(client, card, 3)
    html = review_page(client).content.decode()
    assert re.search(r"<dt>Reviewed today</dt><dd>3</dd>", html)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert svg.count("<rect") >= 30


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_review_page_query_count_does_not_grow_with_the_cards(client, signed_in):
    if signed_in:
        client.force_login(make_user())
    note = make_note("GIL")
    first, _second = add_cards(note, 2)
    rate(client, first, 3)  # the session and the first progress exist from here on
    with CaptureQueriesContext(connection) as few:
        review_page(client)
    add_cards(make_note("More"), 60, prefix="More")
    for card in Card.objects.all()[:10]:
        rate(client, card, 3)
    with CaptureQueriesContext(connection) as many:
        review_page(client)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_anki_download_holds_the_chosen_cards():
    note = make_note("全局解释器锁 GIL")
    Card.objects.create(note=note, kind=Card.Kind.QUESTION, key="q", front_html="为什么需要 GIL？",
                        back_html="<p>保护引用计数。</p>")  # fmt: skip
    add_cards(make_draft("Draft"), prefix="Draft")
    response = Client().get(reverse("notes:review-anki"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    deck = io.BytesIO(b"".join(response.streaming_content))
    with zipfile.ZipFile(deck) as archive:
        data = archive.read("collection.anki2")
    with tempfile.NamedTemporaryFile(suffix=".anki2") as copy:
        copy.write(data)
        copy.flush()
        rows = sqlite3.connect(copy.name).execute("SELECT flds FROM notes").fetchall()
    fields = [row[0] for row in rows]
    assert len(fields) == 1
    assert "为什么需要 GIL？" in fields[0]
    assert "保护引用计数。" in fields[0]
    assert "http://testserver/notes/" in fields[0]


def test_intervals_read_as_a_person_would_say_them():
    assert interval_label(datetime.timedelta(seconds=20)) == "1 min"
    assert interval_label(datetime.timedelta(minutes=10)) == "10 min"
    assert interval_label(datetime.timedelta(hours=5)) == "5 hours"
    assert interval_label(datetime.timedelta(days=1)) == "1 day"
    assert interval_label(datetime.timedelta(days=11)) == "11 days"
    assert interval_label(datetime.timedelta(days=95)) == "3 months"
    assert interval_label(datetime.timedelta(days=800)) == "2.2 years"


def test_note_and_topic_pages_link_to_their_review_only_when_they_have_cards(client):
    gil = make_topic("GIL")
    with_cards = make_note("With cards", body="Q: Why a GIL?\nA: Reference counts.")
    without = make_note("Without cards", body="Just prose about the GIL.")
    assert Card.objects.filter(note=with_cards).count() == 1
    page = client.get(with_cards.get_absolute_url()).content.decode()
    assert f'href="/review/?note={with_cards.slug}"' in page
    assert "Review this note (1 card)" in page
    assert "/review/?note=" not in client.get(without.get_absolute_url()).content.decode()
    # The GIL is mentioned in the note with a card: its page offers a review.
    assert f"/review/?topic={gil.slug}" in client.get(gil.get_absolute_url()).content.decode()
    lonely = make_topic("Lonely")
    assert "/review/?topic=" not in client.get(lonely.get_absolute_url()).content.decode()


def test_a_session_keeps_a_bounded_log_of_the_last_thirty_days(monkeypatch):
    from notes.reviewing import progress as progress_module

    monkeypatch.setattr(progress_module, "SESSION_LOG_LIMIT", 5)
    (card,) = add_cards(make_note("GIL"))
    session = {}
    now = timezone.now()
    SessionProgress(session).record(card, 3, now - datetime.timedelta(days=40))
    for minutes in range(8):
        SessionProgress(session).record(card, 3, now + datetime.timedelta(minutes=minutes))
    log = session["review"]["log"]
    assert len(log) == 5
    assert all(datetime.datetime.fromisoformat(entry[2]) >= now for entry in log)


def test_new_cards_come_in_the_order_written_and_topics_last(client):
    make_topic("Garbage collection", summary="Freeing memory.")
    first_note, second_note = make_note("First"), make_note("Second")
    (later,) = add_cards(second_note, prefix="Later")
    earlier, after = add_cards(first_note, 2, prefix="Earlier")
    shown = []
    for _ in range(4):
        html = review_page(client).content.decode()
        card = Card.objects.get(pk=re.search(r'name="card" value="(\d+)"', html).group(1))
        shown.append(card)
        rate(client, card, 4)
    assert shown[:3] == [earlier, after, later]
    assert shown[3].kind == Card.Kind.TOPIC


def test_a_visitor_who_signs_up_keeps_what_they_reviewed(client):
    (card,) = add_cards(make_note("GIL"))
    rate(client, card, 3)
    response = client.post(
        reverse("signup"),
        {"username": "newcomer", "password1": "a-long-test-password",
         "password2": "a-long-test-password"},
    )  # fmt: skip
    assert response.status_code == 302
    progress = CardProgress.objects.get(user__username="newcomer")
    assert progress.card == card
    assert not progress.user.is_staff
