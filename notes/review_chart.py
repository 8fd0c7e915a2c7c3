"""A reader's reviews per day as an SVG bar chart, for their review page.

Drawn in a fixed viewBox that CSS scales to the column's width, from a phone's to a
desktop's; colours come from classes in site.css, since the Content Security Policy
refuses style attributes. Every text is escaped here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH = 600
HEIGHT = 180
LEFT = 8
RIGHT = 8
# Room above the tallest bar for its count, and below the baseline for nothing but air.
TOP = 28
BOTTOM = 12
GAP = 0.25  # of each day's slot, between bars
EMPTY_HEIGHT = 2  # the mark of a day without reviews, on the baseline
MIN_HEIGHT = 3  # a day with one review among hundreds still shows a bar


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def reviews_chart_svg(
    counts: Sequence[int],
    *,
    first_day: date,
    title: str,
    label: Callable[[date, int], str],
    id_prefix: str = "review-chart",
) -> SafeString:
    """An SVG bar chart of ``counts``, the reviews of consecutive days from
    ``first_day`` (``counts[0]``).

    ``title`` names the chart; ``label(day, count)`` says one day's bar in words ("3
    Dec: 12 reviews"), as its tooltip and in the chart's description read by screen
    readers. Bars are as tall as their count is to the largest, which is written above
    its bar. ``id_prefix`` keeps the ids of two charts on one page apart.
    """
    if any(count < 0 for count in counts):
        raise ValueError("review counts cannot be negative")
    days = len(counts)
    largest = max(counts, default=0)
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(days, 1)
    bar_width = slot * (1 - GAP)

    labels = [label(first_day + timedelta(days=index), count) for index, count in enumerate(counts)]
    bars = []
    max_label = ""
    for index, count in enumerate(counts):
        x = LEFT + index * slot + (slot - bar_width) / 2
        if count == 0:
            height: float = EMPTY_HEIGHT
            classes = "review-chart-bar review-chart-bar-empty"
        else:
            height = max(count / largest * plot_height, MIN_HEIGHT)
            classes = "review-chart-bar"
        if count == largest and count > 0 and not max_label:
            classes += " review-chart-bar-max"
            max_label = (
                f'<text class="review-chart-label" x="{_number(x + bar_width / 2)}" '
                f'y="{_number(baseline - height - 6)}" text-anchor="middle" '
                f'aria-hidden="true">{count}</text>'
            )
        bars.append(
            f'<rect class="{classes}" x="{_number(x)}" y="{_number(baseline - height)}" '
            f'width="{_number(bar_width)}" height="{_number(height)}">'
            f"<title>{escape(labels[index])}</title></rect>"
        )

    title_id = f"{escape(id_prefix)}-title"
    desc_id = f"{escape(id_prefix)}-desc"
    return mark_safe(  # noqa: S308 -- every text and attribute above is escaped
        f'<svg class="review-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape("; ".join(labels))}</desc>'
        f'<g class="review-chart-bars">{"".join(bars)}</g>'
        f'<line class="review-chart-axis" x1="{LEFT}" y1="{baseline}" '
        f'x2="{WIDTH - RIGHT}" y2="{baseline}"/>'
        f"{max_label}</svg>"
    )
