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


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("并发复习GIL与协程", "并发复习-gil-与协程"),
        ("并发复习：GIL 与协程", "并发复习-gil-与协程"),
        ("白话Python 进程,线程,协程", "白话-python-进程-线程-协程"),
        ("Python3学习笔记：目录略详细版", "python3-学习笔记-目录略详细版"),
        ("Pycon2014 @Shanghai", "pycon2014-shanghai"),
    ],
)
def test_slug_separates_words_chinese_and_latin_runs(title, slug):
    assert make_note(title).slug == slug


def test_long_title_slug_is_cut_at_a_word_or_character_boundary():
    sentence = "How the global interpreter lock decides which thread runs next in CPython"
    slug = make_note(sentence).slug
    assert slug == "how-the-global-interpreter-lock-decides-which"
    chinese = make_note("学" * 70).slug
    assert chinese == "学" * 50
    assert make_note("学" * 70).slug == "学" * 48 + "-2"


def test_a_note_whose_slug_changes_keeps_its_old_address_as_a_redirect(
    client, django_capture_on_commit_callbacks
):
    note = make_note("Closures", slug="old-closures")
    linker = make_note("Linker", body="See [[Closures]].")
    note.slug = "closures"
    with django_capture_on_commit_callbacks(execute=True):
        note.save()
    response = client.get("/notes/old-closures/")
    assert response.status_code == 301
    assert response["Location"] == "/notes/closures/"
    linker.refresh_from_db()
    assert 'href="/notes/closures/"' in linker.body_html
    # Renamed again: both earlier addresses lead to the current one.
    note.slug = "closures-in-python"
    note.save()
    assert client.get("/notes/old-closures/")["Location"] == "/notes/closures-in-python/"
    assert client.get("/notes/closures/")["Location"] == "/notes/closures-in-python/"


def test_a_note_that_takes_a_slug_left_behind_is_served_there(client):
    first = make_note("First", slug="shared")
    first.slug = "first"
    first.save()
    make_note("Second", slug="shared")
    response = client.get("/notes/shared/")
    assert response.status_code == 200
    assert response.context["note"].title == "Second"


def test_old_address_of_a_draft_is_not_found_for_readers(client, admin_client):
    draft = make_draft("Secret", slug="secret-old")
    draft.slug = "secret"
    draft.save()
    assert client.get("/notes/secret-old/").status_code == 404
    assert admin_client.get("/notes/secret-old/").status_code == 301


def test_remake_slugs_renews_slugs_made_by_the_old_rules_only():
    import io

    from django.core.management import call_command

    glued = make_note("并发复习GIL与协程", slug="并发复习gil与协程")
    glued_twin = make_note("并发复习GIL与协程", slug="并发复习gil与协程-2")
    chosen = make_note("Chosen", slug="my-own-choice")
    call_command("remake_slugs", stdout=io.StringIO())
    glued.refresh_from_db()
    glued_twin.refresh_from_db()
    chosen.refresh_from_db()
    assert glued.slug == "并发复习-gil-与协程"
    assert glued_twin.slug == "并发复习-gil-与协程-2"
    assert chosen.slug == "my-own-choice"
    assert glued.old_slugs.get().slug == "并发复习gil与协程"


def test_remake_slugs_dry_run_lists_the_changes_and_writes_nothing():
    import io

    from django.core.management import call_command

    glued = make_note("并发复习GIL与协程", slug="并发复习gil与协程")
    out = io.StringIO()
    call_command("remake_slugs", "--dry-run", stdout=out)
    assert "并发复习gil与协程 -> 并发复习-gil-与协程" in out.getvalue()
    glued.refresh_from_db()
    assert glued.slug == "并发复习gil与协程"
    assert not glued.old_slugs.exists()


def test_seed_notes_get_readable_slugs_and_excerpts_of_prose(seeds):
    import html
    import io
    import re

    from django.core.management import call_command

    call_command("import_notes", str(seeds), stdout=io.StringIO(), stderr=io.StringIO())
    slugs = dict(Note.objects.values_list("title", "slug"))
    assert slugs["白话Python 进程,线程,协程"] == "白话-python-进程-线程-协程"
    assert slugs["Python3学习笔记：目录略详细版"] == "python3-学习笔记-目录略详细版"
    for note in Note.objects.all():
        assert len(note.slug) <= 50, note.slug
        excerpt = note.auto_excerpt
        assert excerpt and "¶" not in excerpt
        assert not any(excerpt.startswith(text) for _, _, text in note.headings), note.title
        for block in re.findall(r"<pre.*?</pre>", note.body_html, re.DOTALL):
            code = html.unescape(re.sub(r"<[^>]+>", "", block))
            for line in (line.strip() for line in code.splitlines()):
                assert len(line) < 12 or line not in excerpt, (note.title, line)
