"""Where a reader stands with their cards, and each rating, scheduled by ``fsrs``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import fsrs
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import Card, CardProgress, ReviewLog

# Without fuzzing, the interval a rating button shows is the interval the rating gives.
SCHEDULER = fsrs.Scheduler(enable_fuzzing=False)
SESSION_KEY = "review"
# Days of ratings a session keeps for its summary and chart.
SESSION_LOG_DAYS = 30
# And at most this many of them, so that a session row stays small whatever a visitor does.
SESSION_LOG_LIMIT = 3000
CHART_DAYS = 30


def today_start(now: datetime.datetime) -> datetime.datetime:
    """Midnight of the site's day (TIME_ZONE) that ``now`` falls in."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class Standing:
    """What the review page says: the card to show and the day's figures."""

    card: Card | None
    state: fsrs.Card
    due_now: int
    new_left: int
    reviewed_today: int
    next_due: datetime.datetime | None
    chart: list[int]
    first_day: datetime.date


def _new_card_limit() -> int:
    return settings.REVIEW_NEW_CARDS_PER_DAY


def state_from(data: Mapping[str, Any] | None) -> fsrs.Card:
    if not data:
        return fsrs.Card()
    # The stored dict is the library's own, less the card id the row stands for.
    stored: Any = {**data, "card_id": 0}
    return fsrs.Card.from_dict(stored)


def stored_state(card: fsrs.Card) -> dict[str, Any]:
    data = dict(card.to_dict())
    data.pop("card_id", None)
    return data


class DatabaseProgress:
    """A signed-in reader's progress, in CardProgress and ReviewLog."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def standing(self, cards: QuerySet[Card], now: datetime.datetime) -> Standing:
        mine = CardProgress.objects.filter(user=self.user)
        due = cards.filter(progress__user=self.user, progress__due__lte=now)
        due_count = due.count()
        start = today_start(now)
        logs = ReviewLog.objects.filter(user=self.user, reviewed__gte=start)
        today = logs.aggregate(all=Count("pk"), new=Count("pk", filter=Q(first=True)))
        new_left = max(0, _new_card_limit() - today["new"])
        new_cards = cards.exclude(pk__in=mine.values("card"))
        new_count = _count_up_to(new_cards, new_left)
        card = due.order_by("progress__due", "pk").first()
        state = fsrs.Card()
        if card is not None:
            progress = mine.get(card=card)
            state = state_from(progress.state)
        elif new_count:
            card = _first(new_cards)
        next_due = None
        if card is None:
            upcoming = mine.filter(card__in=cards.values("pk")).order_by("due").first()
            next_due = upcoming.due if upcoming else None
        chart, first_day = self._chart(now)
        return Standing(
            card, state, due_count + new_count, new_count, today["all"], next_due,
            chart, first_day,
        )  # fmt: skip

    def _chart(self, now: datetime.datetime) -> tuple[list[int], datetime.date]:
        first_day = today_start(now).date() - datetime.timedelta(days=CHART_DAYS - 1)
        start = today_start(now) - datetime.timedelta(days=CHART_DAYS - 1)
        rows = (
            ReviewLog.objects.filter(user=self.user, reviewed__gte=start)
            .annotate(day=TruncDate("reviewed", tzinfo=timezone.get_current_timezone()))
            .values("day")
            .annotate(n=Count("pk"))
        )
        return _days(((row["day"], row["n"]) for row in rows), first_day), first_day

    def state_of(self, card: Card) -> fsrs.Card:
        progress = CardProgress.objects.filter(user=self.user, card=card).first()
        return state_from(progress.state if progress else None)

    @transaction.atomic
    def record(self, card: Card, rating: int, now: datetime.datetime) -> fsrs.Card:
        progress = (
            CardProgress.objects.select_for_update().filter(user=self.user, card=card).first()
        )
        before = state_from(progress.state if progress else None)
        after, _log = SCHEDULER.review_card(before, fsrs.Rating(rating), now)
        CardProgress.objects.update_or_create(
            user=self.user,
            card=card,
            defaults={"state": stored_state(after), "due": after.due, "last_review": now},
        )
        ReviewLog.objects.create(
            user=self.user, card=card, rating=rating, reviewed=now, first=progress is None
        )
        return after


class SessionProgress:
    """A visitor's progress, kept in their session until they sign in."""

    def __init__(self, session: Any) -> None:
        self.session = session
        data = session.get(SESSION_KEY) or {}
        self.cards: dict[str, dict[str, Any]] = dict(data.get("cards", {}))
        # [card id, rating, ISO time, first review]
        self.log: list[list[Any]] = list(data.get("log", []))

    def _save(self) -> None:
        self.session[SESSION_KEY] = {"cards": self.cards, "log": self.log}

    def standing(self, cards: QuerySet[Card], now: datetime.datetime) -> Standing:
        due_ids = [
            int(pk)
            for pk, data in self.cards.items()
            if datetime.datetime.fromisoformat(data["due"]) <= now
        ]
        due = cards.filter(pk__in=due_ids)
        due_count = due.count() if due_ids else 0
        start = today_start(now)
        today = [entry for entry in self.log if datetime.datetime.fromisoformat(entry[2]) >= start]
        new_left = max(0, _new_card_limit() - sum(1 for entry in today if entry[3]))
        new_cards = cards.exclude(pk__in=[int(pk) for pk in self.cards])
        new_count = _count_up_to(new_cards, new_left)
        card = None
        if due_ids:
            by_due = {int(pk): self.cards[str(pk)]["due"] for pk in due_ids}
            candidates = list(due.values_list("pk", flat=True)[:1000])
            if candidates:
                first = min(candidates, key=lambda pk: (by_due[pk], pk))
                card = cards.filter(pk=first).first()
        state = state_from(self.cards.get(str(card.pk))) if card is not None else fsrs.Card()
        if card is None and new_count:
            card = _first(new_cards)
        next_due = None
        if card is None and self.cards:
            in_scope = set(cards.filter(pk__in=[int(pk) for pk in self.cards]).values_list(
                "pk", flat=True
            ))  # fmt: skip
            dues = [datetime.datetime.fromisoformat(self.cards[str(pk)]["due"]) for pk in in_scope]
            next_due = min(dues) if dues else None
        first_day = start.date() - datetime.timedelta(days=CHART_DAYS - 1)
        days = (
            (timezone.localtime(datetime.datetime.fromisoformat(entry[2])).date(), 1)
            for entry in self.log
        )
        return Standing(
            card, state, due_count + new_count, new_count, len(today), next_due,
            _days(days, first_day), first_day,
        )  # fmt: skip

    def state_of(self, card: Card) -> fsrs.Card:
        return state_from(self.cards.get(str(card.pk)))

    def record(self, card: Card, rating: int, now: datetime.datetime) -> fsrs.Card:
        before = self.cards.get(str(card.pk))
        after, _log = SCHEDULER.review_card(state_from(before), fsrs.Rating(rating), now)
        self.cards[str(card.pk)] = stored_state(after)
        self.log.append([card.pk, rating, now.isoformat(), before is None])
        oldest = now - datetime.timedelta(days=SESSION_LOG_DAYS)
        self.log = [e for e in self.log if datetime.datetime.fromisoformat(e[2]) >= oldest][
            -SESSION_LOG_LIMIT:
        ]
        self._save()
        return after


