"""Every admin URL of the notes app, for every kind of user: who may do what.

The matrix is checked for completeness against the admin's own URL patterns, so a
view added later without a row here (and so, likely, without a permission check)
fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from notes.models import Category, Note, NoteLink, Tag, Topic, TopicRelation
from tests.factories import make_category, make_note, make_topic, make_user

pytestmark = pytest.mark.django_db

# "reader": an account made by signing up on the site, never staff.
ROLES = ["anonymous", "reader", "nobody", "editor", "full"]
NOTES_MODELS = [Category, Note, NoteLink, Tag, Topic, TopicRelation]


@dataclass(frozen=True)
class Row:
    """One admin URL and the status each role gets (anonymous visitors and readers are
    always sent to the admin's login)."""

    url_name: str
    nobody: int
    editor: int
    full: int
    method: str = "get"


def model_rows(model, *, editable: bool = True) -> list[Row]:
    name = f"admin:notes_{model._meta.model_name}"
    can_add = 200 if editable else 403
    return [
        Row(f"{name}_changelist", 403, 200, 200),
        Row(f"{name}_add", 403, 403, can_add),
        Row(f"{name}_change", 403, 200, 200),  # view-only users get the read-only form
        Row(f"{name}_delete", 403, 403, 200),
        Row(f"{name}_history", 403, 200, 200),
    ]


MATRIX = [
    *model_rows(Category),
    *model_rows(Tag),
    *model_rows(Topic),
    *model_rows(NoteLink, editable=False),
    *model_rows(Note),
    Row("admin:notes_topic_simple_history", 403, 403, 200),  # a topic's revert form
    Row("admin:notes_note_simple_history", 403, 403, 200),  # the revert form
    Row("admin:notes_note_simple_history:deleted", 403, 403, 200),  # recovering a note
    Row("admin:notes_note_simple_history:post", 403, 403, 302, method="post"),
    Row("admin:notes_note_compare", 403, 200, 200),
    # A deleted note's history and versions hold its text: for those who may restore it.
    Row("admin:notes_note_history:gone", 403, 403, 200),
    Row("admin:notes_note_compare:gone", 403, 403, 200),
    Row("admin:notes_note_deleted", 403, 403, 200),
    Row("admin:notes_note_import", 403, 403, 200),
    Row("admin:notes_note_preview", 403, 403, 200, method="post"),
    Row("admin:notes_note_changelist:publish", 403, 200, 302, method="post"),
    Row("admin:notes_note_changelist:unpublish", 403, 200, 302, method="post"),
    # Cutting web page chrome off a note is a change: view-only staff may not even look.
    Row("admin:notes_note_trim_chrome", 403, 403, 200),
    Row("admin:notes_note_trim_chrome:post", 403, 403, 302, method="post"),
]


@pytest.fixture
def world():
    """One object of each kind, a note with two versions and a deleted note."""
    category = make_category("Concurrency")
    topic = make_topic("GIL", aliases=["全局解释器锁"])
    topic.summary = "One thread at a time."
    topic.save()
    note = make_note("Threads", body="The GIL and [[Nowhere]].", status=Note.Status.DRAFT,
                     category=category, tags=["并发"])  # fmt: skip
    note.body = "The GIL, again, and [[Nowhere]]."
    note.save()
    gone = make_note("Gone", body="deleted text")
    gone_id = gone.pk
    gone.delete()
    return {
        "category": category,
        "tag": Tag.objects.get(name="并发"),
        "topic": topic,
        "note": note,
        "notelink": NoteLink.objects.get(source=note),
        "versions": list(
            note.history.order_by("history_date").values_list("history_id", flat=True)
        ),
        "topic_versions": list(
            topic.history.order_by("history_date").values_list("history_id", flat=True)
        ),
        "gone_id": gone_id,
        "gone_version": Note.history.filter(id=gone_id, history_type="+").get().history_id,
        "gone_versions": list(
            Note.history.filter(id=gone_id)
            .order_by("history_date")
            .values_list("history_id", flat=True)
        ),
    }


def user_for(role: str):
    if role == "anonymous":
        return None
    if role == "reader":
        return make_user(username=role)
    user = make_user(username=role, staff=True)
    if role == "editor":
        codenames = [f"view_{model._meta.model_name}" for model in NOTES_MODELS]
    elif role == "full":
        codenames = [
            f"{action}_{model._meta.model_name}"
            for model in NOTES_MODELS
            for action in ("view", "add", "change", "delete")
        ]
    else:
        codenames = []
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="notes",
                                                        codename__in=codenames))  # fmt: skip
    return user


