"""The 30-day review chart: accessible, scalable SVG without inline style."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from notes.review_chart import reviews_chart_svg

SVG = "{http://www.w3.org/2000/svg}"
FIRST_DAY = dt.date(2026, 11, 4)


def say(day: dt.date, count: int) -> str:
    return f"{day.day} {day:%b}: {count} reviews"


def chart(counts, title="Reviews in the last 30 days"):
    return reviews_chart_svg(counts, first_day=FIRST_DAY, title=title, label=say)


def bars(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(f".//{SVG}rect")


def test_chart_has_one_bar_per_day_labelled_by_its_date_and_count():
    counts = [0] * 29 + [12]
    rects = bars(chart(counts))
    assert len(rects) == 30
    assert rects[0].find(f"{SVG}title").text == "4 Nov: 0 reviews"
    assert rects[-1].find(f"{SVG}title").text == "3 Dec: 12 reviews"


def test_chart_is_an_image_named_by_its_title_and_description():
    root = ET.fromstring(chart([1] * 30))
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 600 180"
    ids = root.get("aria-labelledby").split()
    named = {element.get("id"): element for element in root.iter() if element.get("id")}
    assert named[ids[0]].tag == f"{SVG}title"
    assert named[ids[0]].text == "Reviews in the last 30 days"
    assert named[ids[1]].tag == f"{SVG}desc"
    assert "3 Dec: 1 reviews" in named[ids[1]].text


def test_bars_are_as_tall_as_their_count_is_to_the_largest():
    counts = [0] * 30
    counts[3], counts[10] = 5, 20
    rects = bars(chart(counts))
    assert float(rects[10].get("height")) == pytest.approx(4 * float(rects[3].get("height")))
    assert float(rects[10].get("y")) < float(rects[3].get("y"))


def test_largest_count_is_written_above_its_bar_once():
    counts = [3] * 30
    counts[7] = counts[20] = 41
    root = ET.fromstring(chart(counts))
    texts = root.findall(f".//{SVG}text")
    assert [text.text for text in texts] == ["41"]
    biggest = [rect for rect in bars(chart(counts)) if "review-chart-bar-max" in rect.get("class")]
    assert len(biggest) == 1
    middle = float(biggest[0].get("x")) + float(biggest[0].get("width")) / 2
    assert float(texts[0].get("x")) == pytest.approx(middle, abs=0.01)


def test_days_without_reviews_show_a_thin_mark_on_the_baseline():
    counts = [0] * 30
    counts[0] = 8
    rects = bars(chart(counts))
    empty = [rect for rect in rects if "review-chart-bar-empty" in rect.get("class")]
    assert len(empty) == 29
    assert {float(rect.get("height")) for rect in empty} == {2}
    assert float(rects[0].get("height")) > 2


def test_a_month_without_reviews_renders_flat_without_a_number():
    root = ET.fromstring(chart([0] * 30))
    assert len(root.findall(f".//{SVG}rect")) == 30
    assert root.findall(f".//{SVG}text") == []
    assert root.find(f".//{SVG}line").get("class") == "review-chart-axis"


def test_title_and_labels_are_escaped():
    svg = reviews_chart_svg(
        [1] * 30,
        first_day=FIRST_DAY,
        title='<script>alert("x")</script> & 复习',
        label=lambda day, count: f"<b>{day}</b> & {count}",
    )
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script> & 复习'
    assert "<script>" not in svg
    assert "<b>" not in svg


def test_chart_has_no_style_attribute_and_colours_come_from_classes():
    svg = chart(list(range(30)))
    assert not re.search(r"\sstyle\s*=", svg)
    assert "<style" not in svg
    root = ET.fromstring(svg)
    assert "review-chart" in root.get("class").split()
    assert all("review-chart-bar" in rect.get("class").split() for rect in bars(svg))


def ids(svg: str) -> set[str]:
    return {element.get("id") for element in ET.fromstring(svg).iter() if element.get("id")}


def test_two_charts_on_one_page_have_different_ids():
    first = reviews_chart_svg([1] * 30, first_day=FIRST_DAY, title="a", label=say)
    second = reviews_chart_svg(
        [1] * 30, first_day=FIRST_DAY, title="b", label=say, id_prefix="week"
    )
    assert ids(first).isdisjoint(ids(second))


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        chart([1] * 29 + [-1])
