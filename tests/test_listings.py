"""The tags and categories a reader sees, with their stored counts (notes.listings)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from notes.listings import categories_with_counts, tag_cloud, tags_with_counts
from tests.factories import make_category, make_draft, make_note, make_user

pytestmark = pytest.mark.django_db


def test_the_tag_cloud_weighs_tags_from_one_to_five_in_alphabetical_order():
    for index in range(5):
        make_note(f"Often {index}", tags=["often"])
    for index in range(3):
        make_note(f"Sometimes {index}", tags=["sometimes"])
    make_note("Once", tags=["once"])
    cloud = tag_cloud(AnonymousUser())
    assert [(tag.name, tag.weight) for tag in cloud] == [
        ("often", 5),
        ("once", 1),
        ("sometimes", 3),
    ]


def test_a_tag_only_drafts_carry_is_counted_for_staff_alone():
    make_note("Public", tags=["public"])
    make_draft("Hidden", tags=["secret"])
    reader = [(tag.name, tag.num_notes) for tag in tags_with_counts(AnonymousUser())]
    staff = [(tag.name, tag.num_notes) for tag in tags_with_counts(make_user(staff=True))]
    assert reader == [("public", 1)]
    assert staff == [("public", 1), ("secret", 1)]


def test_a_category_counts_the_notes_of_its_subcategories():
    parent = make_category("Parent")
    child = make_category("Child", parent=parent)
    make_note("In the child", category=child)
    make_note("In the parent", category=parent)
    make_draft("A draft in the child", category=child)
    counts = {c.name: c.num_notes for c in categories_with_counts(AnonymousUser())}
    assert counts == {"Child": 1, "Parent": 2}
    empty = make_category("Empty")
    assert empty.name not in {c.name for c in categories_with_counts(AnonymousUser())}
    assert "Empty" in {c.name for c in categories_with_counts(AnonymousUser(), empty_too=True)}
