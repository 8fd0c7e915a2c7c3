"""What a person sees, in Debian's Chromium driven by Playwright."""

from pathlib import Path

import pytest

from tests.factories import make_category, make_note

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_goes_from_home_to_a_note_and_on_to_a_tag_page(live_server, page):
    category = make_category("并发编程")
    make_note(
        "全局解释器锁 GIL",
        body="##GIL 是什么\n\n同一时刻只有一个**线程**执行字节码。\n\n"
        "## 代码\n\n```python\nimport threading\n```\n",
        category=category,
        tags=["GIL", "并发"],
    )
    make_note("Closures", body="A closure keeps its free variables.", tags=["闭包"])

    page.goto(live_server.url + "/")
    assert page.title().startswith("Home")
    recent = page.locator(".recent")
    assert recent.get_by_role("link", name="全局解释器锁 GIL").is_visible()
    assert page.locator(".tag-cloud").get_by_role("link", name="并发").is_visible()

    recent.get_by_role("link", name="全局解释器锁 GIL").click()
    page.wait_for_load_state()
    assert page.locator("h1.note-title").inner_text().startswith("全局解释器锁 GIL")
    heading = page.locator(".note-body h2").first
    assert heading.inner_text().startswith("GIL 是什么")
    assert page.locator(".note-body strong").inner_text() == "线程"
    assert page.locator(".toc").get_by_role("link", name="代码").is_visible()
    assert page.locator(".note-body .highlight .kn").inner_text() == "import"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "note.png"), full_page=True)

    page.locator(".note-header .tag-list").get_by_role("link", name="#并发").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "#并发"
    assert page.get_by_role("link", name="全局解释器锁 GIL").is_visible()
    assert page.get_by_text("Closures").count() == 0


def test_language_switch_turns_the_interface_chinese(live_server, page):
    make_note("A note")
    page.goto(live_server.url + "/")
    assert page.locator("#recent-heading").inner_text() == "Recent notes"
    page.get_by_role("link", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("#recent-heading").inner_text() == "最近的笔记"
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_unknown_note_shows_the_styled_not_found_page(live_server, page):
    response = page.goto(live_server.url + "/notes/不存在/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.get_by_role("link", name="Back to the home page").is_visible()


def test_reader_follows_a_topic_link_to_the_topic_page_and_on_to_the_map(live_server, page):
    from tests.factories import make_topic

    python = make_topic("Python", autolink=False)
    concurrency = make_topic("Concurrency", parent=python, aliases=["并发"])
    make_topic("GIL", parent=concurrency, aliases=["全局解释器锁"], summary="CPython's big lock.")
    make_topic("Coroutine", parent=concurrency, aliases=["协程"])
    # A title naming no topic: a note is never linked to the topic its title names.
    note = make_note("读书笔记", body="CPython 有一把全局解释器锁，协程不受它影响。")

    page.goto(live_server.url + note.get_absolute_url())
    topic_link = page.locator(".note-body a.topic-link", has_text="全局解释器锁")
    assert topic_link.get_attribute("href") == "/topics/gil/"
    topic_link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "GIL"
    assert page.get_by_text("CPython's big lock.").is_visible()
    assert page.locator(".mention").get_by_role("link", name="读书笔记").is_visible()
    # The local map draws the parent as a link too.
    assert page.locator("svg.mindmap a[href='/topics/concurrency/']").count() == 1

    page.locator(".breadcrumbs").get_by_role("link", name="Map").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Topic map"
    svg_links = page.locator("svg.mindmap a.node-link")
    assert svg_links.count() == 4
    box_before = page.locator("svg.mindmap").get_attribute("viewBox")
    page.get_by_role("button", name="Zoom in").click()
    assert page.locator("svg.mindmap").get_attribute("viewBox") != box_before
    page.screenshot(path=str(ARTIFACTS / "map.png"))
    page.locator("svg.mindmap a.node-link[href='/topics/coroutine/']").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Coroutine"


def test_pages_and_admin_run_under_the_content_security_policy(live_server, page):
    from tests.factories import make_topic, make_user

    make_user(username="editor", superuser=True)
    make_topic("GIL")
    note = make_note("GIL note", body="The GIL.\n\n|a|b|\n|:-|-:|\n|1|2|\n")
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(live_server.url + note.get_absolute_url())
    assert (
        page.locator(".note-body td.align-right").evaluate(
            "cell => getComputedStyle(cell).textAlign"
        )
        == "right"
    )
    page.goto(live_server.url + "/map/")
    page.get_by_role("button", name="Zoom in").click()

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(live_server.url + f"/admin/notes/note/{note.pk}/change/")
    # The live preview's script runs and re-renders from the server as one types.
    page.fill("#id_body", "**previewed** text")
    page.locator(".note-preview strong", has_text="previewed").wait_for(timeout=5000)
    assert violations == []


def test_a_plain_text_seed_reads_with_its_code_lines_and_contents(live_server, browser, seeds):
    from notes.importers import import_paths
    from notes.models import Note

    (path,) = seeds.glob("004_*")
    import_paths([path], default_status="published")
    note = Note.objects.get()
    for width in (1280, 390):
        context = browser.new_context(locale="en-US", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + note.get_absolute_url())
        assert page.locator("article.note").get_attribute("lang") == "zh"
        toc = page.locator(".toc li")
        # The section marker (">") is no part of the heading.
        assert toc.first.inner_text() == "v0.1.0 IO"
        assert not any(text.startswith("#") for text in toc.all_inner_texts())
        code = page.locator(".note-body .highlight")
        assert code.first.inner_text().startswith("import os")
        assert "pid = os.fork()\nif pid == 0:" in code.first.inner_text()
        # Lines the author broke stay broken, tabs and all.
        prose = page.locator(".note-body p.plain", has_text="fork()返回两次")
        assert prose.evaluate("p => getComputedStyle(p).whiteSpace") == "pre-wrap"
        assert prose.bounding_box()["height"] > 3 * 20
        page.screenshot(path=str(ARTIFACTS / f"plain-text-{width}.png"), full_page=True)
        context.close()
