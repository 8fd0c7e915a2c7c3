"""Web page chrome left at the end of a note imported without trimming: the notice on
the note's change page, the confirmation page that shows what goes, and the cut itself,
a save through the note's history, all or nothing, never from a stale page."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from notes.models import Note
from tests.factories import make_note, make_user

pytestmark = pytest.mark.django_db

PROSE_LINES = [
    "协程的笔记",
    "",
    "协程我们可以看成是一种用户空间的线程，协程是主动的协作式工作。",
    "",
    "```python",
    "import asyncio",
    "",
    "async def main():",
    "    await asyncio.sleep(1)",
    "```",
    "",
    "总结",
    "",
    "在 Python 中，使用协程来做并发是对于系统资源消耗最小的。",
]
# As a blog site's page ends when a learner copies the whole of it.
CHROME_LINES = [
    "  • 0",
    "    点赞",
    "  • 1",
    "    收藏",
    "    觉得还不错? <b>一键收藏</b>",
    "  • 0",
    "    评论",
    "上一篇：Python 的线程",
    "下一篇：Python 的进程",
    "相关推荐",
    "红包个数最小为10个",
    "钱包余额 0",
]
PROSE = "\n".join(PROSE_LINES)
CHROME = "\n".join(CHROME_LINES)
CLIPPING = f"{PROSE}\n\n{CHROME}\n"
CHROME_LINE = len(PROSE_LINES) + 2  # 1-based: the prose, one blank line, then the chrome
NOTICE = "The end of this note looks like web page chrome, from line {}."
TRIM_BUTTON = "Trim web page chrome"


def trim_url(note: Note) -> str:
    return reverse("admin:notes_note_trim_chrome", args=[note.pk])


def change_url(note: Note) -> str:
    return reverse("admin:notes_note_change", args=[note.pk])


def staff_with(*codenames: str) -> Client:
    user = make_user(staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="notes", codename__in=codenames)
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor() -> Client:
    return staff_with("view_note", "change_note")


@pytest.fixture
def viewer() -> Client:
    return staff_with("view_note")


@pytest.fixture
def clipping() -> Note:
    return make_note("协程", body=CLIPPING)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def confirm(client: Client, note: Note, **data):
    """POST the confirmation page's form as it was made for ``note`` (as now stored)."""
    return client.post(trim_url(note), {"seen_version": note.version, **data}, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- the notice on the change page ---------------------------------------------------------


def test_a_clippings_change_page_names_the_line_its_page_chrome_starts_at(editor, clipping):
    page = page_text(editor.get(change_url(clipping)))
    assert NOTICE.format(CHROME_LINE) in page
    assert f'href="{trim_url(clipping)}"' in page
    assert TRIM_BUTTON in page


def test_an_ordinary_notes_change_page_shows_no_chrome_notice(editor):
    note = make_note("Plain", body=PROSE + "\n\n小结\n1. 进程\n2. 线程\n3. 协程\n4. 分享一下\n")
    page = page_text(editor.get(change_url(note)))
    assert "web page chrome" not in page
    assert trim_url(note) not in page


def test_the_add_page_shows_no_chrome_notice(editor):
    editor_with_add = staff_with("view_note", "add_note", "change_note")
    assert "web page chrome" not in page_text(editor_with_add.get(reverse("admin:notes_note_add")))


def test_the_notice_numbers_lines_as_the_body_text_box_does(editor):
    # A form feed is a line break to str.splitlines(), not to the text box staff read.
    body = CLIPPING.replace("协程的笔记", "协程的\x0c笔记")
    note = make_note("Form feed", body=body)
    assert NOTICE.format(CHROME_LINE) in page_text(editor.get(change_url(note)))


def test_the_notice_and_the_confirmation_page_read_in_chinese(editor, clipping):
    editor.cookies["django_language"] = "zh-hans"
    notice = page_text(editor.get(change_url(clipping)))
    assert f"这篇笔记的结尾像是网页上的页面杂项，从第 {CHROME_LINE} 行开始。" in notice
    assert "剪掉页面杂项" in notice
    page = page_text(editor.get(trim_url(clipping)))
    assert "是的，剪掉" in page
    response = confirm(editor, clipping)
    assert messages_of(response) == [
        f"剪掉了 {len(CHROME_LINES)} 行页面杂项；历史记录里还保留着它们。"
    ]


# --- who may trim ---------------------------------------------------------------------------


def test_view_only_staff_see_the_notice_but_no_trim_button(viewer, clipping):
    page = page_text(viewer.get(change_url(clipping)))
    assert NOTICE.format(CHROME_LINE) in page
    assert TRIM_BUTTON not in page
    assert trim_url(clipping) not in page


def test_view_only_staff_may_neither_open_the_trim_page_nor_trim(viewer, clipping):
    assert viewer.get(trim_url(clipping)).status_code == 403
    response = viewer.post(trim_url(clipping), {"seen_version": clipping.version})
    assert response.status_code == 403
    clipping.refresh_from_db()
    assert clipping.body == CLIPPING
    assert clipping.history.count() == 1


def test_an_unknown_or_deleted_note_has_no_trim_page(editor, clipping):
    pk = clipping.pk
    clipping.delete()
    assert editor.get(reverse("admin:notes_note_trim_chrome", args=[pk])).status_code == 404
    assert editor.post(reverse("admin:notes_note_trim_chrome", args=[pk])).status_code == 404
    assert editor.get(reverse("admin:notes_note_trim_chrome", args=["abc"])).status_code == 404


# --- the confirmation page ------------------------------------------------------------------


def test_the_confirmation_page_shows_the_lines_it_cuts_escaped_and_how_the_note_will_end(
    editor, clipping
):
    response = editor.get(trim_url(clipping))
    assert response.status_code == 200
    content = response.content.decode()
    # The markup in the chrome is shown as text, not obeyed.
    assert "&lt;b&gt;一键收藏&lt;/b&gt;" in content and "<b>一键收藏</b>" not in content
    cut, kept = (
        html.unescape(text) for text in re.findall(r"<pre[^>]*>\n(.*?)</pre>", content, re.S)
    )
    assert cut == CHROME
    assert kept == "\n".join(PROSE_LINES[-5:])
    page = html.unescape(content)
    last = CHROME_LINE + len(CHROME_LINES) - 1
    assert f"What is cut: lines {CHROME_LINE} to {last}" in page
    kept_lines = len(PROSE_LINES)
    assert f"How the note will end: lines {kept_lines - 4} to {kept_lines}" in page
    assert f'name="seen_version" value="{clipping.version}"' in content
    assert "csrfmiddlewaretoken" in content
    assert f'href="{change_url(clipping)}"' in content  # the way back


def test_the_confirmation_page_of_a_note_without_chrome_says_there_is_nothing_to_trim(editor):
    note = make_note("Plain", body=PROSE)
    response = editor.get(trim_url(note))
    assert response.status_code == 200
    page = page_text(response)
    assert "there is nothing to trim" in page
    assert 'name="seen_version"' not in page  # no form to trim with


# --- trimming -------------------------------------------------------------------------------


def test_trimming_cuts_the_chrome_and_the_history_keeps_it(editor, clipping):
    response = confirm(editor, clipping)
    assert response.redirect_chain == [(change_url(clipping), 302)]
    assert messages_of(response) == [
        f"Trimmed {len(CHROME_LINES)} lines of web page chrome; the history keeps them."
    ]
    clipping.refresh_from_db()
    assert clipping.body == PROSE
    assert "红包" not in clipping.body_html
    newest, before = clipping.history.order_by("-history_date")[:2]
    assert newest.history_change_reason == "web page chrome trimmed"
    assert newest.body == PROSE
    assert newest.history_user.has_perm("notes.change_note")
    assert before.body == CLIPPING  # to compare with, or to restore
    assert NOTICE.format(CHROME_LINE) not in page_text(response)  # the notice is gone


def test_trimming_keeps_the_bodys_own_line_breaks(editor):
    note = make_note("CRLF", body=CLIPPING.replace("\n", "\r\n"))
    confirm(editor, note)
    note.refresh_from_db()
    assert note.body == PROSE.replace("\n", "\r\n")


def test_a_trim_of_a_note_whose_chrome_was_removed_meanwhile_changes_nothing_and_says_so(
    editor, clipping
):
    seen = clipping.version
    clipping.body = PROSE
    clipping.save()
    response = editor.post(trim_url(clipping), {"seen_version": seen}, follow=True)
    assert messages_of(response) == [
        "The end of this note no longer looks like web page chrome (it was changed "
        "meanwhile), so nothing was trimmed."
    ]
    clipping.refresh_from_db()
    assert clipping.body == PROSE
    assert clipping.history.count() == 2


def test_a_trim_from_a_stale_confirmation_page_is_refused_with_a_sentence(editor, clipping):
    seen = clipping.version
    clipping.body = CLIPPING.replace("总结", "总结与展望")  # someone edits; chrome still there
    clipping.save()
    response = editor.post(trim_url(clipping), {"seen_version": seen}, follow=True)
    assert response.redirect_chain == [(trim_url(clipping), 302)]
    assert messages_of(response) == [
        "This note was changed after the confirmation page was opened, so nothing was "
        "trimmed. Below is what would be cut from it now: check it and confirm again."
    ]
    clipping.refresh_from_db()
    assert clipping.body == CLIPPING.replace("总结", "总结与展望")
    assert clipping.history.count() == 2


def test_a_trim_that_does_not_say_which_version_it_saw_is_refused(editor, clipping):
    response = editor.post(trim_url(clipping), follow=True)
    assert "nothing was trimmed" in messages_of(response)[0]
    clipping.refresh_from_db()
    assert clipping.body == CLIPPING


def test_a_save_failing_halfway_leaves_the_note_and_its_history_as_they_were(
    editor, clipping, monkeypatch
):
    # Fails after the note's row and its new version are written.
    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Note, "store_links", fail)
    with pytest.raises(RuntimeError):
        confirm(editor, clipping)
    stored = Note.objects.get(pk=clipping.pk)
    assert (stored.body, stored.version) == (CLIPPING, clipping.version)
    assert clipping.history.count() == 1


