"""Small factories: each makes one valid object, overridable by keyword."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from notes.models import Category, Note, Topic, TopicAlias

_counter = itertools.count(1)


def make_category(name: str | None = None, **fields) -> Category:
    return Category.objects.create(name=name or f"Category {next(_counter)}", **fields)


def make_note(
    title: str | None = None,
    *,
    body: str = "Some **Markdown**.",
    status: str = Note.Status.PUBLISHED,
    tags: list[str] | tuple[str, ...] = (),
    **fields,
) -> Note:
    note = Note.objects.create(
        title=title or f"Note {next(_counter)}", body=body, status=status, **fields
    )
    if tags:
        note.tags.set(list(tags))
    return note


def make_draft(title: str | None = None, **fields) -> Note:
    return make_note(title, status=Note.Status.DRAFT, **fields)


def make_user(*, staff: bool = False, superuser: bool = False, **fields):
    username = fields.pop("username", f"user{next(_counter)}")
    return get_user_model().objects.create_user(
        username=username,
        password="a-long-test-password",
        is_staff=staff or superuser,
        is_superuser=superuser,
        **fields,
    )


def make_topic(name: str, *, aliases: tuple[str, ...] | list[str] = (), **fields) -> Topic:
    topic = Topic.objects.create(name=name, **fields)
    for alias in aliases:
        TopicAlias.objects.create(topic=topic, name=alias)
    return topic


def new_note_form(**fields) -> dict:
    """What the admin's add-note form posts for a draft, with ``fields`` changed."""
    form = {"title": "A note", "status": "draft", "body": "kept", "created_0": "2024-05-01",
            "created_1": "10:00:00", "front_matter": "{}", "format": "markdown"}  # fmt: skip
    return {**form, **fields}
