import pytest
from django.core.exceptions import ValidationError

from notes.models import Category, Note, Tag
from tests.factories import make_category, make_draft, make_note, make_user

pytestmark = pytest.mark.django_db


def test_saving_a_note_stores_rendered_html_and_headings():
    note = make_note(body="## 垃圾回收\n\n引用计数 `sys.getrefcount`")
    assert '<h2 id="垃圾回收">' in note.body_html
    assert "<code>sys.getrefcount</code>" in note.body_html
    assert note.headings == [[2, "垃圾回收", "垃圾回收"]]


def test_rendered_html_is_refreshed_when_the_body_changes():
    note = make_note(body="old text")
    note.body = "new **text**"
    note.save()
    note.refresh_from_db()
    assert "<strong>text</strong>" in note.body_html
    assert "old" not in note.body_html


def test_update_fields_save_still_refreshes_rendering():
    note = make_note(body="old")
    note.body = "new"
    note.save(update_fields=["body"])
    note.refresh_from_db()
    assert "new" in note.body_html


def test_chinese_title_keeps_chinese_in_the_slug():
    assert make_note("全局解释器锁 GIL").slug == "全局解释器锁-gil"


def test_same_title_gets_distinct_slugs():
    first, second = make_note("Pycon2014 @Shanghai"), make_note("Pycon2014 @Shanghai")
    assert first.slug == "pycon2014-shanghai"
    assert second.slug == "pycon2014-shanghai-2"


def test_title_of_only_symbols_still_gets_a_slug():
    assert make_note("!!!").slug == "note"


def test_slug_is_kept_when_the_title_changes():
    note = make_note("Closures")
    note.title = "Closures in depth"
    note.save()
    assert note.slug == "closures"


def test_empty_title_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        Note(title="   ", body="x").full_clean()
    assert error.value.message_dict["title"] == ["A note needs a title."]


def test_save_without_full_clean_also_refuses_an_empty_title():
    with pytest.raises(ValidationError):
        Note(title="", body="x").save()
    assert Note.objects.count() == 0


def test_excerpt_falls_back_to_the_first_paragraph_of_the_body():
    note = make_note(body="# Heading\n\nThe first paragraph.")
    assert note.teaser == "The first paragraph."
    note.excerpt = "Hand-written."
    assert note.teaser == "Hand-written."


def test_published_and_visible_to():
    published, draft = make_note(), make_draft()
    assert list(Note.objects.published()) == [published]
    assert set(Note.objects.visible_to(make_user(staff=True))) == {published, draft}
    assert list(Note.objects.visible_to(make_user())) == [published]
    inactive_staff = make_user(staff=True, is_active=False)
    assert list(Note.objects.visible_to(inactive_staff)) == [published]


@pytest.mark.parametrize("name", ["并发", "协程", "垃圾回收"])
def test_chinese_tag_gets_its_own_non_empty_slug(name):
    note = make_note(tags=[name])
    tag = note.tags.get()
    assert tag.slug == name


def test_chinese_tags_get_distinct_slugs():
    make_note(tags=["并发", "协程", "垃圾回收", "Python"])
    slugs = list(Tag.objects.values_list("slug", flat=True))
    assert sorted(slugs) == sorted(["并发", "协程", "垃圾回收", "python"])


def test_tag_of_only_symbols_gets_a_non_empty_unique_slug():
    make_note(tags=["++", "##"])
    slugs = sorted(Tag.objects.values_list("slug", flat=True))
    assert slugs == ["tag", "tag_1"]


def test_tags_are_case_insensitive():
    make_note(tags=["Python"])
    make_note(tags=["python"])
    assert Tag.objects.count() == 1


def test_category_slug_keeps_chinese_and_nests():
    parent = make_category("编程")
    child = make_category("并发编程", parent=parent)
    grandchild = make_category("协程", parent=child)
    assert child.slug == "并发编程"
    assert grandchild.ancestors() == [parent, child]
    assert parent.descendant_ids() == {parent.pk, child.pk, grandchild.pk}


def test_category_cannot_be_its_own_ancestor():
    parent = make_category("A")
    child = make_category("B", parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError) as error:
        parent.full_clean()
    assert "parent" in error.value.message_dict


def test_deleting_a_category_keeps_its_notes():
    category = make_category("Temporary")
    note = make_note(category=category)
    category.delete()
    note.refresh_from_db()
    assert note.category is None
    assert Category.objects.count() == 0


def test_neighbours_skip_notes_outside_the_queryset():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    older = make_note("older", created=now - timedelta(days=2))
    make_draft("hidden", created=now - timedelta(days=1))
    middle = make_note("middle", created=now)
    newer = make_note("newer", created=now + timedelta(days=1))
    assert middle.neighbours(Note.objects.published()) == (older, newer)
    assert older.neighbours(Note.objects.published()) == (None, middle)


def test_neighbours_break_ties_on_the_same_instant_by_id():
    from django.utils import timezone

    moment = timezone.now()
    # More notes at one instant than the tie window, so the fallback is exercised too.
    same = [make_note(f"Same {i}", created=moment) for i in range(25)]
    middle = same[12]
    assert middle.neighbours(Note.objects.published()) == (same[11], same[13])
    assert same[0].neighbours(Note.objects.published()) == (None, same[1])
    assert same[-1].neighbours(Note.objects.published()) == (same[-2], None)
