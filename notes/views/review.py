"""Reviewing cards, one at a time, and downloading them as an Anki deck.

Never cached: each reader sees their own progress. The page works as plain forms: the
answer opens in a <details>, and a rating is a POST that redirects back to the next card.
"""

import tempfile
from urllib.parse import urlencode

from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..anki_export import write_deck
from ..models import Category, Tag, Topic
from ..review_chart import reviews_chart_svg
from ..reviewing import (
    Scope,
    card_faces,
    cards_in_scope,
    deck_for,
    export_cards,
    next_intervals,
    progress_for,
)

# The ratings fsrs takes, as the buttons name them.
RATING_LABELS = {
    1: gettext_lazy("Again"),
    2: gettext_lazy("Hard"),
    3: gettext_lazy("Good"),
    4: gettext_lazy("Easy"),
}


def _scope_or_404(request, params) -> Scope:
    try:
        return Scope.from_params(params)
    except Scope.Unknown as unknown:
        raise Http404(str(unknown)) from None


def _review_url(scope: Scope) -> str:
    return reverse("notes:review") + _query(scope)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def review(request):
    if request.method == "POST":
        return _rate(request)
    scope = _scope_or_404(request, request.GET)
    now = timezone.now()
    standing = progress_for(request).standing(cards_in_scope(scope, request.user), now)
    buttons = []
    faces = None
    if standing.card is not None:
        faces = card_faces(standing.card)
        buttons = [
            {"rating": rating, "label": RATING_LABELS[rating], "interval": interval}
            for rating, interval in next_intervals(standing.state, now)
        ]
    # A month without reviews is no chart, only the figures.
    chart = (
        reviews_chart_svg(
            standing.chart,
            first_day=standing.first_day,
            title=gettext("Reviews in the last 30 days"),
            label=_day_label,
        )
        if any(standing.chart)
        else ""
    )
    context = {
        "scope": scope,
        "standing": standing,
        "card": standing.card,
        "faces": faces,
        "buttons": buttons,
        "chart": chart,
        "choices": _choices(),
        "anki_url": reverse("notes:review-anki") + _query(scope),
    }
    return render(request, "notes/review.html", context)


def _day_label(day, count: int) -> str:
    reviews = ngettext("%(n)d review", "%(n)d reviews", count) % {"n": count}
    return f"{date_format(day, 'MONTH_DAY_FORMAT')}: {reviews}"


def _query(scope: Scope) -> str:
    query = urlencode(scope.params)
    return f"?{query}" if query else ""


def _choices():
    """What a reader may review, for the chooser: three queries, however many cards."""
    return {
        "categories": list(Category.objects.order_by("name").values_list("slug", "name")),
        "tags": list(
            Tag.objects.filter(note_count__gt=0).order_by("name").values_list("slug", "name")
        ),  # fmt: skip
        "topics": [
            (topic.slug, topic.display_name)
            for topic in Topic.objects.only("slug", "name", "name_zh").order_by("name")
        ],
    }


def _rate(request):
    scope = _scope_or_404(request, request.POST)
    try:
        rating = int(request.POST.get("rating", ""))
        card_id = int(request.POST.get("card", ""))
    except ValueError:
        rating = card_id = 0
    card = cards_in_scope(scope, request.user).filter(pk=card_id).first() if card_id else None
    if rating not in RATING_LABELS or card is None:
        # A stale form (the card left its note) or a hand-made one: back to the next card.
        return HttpResponseRedirect(_review_url(scope), status=303)
    progress_for(request).record(card, rating, timezone.now())
    return HttpResponseRedirect(_review_url(scope), status=303)


@never_cache
@require_GET
def anki_deck(request):
    """The chosen cards as an Anki deck; re-importing it updates the same cards."""
    scope = _scope_or_404(request, request.GET)
    cards = cards_in_scope(scope, request.user).select_related("note", "topic")
    deck = deck_for(scope)
    # Anonymous, so nothing is left on disk whatever happens; FileResponse closes it.
    stream = tempfile.TemporaryFile()  # noqa: SIM115
    write_deck(
        export_cards(cards, request.build_absolute_uri("/")), stream,
        deck_name=deck.name, deck_key=deck.key, css=deck.css,
    )  # fmt: skip
    stream.seek(0)
    filename = "python-notes" + (f"-{scope.kind}-{scope.obj.slug}" if scope.kind else "")
    return FileResponse(stream, as_attachment=True, filename=f"{filename}.apkg")
