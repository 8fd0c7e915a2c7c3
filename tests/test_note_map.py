"""A note read as a mind map: the outline is a pure function of the rendered note."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from notes.map_exports import to_freemind, to_opml
from notes.markdown import render_markdown
from notes.mindmap import label_segments, walk_map
from notes.note_map import MAX_NODES, first_sentence, note_map, number_code_blocks
from tests.factories import make_draft, make_note, make_topic

SVG = "{http://www.w3.org/2000/svg}"

NOTE = """# Processes

Each process has its own interpreter. A second sentence that is left out.

Another paragraph。它的第二句不画。

## Starting one

- `multiprocessing.Process`
    - `start()` then `join()`
- a pool

```python
from multiprocessing import Pool
print("hi")
```

### 小结

进程之间不共享内存。所以要用队列通信。
"""


def tree(markdown: str = NOTE, **options):
    html = number_code_blocks(render_markdown(markdown).html)
    root, links = note_map(html, title="Notes on processes", url="/notes/p/", **options)
    return root, links


def outline(node, depth=0) -> list[tuple[int, str]]:
    rows = [(depth, node.name)]
    for child in node.children:
        rows += outline(child, depth + 1)
    return rows


def test_headings_are_branches_with_lists_and_first_sentences_below():
    root, _ = tree()
    assert outline(root) == [
        (0, "Notes on processes"),
        (1, "Processes"),
        (2, "Each process has its own interpreter."),
        (2, "Another paragraph。"),
        (2, "Starting one"),
        (3, "multiprocessing.Process"),
        (4, "start() then join()"),
        (3, "a pool"),
        (3, "code: from multiprocessing import Pool"),
        (3, "小结"),
        (4, "进程之间不共享内存。"),
    ]


def test_every_node_links_to_its_place_in_the_reading_view():
    root, _ = tree()
    urls = {node.name: node.url for node in walk_map([root])}
    assert urls["Notes on processes"] == "/notes/p/"
    assert urls["Starting one"] == "/notes/p/#starting-one"
    assert urls["a pool"] == "/notes/p/#starting-one"
    assert urls["code: from multiprocessing import Pool"] == "/notes/p/#code-1"
    assert urls["进程之间不共享内存。"] == "/notes/p/#小结"


def test_code_blocks_get_the_ids_the_map_links_to():
    html = number_code_blocks(render_markdown("```\na\n```\n\n```\nb\n```").html)
    assert 'id="code-1"' in html and 'id="code-2"' in html


def test_topic_links_in_a_node_are_kept_for_the_map():
    html = (
        '<h2 id="why">Why</h2><ul><li>The <a class="topic-link" href="/topics/gil/" '
        'title="GIL">GIL</a> again</li></ul>'
    )
    root, links = note_map(html, title="T", url="/notes/t/")
    item = root.children[0].children[0]
    assert item.name == "The GIL again"
    assert links[item.key] == [("GIL", "/topics/gil/")]
    assert label_segments(item.name, links[item.key]) == (
        ("The ", ""), ("GIL", "/topics/gil/"), (" again", "")
    )  # fmt: skip


def test_first_sentences_are_shortened():
    assert first_sentence("One. Two.") == "One."
    long = first_sentence("x" * 200)
    assert len(long) == 80 and long.endswith("…")


def test_a_large_note_is_capped_with_a_more_node_per_cut_branch():
    sections = "\n\n".join(f"## Part {n}\n\n" + "\n".join(f"- item {n}.{i}" for i in range(30))
                           for n in range(40))  # fmt: skip
    root, _ = tree(sections)
    nodes = list(walk_map([root]))
    assert len(nodes) <= MAX_NODES
    assert all(child.name.startswith("Part") for child in root.children)  # structure first
    more = [node for node in nodes if node.name.endswith(" more")]
    assert more and sum(int(node.name[1:].split()[0]) for node in more) == 40 * 31 + 1 - (
        len(nodes) - len(more)
    )


def test_map_exports_carry_every_node():
    root, _ = tree()
    names = {node.name for node in walk_map([root])}
    opml = ET.fromstring(to_opml([root], title="T", base_url="http://testserver/"))
    assert {outline.get("text") for outline in opml.iter("outline")} == names
    freemind = ET.fromstring(to_freemind([root], title="T", base_url="http://testserver/"))
    assert {node.get("TEXT") for node in freemind.iter("node")} == names


@pytest.mark.django_db
def test_note_map_page_draws_the_outline_with_its_links(client):
    make_topic("GIL")
    note = make_note("Threads", body="## Why\n\n- The GIL again\n- more\n")
    response = client.get(reverse("notes:note-map", args=[note.slug]))
    assert response.status_code == 200
    content = response.content.decode()
    svg = ET.fromstring(content[content.index("<svg") : content.index("</svg>") + 6])
    hrefs = {a.get("href") for a in svg.iter(f"{SVG}a")}
    assert "/topics/gil/" in hrefs
    assert f"{note.get_absolute_url()}#why" in hrefs
    assert 'href="/notes/threads/"' in content  # the Read side of the switch
    opml = client.get(reverse("notes:note-map-opml", args=[note.slug]))
    texts = {o.get("text") for o in ET.fromstring(opml.content).iter("outline")}
    assert texts == {"Threads", "Why", "The GIL again", "more"}
    mm = client.get(reverse("notes:note-map-freemind", args=[note.slug]), {"download": "1"})
    assert mm["Content-Disposition"] == 'attachment; filename="threads.mm"'


@pytest.mark.django_db
def test_a_drafts_map_is_hidden_from_readers(client, admin_client):
    draft = make_draft("Secret", body="## Hidden")
    for name in ["notes:note-map", "notes:note-map-opml", "notes:note-map-freemind"]:
        assert client.get(reverse(name, args=[draft.slug])).status_code == 404
        assert admin_client.get(reverse(name, args=[draft.slug])).status_code == 200


@pytest.mark.django_db
def test_the_note_map_folds_by_link(client):
    note = make_note("Folding", body="## One\n\n- a\n- b\n\n## Two\n\n- c\n")
    layout = client.get(reverse("notes:note-map", args=[note.slug])).context["layout"]
    one = next(node for node in layout.nodes if node.name == "One")
    folded = client.get(reverse("notes:note-map", args=[note.slug]) + one.toggle)
    names = {node.name for node in folded.context["layout"].nodes}
    assert "a" not in names and "c" in names


def test_a_plain_text_note_maps_its_sections_code_and_output():
    from notes.plain_text import render_plain_text

    text = (
        ">v0.1 多进程\n\n"
        "先看例子：\n\n"
        "import os\nprint('Process (%s) start...' % os.getpid())\n\n"
        "运行结果如下：\n\n"
        "Process (876) start...\n\n"
        ">v0.2 多线程\n\n"
        "线程共享内存。\n"
    )
    html = number_code_blocks(render_plain_text(text).html)
    root, _ = note_map(html, title="学习笔记", url="/notes/n/")
    rows = outline(root)
    # The ">" that marks a section in plain text is no part of its heading.
    assert (1, "v0.1 多进程") in rows and (1, "v0.2 多线程") in rows
    assert (2, "code: import os") in rows
    assert (2, "output: Process (876) start...") in rows


def test_a_paragraph_before_the_first_heading_links_to_the_top_of_the_note():
    root, _ = tree("Intro first. Then more.\n\n## Later\n\ntext\n")
    urls = {node.name: node.url for node in walk_map([root])}
    assert urls["Intro first."] == "/notes/p/"
    assert urls["text"] == "/notes/p/#later"


def test_items_under_a_heading_without_an_id_link_to_the_top_of_the_note():
    # Raw HTML headings get no id from Markdown: there is no place nearer to link to.
    root, _ = note_map("<h2>Setup</h2><ul><li>pip install</li></ul>", title="T", url="/n/")
    assert [(node.name, node.url) for node in walk_map([root])] == [
        ("T", "/n/"), ("Setup", "/n/"), ("pip install", "/n/"),
    ]  # fmt: skip


def test_tables_stay_off_the_map_links_and_lists_in_their_cells_included():
    html = (
        '<h2 id="results">Results</h2>'
        '<table><tr><td><a href="https://docs.python.org/">docs</a><ul><li>in a cell</li></ul>'
        "<p>a cell paragraph</p></td></tr></table>"
        "<ul><li>after the table</li></ul>"
    )
    root, _ = note_map(html, title="T", url="/n/")
    assert outline(root) == [(0, "T"), (1, "Results"), (2, "after the table")]


def test_a_topic_link_without_text_adds_no_topic_to_its_node():
    html = (
        '<ul><li>See <a class="topic-link" href="/topics/gil/"><img src="/gil.png" alt="GIL">'
        '</a> the diagram, and the <a class="topic-link" href="/topics/gil/">GIL</a></li></ul>'
    )
    root, links = note_map(html, title="T", url="/n/")
    item = root.children[0]
    assert item.name == "See the diagram, and the GIL"
    assert links == {item.key: [("GIL", "/topics/gil/")]}


def test_a_pre_nested_in_a_pre_does_not_hide_the_rest_of_the_note():
    body = "<pre><pre>x\ny</pre></pre>\n\n## After\n\n```\nprint(1)\n```\n"
    html = number_code_blocks(render_markdown(body).html)
    root, _ = note_map(html, title="T", url="/n/")
    assert outline(root) == [(0, "T"), (1, "code: x"), (1, "After"), (2, "code: print(1)")]
    last_code_id = re.findall(r'<pre id="([^"]+)"', html)[-1]
    urls = {node.name: node.url for node in walk_map([root])}
    assert urls["code: print(1)"] == f"/n/#{last_code_id}"


def test_a_list_hangs_under_the_paragraph_that_introduces_it():
    root, _ = tree(
        "## ML\n\nPython在ML有绝对的优势：\n\n* 人多库多\n* 效率不错\n\n"
        "ML常用的Python第三方Package：\n\n* numpy\n* pandas\n\nA closing thought.\n"
    )
    assert outline(root)[1:] == [
        (1, "ML"),
        (2, "Python在ML有绝对的优势："),
        (3, "人多库多"),
        (3, "效率不错"),
        (2, "ML常用的Python第三方Package："),
        (3, "numpy"),
        (3, "pandas"),
        (2, "A closing thought."),
    ]


def test_a_list_after_a_heading_or_code_hangs_under_the_section():
    root, _ = tree("## Steps\n\n* one\n* two\n\n```\nx = 1\n```\n\n* three\n")
    assert outline(root)[1:] == [
        (1, "Steps"),
        (2, "one"),
        (2, "two"),
        (2, "code: x = 1"),
        (2, "three"),
    ]


def test_every_paragraph_of_a_section_with_a_list_keeps_its_first_sentence():
    root, _ = tree("## S\n\nFirst point. More.\n\n* item\n\nSecond point here. Yes.\n")
    assert (2, "First point.") in outline(root)
    assert (2, "Second point here.") in outline(root)


def test_lines_parted_by_line_breaks_each_give_a_leaf():
    body = (
        "## 1.进程\n\n来自七牛的讲师。这是一位大神。<br>\n"
        "进程。操作系统中最核心的概念。<br>\n线程。线程是执行流。\n"
    )
    root, _ = tree(body)
    assert outline(root)[1:] == [
        (1, "1.进程"),
        (2, "来自七牛的讲师。"),
        (2, "进程。"),
        (2, "线程。"),
    ]


def test_a_first_heading_that_repeats_the_title_is_the_root():
    html = render_markdown("## Pycon2014 @Shanghai\n\nIntro.\n\n### 1.Talk\n\nText.\n").html
    root, _ = note_map(html, title="pycon2014  @shanghai", url="/n/")
    assert outline(root) == [
        (0, "pycon2014  @shanghai"),
        (1, "Intro."),
        (1, "1.Talk"),
        (2, "Text."),
    ]


def test_a_first_heading_that_differs_from_the_title_stays_a_branch():
    html = render_markdown("## Overview\n\nIntro.\n").html
    root, _ = note_map(html, title="Pycon", url="/n/")
    assert outline(root) == [(0, "Pycon"), (1, "Overview"), (2, "Intro.")]


def seed_map(seeds, number: str) -> list[tuple[int, str]]:
    from notes.importers.parsing import parse_note_bytes
    from notes.linking import TopicMatcher
    from notes.note_rendering import render_note

    (path,) = seeds.glob(f"{number}_*")
    parsed = parse_note_bytes(path.read_bytes(), name=path.name)
    html = render_note(parsed.body, TopicMatcher([]), format=parsed.format).html
    root, _ = note_map(number_code_blocks(html), title=parsed.title, url="/n/")
    return outline(root)


def section(rows: list[tuple[int, str]], starting: str) -> list[tuple[int, str]]:
    """The rows under the first top-level branch whose name starts with ``starting``."""
    start = next(i for i, (depth, name) in enumerate(rows) if name.startswith(starting))
    end = next((i for i, (depth, _) in enumerate(rows) if i > start and depth <= 1), len(rows))
    return rows[start + 1 : end]


def test_the_pycon_maps_have_no_branch_that_repeats_the_title(seeds):
    for number in ("000", "001"):
        rows = seed_map(seeds, number)
        assert rows[0] == (0, "Pycon2014 @Shanghai")
        assert (1, "Pycon2014 @Shanghai") not in rows


def test_the_second_pycon_map_hangs_each_list_under_its_lead_in_line(seeds):
    below = section(seed_map(seeds, "001"), "4.Python机器学习实践")
    for lead_in, first_item in (
        ("Python在ML有绝对的优势：", "人多库多省事"),
        ("ML的从业人员可以分为三类：", "科学家：数学研究，建模"),
        ("ML常用的Python第三方Package：", "numpy/scipy:最基础，常用"),
    ):
        at = below.index((2, lead_in))
        assert below[at + 1] == (3, first_item)
    # The section's prose is on the map too, a leaf for each paragraph.
    assert below[0][0] == 2 and below[0][1].startswith("来自七感数据分析的胡景超讲师")


def test_the_first_pycon_maps_section_1_keeps_a_leaf_for_each_of_its_lines(seeds):
    below = section(seed_map(seeds, "000"), "1.Python中的进程")
    names = [name for _, name in below]
    assert names[0] == "来自七牛云存储的许智翔讲师。"
    assert {"进程。", "线程。", "协程。"} <= set(names)


def test_a_first_heading_that_repeats_the_title_leaves_the_page_and_its_contents():
    from notes.linking import TopicMatcher
    from notes.note_rendering import render_note

    body = "## Pycon2014 @Shanghai\n\nIntro.\n\n### 1.Talk\n\nText.\n\n### 2.More\n"
    rendered = render_note(body, TopicMatcher([]), title="Pycon2014 @Shanghai")
    assert "Pycon2014 @Shanghai</h2>" not in rendered.html
    assert "<p>Intro.</p>" in rendered.html
    assert [text for _, _, text in rendered.headings] == ["1.Talk", "2.More"]
    kept = render_note(body, TopicMatcher([]), title="Another title")
    assert [text for _, _, text in kept.headings][0] == "Pycon2014 @Shanghai"


def test_seed_000s_page_and_contents_do_not_repeat_its_title(seeds):
    from notes.importers.parsing import parse_note_bytes
    from notes.linking import TopicMatcher
    from notes.note_rendering import render_note

    (path,) = seeds.glob("000_*")
    parsed = parse_note_bytes(path.read_bytes(), name=path.name)
    rendered = render_note(parsed.body, TopicMatcher([]), title=parsed.title)
    assert parsed.title not in [text for _, _, text in rendered.headings]
    assert f"{parsed.title}<a" not in rendered.html


@pytest.mark.django_db
def test_a_note_maps_nodes_are_named_by_their_text_and_reached_once_each(client):
    make_topic("GIL")
    note = make_note("Threads", body="## Why\n\n- The GIL again\n- more\n")
    content = client.get(reverse("notes:note-map", args=[note.slug])).content.decode()
    svg = ET.fromstring(content[content.index("<svg") : content.index("</svg>") + 6])
    assert svg.get("role") == "group" and 'role="img"' not in content
    assert svg.find(f"{SVG}title").text == "Threads as a map"
    reached = [
        (link.get("aria-label") or link.findtext(f"{SVG}title") or "".join(link.itertext()))
        for link in svg.iter(f"{SVG}a")
        if link.get("tabindex") != "-1" and link.get("class") != "node-toggle"
    ]
    assert reached == ["Threads", "Why", "The GIL again", "GIL", "more"]
    # The rest of "The GIL again" leads where its first piece does, for the mouse only.
    hidden = [link for link in svg.iter(f"{SVG}a") if link.get("tabindex") == "-1"]
    assert hidden and all(link.get("aria-hidden") == "true" for link in hidden)
    toggles = [link for link in svg.iter(f"{SVG}a") if link.get("class") == "node-toggle"]
    assert {toggle.findtext(f"{SVG}title") for toggle in toggles} == {"Fold Threads", "Fold Why"}
    assert all(toggle.get("aria-expanded") == "true" for toggle in toggles)