def _count_up_to(cards: QuerySet[Card], limit: int) -> int:
    """How many of ``cards`` there are, counting no further than ``limit``: the page says
    how many new cards today brings, so it need not count every card there is."""
    return cards.order_by()[:limit].count() if limit else 0


def _first(cards: QuerySet[Card]) -> Card | None:
    """The first of ``cards`` in study order: notes' cards in the order written, then
    topics' cards. Asked in two steps, each of which an index answers in order, rather
    than one ordering of every card with the topics' (null) notes put last."""
    in_notes = cards.filter(note__isnull=False).order_by("note_id", "position", "pk").first()
    return in_notes or cards.filter(topic__isnull=False).order_by("pk").first()


def _days(counts: Iterable[tuple[datetime.date, int]], first_day: datetime.date) -> list[int]:
    chart = [0] * CHART_DAYS
    for day, n in counts:
        index = (day - first_day).days
        if 0 <= index < CHART_DAYS:
            chart[index] += n
    return chart


def progress_for(request: Any) -> DatabaseProgress | SessionProgress:
    user = request.user
    if user.is_authenticated:
        return DatabaseProgress(user)
    return SessionProgress(request.session)


@transaction.atomic
def carry_session_progress(session: Any, user: Any) -> int:
    """Move a visitor's session progress into the account they signed in to; where both
    know a card, the later review wins. Returns how many cards moved."""
    visitor = SessionProgress(session)
    if not visitor.cards and not visitor.log:
        return 0
    ids = [int(pk) for pk in visitor.cards]
    existing_cards = set(Card.objects.filter(pk__in=ids).values_list("pk", flat=True))
    stored = {p.card_id: p for p in CardProgress.objects.filter(user=user, card__in=ids)}
    create, update = [], []
    for pk in existing_cards:
        data = visitor.cards[str(pk)]
        due = datetime.datetime.fromisoformat(data["due"])
        last = datetime.datetime.fromisoformat(data["last_review"])
        progress = stored.get(pk)
        if progress is None:
            create.append(
                CardProgress(user=user, card_id=pk, state=data, due=due, last_review=last)
            )
        elif progress.last_review < last:
            progress.state, progress.due, progress.last_review = data, due, last
            update.append(progress)
    CardProgress.objects.bulk_create(create)
    CardProgress.objects.bulk_update(update, ["state", "due", "last_review"])
    ReviewLog.objects.bulk_create(
        ReviewLog(
            user=user,
            card_id=pk if pk in existing_cards else None,
            rating=rating,
            reviewed=datetime.datetime.fromisoformat(when),
            first=first,
        )
        for pk, rating, when, first in visitor.log
    )
    session.pop(SESSION_KEY, None)
    return len(create) + len(update)
