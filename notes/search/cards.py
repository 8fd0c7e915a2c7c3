"""The cards of the topics a query names, shown above the results."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Topic, TopicAlias, ancestors_of


def topic_cards(keys: Sequence[int], count_field: str) -> list[Topic]:
    """The topics ``keys`` in that order, for the cards above the results: each with
    ``alias_names`` (every name it goes by but the one shown), ``path`` (from the root
    down to its parent) and ``num_notes``, the stored count ``count_field`` (published
    notes only, for readers).

    Two queries whatever the number of topics: the tree is read once (topics are a
    few hundred at most), then the aliases of these topics.
    """
    if not keys:
        return []
    fields = ("pk", "parent_id", "name", "name_zh", "slug", "summary_html", "summary_zh_html",
              count_field)  # fmt: skip
    tree = {topic.pk: topic for topic in Topic.objects.only(*fields)}
    aliases: dict[int, list[str]] = {}
    named = TopicAlias.objects.filter(topic_id__in=keys).order_by("name")
    for topic_id, name in named.values_list("topic_id", "name"):
        aliases.setdefault(topic_id, []).append(name)
    cards = []
    for key in keys:
        topic = tree.get(key)
        if topic is None:
            continue
        topic.path = ancestors_of(topic, tree)
        # Every other name it goes by: its English name too when the card shows the
        # Chinese one.
        shown = topic.display_name.casefold()
        others = [topic.name, *([topic.name_zh] if topic.name_zh else []), *aliases.get(key, [])]
        topic.alias_names = list(dict.fromkeys(name for name in others if name.casefold() != shown))
        topic.num_notes = getattr(topic, count_field)
        cards.append(topic)
    return cards
