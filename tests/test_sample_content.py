"""The starter notes and map a new user sees on the first run."""

import pytest
from django.core.management import call_command

from notes.models import Category, Mention, Note, Topic
from tests.factories import make_note

pytestmark = pytest.mark.django_db


def load() -> None:
    call_command("load_sample_content", stdout=None)


def test_first_run_loads_the_starter_notes_and_map():
    load()
    assert Note.objects.count() == 8
    assert Note.objects.published().count() == 7
    assert Note.objects.get(title="Descriptors (draft)").status == Note.Status.DRAFT
    assert Topic.objects.filter(parent=None).get().name == "Python"
    assert Topic.objects.count() > 30
    assert Category.objects.filter(name="并发编程").exists()


def test_starter_notes_link_the_core_topics():
    load()
    mentioned = set(Mention.objects.values_list("topic__name", flat=True))
    wanted = {"GIL", "Garbage collection", "Hashing", "Closure", "Process", "Thread", "Coroutine"}
    assert wanted <= mentioned


def test_running_it_again_changes_nothing():
    load()
    before = list(Note.objects.values_list("pk", "updated"))
    load()
    assert list(Note.objects.values_list("pk", "updated")) == before


def test_existing_notes_are_left_alone():
    make_note("Mine")
    load()
    assert list(Note.objects.values_list("title", flat=True)) == ["Mine"]
