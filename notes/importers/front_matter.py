"""Jekyll-style YAML front matter: splitting it off, reading its values."""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from typing import Any

import yaml
from django.utils import timezone
from yaml.nodes import Node

from .parsed import NoteFileError
from .text_lines import drop_one_line_break, lines_of

FRONT_MATTER_FIELDS = {
    "title", "slug", "date", "updated", "categories", "category", "tags", "status",
    "published", "excerpt", "source", "format", "language", "link_every_section",
}  # fmt: skip

_SPACE_BEFORE_OFFSET = re.compile(r"\s+(?=[+-]\d{2}:?\d{2}$)")
_DATE_WITH_OFFSET = re.compile(r"^(\d{4}-\d{2}-\d{2})([+-]\d{2}:?\d{2})$")


class _QuotedName(str):
    """A YAML string written in quotes; as a tag or category it is kept whole."""


class _FrontMatterLoader(yaml.SafeLoader):
    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        # Aliases let a few hundred bytes expand into gigabytes once the data is
        # copied into JSON; notes have no use for them.
        if self.check_event(yaml.AliasEvent):
            raise NoteFileError("the front matter uses YAML aliases (*name), not supported")
        return super().compose_node(parent, index)


def _construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    return _QuotedName(value) if node.style in {"'", '"'} else value


class _UnreadableDate(str):
    """A YAML date that is no date (``2014-13-01``): kept as the text written until a
    date field needs it, so that the error can name its key."""


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return _UnreadableDate(loader.construct_scalar(node))


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


try:
    from yaml import CSafeLoader as _SafeLoaderBase
except ImportError:  # PyYAML built without libyaml: the same loader, in Python
    # The ignore: the stubs have CSafeLoader and SafeLoader as unrelated classes.
    from yaml import SafeLoader as _SafeLoaderBase  # type: ignore[assignment]


class _FastFrontMatterLoader(_SafeLoaderBase):
    """libyaml, ten times faster, for front matter that cannot hold an alias."""


_FastFrontMatterLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_FastFrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _load_front_matter(raw: str) -> Any:
    # Aliases are refused by _FrontMatterLoader; without "*" there can be none.
    loader = _FrontMatterLoader if "*" in raw else _FastFrontMatterLoader
    try:
        # Both are SafeLoaders: they build plain data, never objects.
        return yaml.load(raw, Loader=loader)  # noqa: S506
    except RecursionError as error:
        raise NoteFileError(_TOO_DEEP) from error


_TOO_DEEP = "the front matter is nested too deeply (lists or maps inside each other)"


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str]:
    """Split ``---`` YAML front matter from the body; ``None`` when there is none.

    The body is returned exactly as written below the closing ``---``, except for
    one empty line right after it and the file's final line break, which are the
    file's layout rather than part of the note (export_notes writes both).
    """
    lines = lines_of(text)
    if not lines or lines[0].rstrip() != "---":
        return None, text
    for index, line in enumerate(lines[1:], start=1):
        # At the start of the line only: an indented `---` belongs to a YAML block.
        if line.rstrip() in {"---", "..."}:
            raw = "".join(lines[1:index])
            try:
                data = _load_front_matter(raw) if raw.strip() else {}
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                where = f" (line {mark.line + 2})" if mark else ""
                problem = getattr(error, "problem", None) or str(error)
                raise NoteFileError(f"malformed YAML front matter{where}: {problem}") from error
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise NoteFileError("the front matter is not a set of `key: value` lines")
            body = drop_one_line_break("".join(lines[index + 1 :]), at_start=True)
            return data, drop_one_line_break(body, at_start=False)
    raise NoteFileError("the front matter starts with --- but never ends")


def as_name_list(value: Any, *, split_items: bool = True) -> list[str]:
    """Tag or category names from a YAML list or a space-separated string.

    ``tags: Python web`` is two tags, as in Jekyll. Learners also write list items
    such as ``- Python mechine_learning`` meaning two tags, so items are split too
    unless ``split_items`` is off; a quoted item (``- "machine learning"``) is
    always kept whole, which is how export_notes writes names with spaces.
    """
    if value is None:
        return []
    is_list = isinstance(value, list | tuple)
    names: list[str] = []
    for item in value if is_list else [value]:
        if item is None:
            continue
        keep_whole = isinstance(item, _QuotedName) or (is_list and not split_items)
        for name in [str(item).strip()] if keep_whole else str(item).split():
            if name and name not in names:
                names.append(name)
    return names


def as_datetime(value: Any, key: str = "date") -> dt.datetime | None:
    """A front-matter date as an aware datetime; naive ones are in TIME_ZONE.

    ``key`` names the field in the error when the value is no date that can be stored.
    """
    if value is None or value == "":
        return None
    if isinstance(value, _UnreadableDate):
        raise NoteFileError(f"{key}: {str(value)!r} is not a real date (check the month and day)")
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        # Jekyll writes `2014-11-06 10:00:00 +0800`, with a space before the offset.
        text = _SPACE_BEFORE_OFFSET.sub("", str(value).strip())
        # A date with an offset and no time: fromisoformat would read the offset as the
        # time (`2014-11-06-1200` as noon), so midnight is made explicit.
        text = _DATE_WITH_OFFSET.sub(r"\1T00:00:00\2", text)
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError as error:
            raise NoteFileError(f"{key}: {value!r} is not a date") from error
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # Stored in UTC and shown in any time zone: a moment within a day of the
        # calendar's ends would overflow once moved.
        utc = moment.astimezone(dt.UTC)
        utc - dt.timedelta(days=1), utc + dt.timedelta(days=1)  # noqa: B018
    except (OverflowError, ValueError) as error:
        raise NoteFileError(
            f"{key}: {str(value)!r} is outside the dates that can be stored (years 1 to 9999)"
        ) from error
    return moment


def jsonable(value: Any, key: str = "") -> Any:
    """A front-matter value as JSON can hold it, for the keys kept as they are."""
    try:
        return _jsonable(value, key)
    except RecursionError as error:
        raise NoteFileError(_TOO_DEEP) from error


def _jsonable(value: Any, key: str) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise NoteFileError(
            f"{key}: {value} is not a number that can be stored; quote it to keep it as text"
        )
    if isinstance(value, str):
        return str(value)  # a _QuotedName becomes a plain str
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        # YAML's !!binary: kept as the base64 text the file holds.
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(name): _jsonable(item, str(name)) for name, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item, key) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)
