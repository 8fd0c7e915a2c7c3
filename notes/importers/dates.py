"""The date a note says it was written, found in its first lines. Pure.

Learners often write the day at the top of a note instead of in front matter:
``**时间**：2014年11月6日``, ``日期: 2014-11-06``, ``Written Nov 6, 2014``. These
functions find such a date and nothing else: a version (``v0.1.0``, ``3.11.4``), a
year alone (``Pycon2014``), a date inside an address (``/2014/11/06/post``) or a day
that is not on the calendar (``2014-02-30``) is no date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from .text_lines import lines_of

# How many non-blank lines below the title are read: a date further down is about
# something else (a release, a deadline), not the day the note was written.
FIRST_LINES = 5

# Dates before this are not when a note in this knowledge base was written (they are
# history: Python 0.9.0 came out in 1991), and neither is any year past 2099.
EARLIEST = dt.date(1970, 1, 1)
LATEST = dt.date(2099, 12, 31)

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month_name>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORDINAL = r"(?:st|nd|rd|th)?"

# Year first, with dashes or slashes (dots only after a label, see below): not inside
# a longer number, a version (v2014-...), a path or an address (/2014/11/06/post).
# A time may follow (2014-11-06T10:00, 2014-11-06 10:00), and so may Chinese.
_NUMERIC = re.compile(
    r"(?<![0-9A-Za-z_./\\-])(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)"
    r"(?P<day>\d{1,2})(?![0-9A-SU-Za-su-z_/\\]|[-.][0-9A-Za-z])"
)
_CHINESE = re.compile(
    r"(?<![0-9.])(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})"
    r"(?:\s*[日号])?(?![0-9])"
)
_MONTH_FIRST = re.compile(
    rf"(?<![A-Za-z]){_MONTH}\.?\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})(?![0-9])",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    rf"(?<![0-9A-Za-z.])(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}\.?,?\s+"
    rf"(?P<year>\d{{4}})(?![0-9])",
    re.IGNORECASE,
)
_SHAPES = (_NUMERIC, _CHINESE, _MONTH_FIRST, _DAY_FIRST)

# What comes just before a date on its line and says what the date is. Markdown
# emphasis and a colon may stand between (``**时间**：``, ``_Date_:``).
_DECORATION = r"[\s*_~`>#|\[\]()（）【】:,-]*"
_WRITTEN_LABEL = re.compile(
    r"(?:时间|日期|写于|写作于|撰写于|发表于|发布于|创建于|创建时间|发表时间|发布时间|记录于"
    r"|\b(?:date|dated|written(?:\s+on)?|posted(?:\s+on)?|published(?:\s+on)?"
    r"|created(?:\s+on)?))"
    rf"{_DECORATION}$",
    re.IGNORECASE,
)
# A date said to be of a later change is not the day the note was written.
_LATER_LABEL = re.compile(
    r"(?:更新|修改|编辑|修订|\b(?:updated?|modified|edited|revised|changed))[^0-9]{0,12}$",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^\s*(?:```|~~~)")
# ``Python 3 November 2014`` is a version and a month: a day written first counts only
# at the start, after punctuation or Chinese, or after a word that leads into a day.
_WORD_BEFORE = re.compile(r"([A-Za-z0-9]+)\s+$")
_LEAD_INTO_A_DAY = {
    "on", "the", "of", "date", "dated", "written", "posted", "published", "created",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun",
}  # fmt: skip


@dataclass(frozen=True)
class _Found:
    date: dt.date
    labelled: bool  # preceded by 时间, 日期, Date... on its line


def date_in_first_lines(
    title: str, body: str, *, lines: int = FIRST_LINES, not_after: dt.date | None = None
) -> dt.date | None:
    """The date a note's title or first ``lines`` non-blank lines of ``body`` say it was
    written, or None.

    A date after a label (``时间：``, ``日期:``, ``Date:``, ``Written on``) wins over
    one without; otherwise the first date found is taken. A date labelled as an update
    (``更新于``, ``Last modified``) is passed over, and so is one inside a fenced code
    block. ``not_after`` (today, say) refuses a date still to come, which is a plan or
    a deadline rather than the day of writing.
    """
    latest = min(LATEST, not_after) if not_after is not None else LATEST
    first: dt.date | None = None
    for line in _first_lines(title, body, lines):
        for found in _dates_in_line(line):
            if not EARLIEST <= found.date <= latest:
                continue
            if found.labelled:
                return found.date
            if first is None:
                first = found.date
    return first


def read_date(text: str) -> dt.date | None:
    """A date a person typed on its own (``--date``, a form field), in any of the shapes
    the first lines are read in (``2014-11-06``, ``2014/11/06``, ``2014年11月6日``,
    ``Nov 6, 2014``, ``6 November 2014``), or None when it is no real date."""
    text = _normalised(text).strip()
    for shape in _SHAPES:
        match = shape.fullmatch(text)
        if match is not None and (shape is not _NUMERIC or match["sep"] != "."):
            return _calendar_date(match)
    return None


def _first_lines(title: str, body: str, count: int) -> Iterator[str]:
    yield _normalised(title)
    fenced = False
    for line in lines_of(body):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or not line.strip():
            continue
        if count <= 0:
            return
        count -= 1
        yield _normalised(line.rstrip("\r\n"))


def _normalised(text: str) -> str:
    # Full-width digits, colons and slashes (２０１４／１１／０６) read as ASCII ones.
    return unicodedata.normalize("NFKC", text)


def _dates_in_line(line: str) -> Iterator[_Found]:
    matches = sorted(
        (match for shape in _SHAPES for match in shape.finditer(line)),
        key=lambda match: match.start(),
    )
    for match in matches:
        before = line[: match.start()]
        if _LATER_LABEL.search(before):
            continue
        labelled = _WRITTEN_LABEL.search(before) is not None
        if match.re is _DAY_FIRST and not _may_lead_into_a_day(before):
            continue
        if match.re is _NUMERIC and match["sep"] == "." and not labelled:
            # 2014.11.06 is a date after 日期:, but alone it may be a version (calver).
            continue
        date = _calendar_date(match)
        if date is not None:
            yield _Found(date, labelled)


def _may_lead_into_a_day(before: str) -> bool:
    word = _WORD_BEFORE.search(before)
    return word is None or word.group(1).lower() in _LEAD_INTO_A_DAY


def _calendar_date(match: re.Match[str]) -> dt.date | None:
    groups = match.groupdict()
    month_name = groups.get("month_name")
    month = _MONTHS[month_name[:3].lower()] if month_name else int(groups["month"])
    try:
        return dt.date(int(groups["year"]), month, int(groups["day"]))
    except ValueError:  # 2014-02-30, month 13: not on the calendar
        return None