def request_for(row: Row, world: dict) -> tuple[str, dict]:
    """The URL and POST data a row stands for."""
    base, _, variant = row.url_name.partition(":notes_")
    name = f"{base}:notes_{variant.split(':')[0]}"
    kind = variant.split(":")[1] if variant.count(":") else ""
    model_name, _, view = name.removeprefix("admin:notes_").partition("_")
    note = world["note"]
    data: dict = {}
    if view == "history" and kind == "gone":
        args = [world["gone_id"]]
    elif view in {"change", "delete", "history", "trim_chrome"}:
        args = [world[model_name].pk]
    elif view == "simple_history":
        if kind == "deleted":
            args = [world["gone_id"], world["gone_version"]]
        elif model_name == "topic":
            args = [world["topic"].pk, world["topic_versions"][0]]
        else:
            args = [note.pk, world["versions"][0]]
            if kind == "post":
                data = revert_form(note)
    elif view == "compare":
        if kind == "gone":
            old, new = world["gone_versions"]
            return f"{reverse(name, args=[world['gone_id']])}?old={old}&new={new}", data
        old, new = world["versions"]
        return f"{reverse(name, args=[note.pk])}?old={old}&new={new}", data
    else:
        args = []
    if view == "preview":
        data = {"body": "# Hello"}
    if view == "changelist" and kind:
        data = {"action": kind, "_selected_action": [note.pk], "index": 0}
    return reverse(name, args=args), data


def revert_form(note: Note) -> dict:
    return {
        "title": note.title,
        "slug": note.slug,
        "status": Note.Status.PUBLISHED,
        "category": "",
        "tags": "并发",
        "body": "rewritten by whoever reverted",
        "excerpt": "",
        "created_0": note.created.strftime("%Y-%m-%d"),
        "created_1": note.created.strftime("%H:%M:%S"),
        "front_matter": "{}",
        "format": "markdown",
        "seen_version": str(note.version),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.url_name.removeprefix("admin:"))
def test_admin_url_answers_each_role_as_its_permissions_allow(client, world, role, row):
    user = user_for(role)
    if user is not None:
        client.force_login(user)
    url, data = request_for(row, world)
    response = getattr(client, row.method)(url, data)
    if role in {"anonymous", "reader"}:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        return
    assert response.status_code == getattr(row, role), url


@pytest.mark.parametrize("role", ["reader", "nobody", "editor"])
def test_users_without_change_permission_leave_notes_as_they_were(client, world, role):
    client.force_login(user_for(role))
    note = world["note"]
    for row in MATRIX:
        if row.method == "post":
            url, data = request_for(row, world)
            client.post(url, data)
    note.refresh_from_db()
    assert note.status == Note.Status.DRAFT
    assert note.body == "The GIL, again, and [[Nowhere]]."
    assert not Note.objects.filter(pk=world["gone_id"]).exists()


def test_full_staff_revert_really_restores_the_version(client, world):
    client.force_login(user_for("full"))
    row = next(row for row in MATRIX if row.url_name.endswith(":post"))
    url, data = request_for(row, world)
    assert client.post(url, data).status_code == 302
    world["note"].refresh_from_db()
    assert world["note"].body == "rewritten by whoever reverted"


def test_view_only_staff_are_not_offered_actions_they_cannot_run(client, world):
    client.force_login(user_for("editor"))
    page = client.get(reverse("admin:notes_note_changelist")).content.decode()
    assert 'value="publish"' not in page
    assert 'value="unpublish"' not in page
    assert reverse("admin:notes_note_import") not in page
    assert reverse("admin:notes_note_deleted") not in page


def test_every_admin_url_of_the_notes_app_is_in_the_matrix():
    names = set()
    for pattern in admin.site.get_urls():
        for sub in getattr(pattern, "url_patterns", []):
            if sub.name and sub.name.startswith("notes_"):
                names.add(f"admin:{sub.name}")
    covered = {row.url_name.split(":notes_")[0] + ":notes_" + row.url_name.split(":notes_")[1]
               .split(":")[0] for row in MATRIX}  # fmt: skip
    assert names - covered == set(), "an admin view has no row in the permission matrix"