def test_a_trimmed_body_that_cannot_be_rendered_is_refused_with_a_sentence(
    editor, clipping, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ValidationError({"body": "This body is too complex to render in time."})

    monkeypatch.setattr(Note, "rendering", refuse)
    response = confirm(editor, clipping)
    assert messages_of(response) == [
        "Nothing was trimmed: This body is too complex to render in time."
    ]
    stored = Note.objects.get(pk=clipping.pk)
    assert (stored.body, stored.version) == (CLIPPING, clipping.version)
    assert clipping.history.count() == 1


# --- in a browser ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_trim_with_the_keyboard_alone_and_no_page_breaks_the_policy(live_server, browser):
    make_user(username="editor", superuser=True)
    note = make_note("协程", body=CLIPPING)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(live_server.url + change_url(note))
    notice = page.locator(".page-chrome-notice")
    assert NOTICE.format(CHROME_LINE) in notice.inner_text()
    notice.get_by_role("link", name=TRIM_BUTTON).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url + trim_url(note)
    assert page.locator("pre.chrome-cut").inner_text() == CHROME
    reached = []
    page.locator("pre.chrome-kept").focus()
    for _ in range(2):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.outerHTML"))
    assert 'type="submit"' in reached[0] and "Yes, trim it" in reached[0]
    assert 'class="closelink"' in reached[1] and "No, take me back" in reached[1]
    page.keyboard.press("Shift+Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url + change_url(note)
    assert "Trimmed 12 lines of web page chrome" in page.locator(".messagelist").inner_text()
    assert page.locator(".page-chrome-notice").count() == 0
    assert problems == []
    context.close()
    note.refresh_from_db()
    assert note.body == PROSE
