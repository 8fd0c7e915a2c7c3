"""A corpus of hostile input, rendered harmless everywhere it can appear."""

import html
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command

from notes.models import Note
from tests.factories import make_category, make_note, make_topic

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle r=5/></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '"><script>alert(2)</script>',
    "[link](javascript:alert(3))",
    "![img](javascript:alert(4))",
    "[x](<javascript:alert(5)>) [y]( jAvAsCrIpT:alert(6))",
    "<form action=https://evil.example><input name=q></form>",
    "<object data=x></object><embed src=x>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(7)>",
]
HOSTILE = " ".join(PAYLOADS)
SHORT = "<img src=x onerror=alert(1)>\"'&"


class Inspector(HTMLParser):
    """Collects everything in a page that could run script."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            source = dict(attrs).get("src") or ""
            if not source.startswith("/static/"):
                self.problems.append(f"<script {attrs}>")
        if tag in {"iframe", "object", "embed", "math", "style"}:
            self.problems.append(f"<{tag}>")
        if tag == "form" and (dict(attrs).get("action") or "/").startswith("http"):
            self.problems.append(f"<form {attrs}>")
        if tag == "svg" and "mindmap" not in (dict(attrs).get("class") or ""):
            self.problems.append("<svg> outside the map")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in {"href", "src", "action", "data"} and value.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"{tag} {name}={value[:30]}")
            if name == "style":
                self.problems.append(f"{tag} style=")


def problems_in(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.fixture
def hostile_world():
    category = make_category(f"分类 {SHORT}", description=HOSTILE)
    topic = make_topic(f"GIL {SHORT}", aliases=[f"别名{SHORT}", "GIL"], summary=HOSTILE)
    note = make_note(
        f"Title {SHORT}",
        body=f"# Heading {SHORT}\n\nThe GIL. {HOSTILE}\n\n[[{SHORT}]] [[GIL|{SHORT}]]\n",
        category=category,
        tags=[f"tag{SHORT}", "并发"],
        excerpt=HOSTILE,
    )
    make_note("Plain note", body="The GIL.", tags=["并发"], category=category)
    return {"category": category, "topic": topic, "note": note}


def test_hostile_note_body_renders_harmless():
    note = make_note(body=HOSTILE)
    assert problems_in(note.body_html) == []


def test_the_inspector_catches_what_it_looks_for():
    for dangerous in PAYLOADS[:8]:
        assert problems_in(dangerous), dangerous


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_alone_is_harmless_in_a_note_body(payload):
    assert problems_in(make_note(body=payload).body_html) == []


def test_every_page_shows_hostile_names_harmlessly(client, hostile_world):
    note, topic, category = hostile_world["note"], hostile_world["topic"], hostile_world["category"]
    tag = note.tags.get(name__startswith="tag")
    urls = [
        "/",
        "/notes/",
        note.get_absolute_url(),
        "/categories/",
        category.get_absolute_url(),
        "/tags/",
        tag.get_absolute_url(),
        topic.get_absolute_url(),
        "/map/",
        "/search/?q=GIL",
        "/search/?q=" + "%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
        "/search/?q=onerror",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert problems_in(content) == [], url
        assert "<img src=x onerror" not in content, url


def test_feeds_and_map_exports_carry_hostile_names_as_text(client, hostile_world):
    for url in ["/feeds/rss/", "/feeds/atom/", "/map.opml", "/map.mm"]:
        root = ET.fromstring(client.get(url).content)  # parses: nothing broke out of the XML
        texts = " ".join(root.itertext()) + " ".join(
            value for element in root.iter() for value in element.attrib.values()
        )
        assert SHORT in texts or "GIL" in texts, url
        assert not any(element.tag.endswith("script") for element in root.iter()), url
    data = json.loads(client.get("/map.json").content)
    assert data["topics"][0]["name"] == hostile_world["topic"].name


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def tags_in(fragment: str) -> list[str]:
    collector = TagCollector()
    collector.feed(fragment)
    collector.close()
    return collector.tags


# Bodies whose *text* holds markup: rendered correctly, it is shown as text on the page,
# and a feed must not turn it back into markup.
MARKUP_AS_TEXT = {
    "inline code": "`<script>alert(1)</script>`",
    "an escaped tag": "&lt;script&gt;alert(2)&lt;/script&gt;",
    "a heading": "# &lt;img src=x onerror=alert(3)&gt;",
    "a wikilink": "[[&lt;img src=x onerror=alert(4)&gt;]]",
}
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_html_fields(content: bytes) -> list[tuple[str, str]]:
    """What a feed reader renders as HTML: RSS descriptions, Atom html summaries.

    ElementTree undoes the XML escaping once, exactly as a reader does before it
    hands the text to its HTML renderer.
    """
    root = ET.fromstring(content)
    fields = [("description", item.findtext("description") or "") for item in root.iter("item")]
    for summary in root.iter(f"{ATOM}summary"):
        assert summary.get("type") == "html"
        fields.append(("summary", summary.text or ""))
    return fields


@pytest.mark.parametrize("body", MARKUP_AS_TEXT.values(), ids=MARKUP_AS_TEXT.keys())
@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/atom/"])
def test_feed_readers_get_markup_written_in_a_note_as_text(client, url, body):
    make_note("Markup as text", body=body)
    fields = feed_html_fields(client.get(url).content)
    assert fields
    for name, fragment in fields:
        assert tags_in(fragment) == [], (name, fragment)
        # Once rendered, the reader shows what the page shows: the text itself.
        assert "<" in html.unescape(fragment), (name, fragment)


@pytest.mark.parametrize(
    "url",
    ["/feeds/rss/", "/feeds/atom/", "/feeds/categories/{category}/rss/",
     "/feeds/categories/{category}/atom/", "/feeds/tags/{tag}/rss/", "/feeds/tags/{tag}/atom/"],
)  # fmt: skip
def test_every_feed_is_safe_html_after_a_reader_unescapes_it(client, hostile_world, url):
    note, category = hostile_world["note"], hostile_world["category"]
    tag = note.tags.get(name__startswith="tag")
    content = client.get(url.format(category=category.slug, tag=tag.slug)).content
    fields = feed_html_fields(content)
    assert any(fragment for _, fragment in fields)
    for name, fragment in fields:
        assert tags_in(fragment) == [], (name, fragment)
    # The staff-written excerpt arrives as the text it is.
    assert HOSTILE in [html.unescape(fragment) for _, fragment in fields]


@pytest.mark.parametrize("feed", ["rss", "atom"])
def test_feed_titles_are_text_holding_the_names_as_written(client, hostile_world, feed):
    category = hostile_world["category"]
    root = ET.fromstring(client.get(f"/feeds/categories/{category.slug}/{feed}/").content)
    titles = [element for element in root.iter() if element.tag in {"title", f"{ATOM}title"}]
    assert titles
    for title in titles:
        # Atom says so explicitly (no type means text); RSS titles are text by definition.
        assert title.get("type") in {None, "text"}
    assert any(category.name in (title.text or "") for title in titles)
    assert hostile_world["note"].title in [title.text for title in titles]


def test_export_writes_hostile_names_as_quoted_yaml(tmp_path: Path, hostile_world):
    import yaml

    call_command("export_notes", str(tmp_path), stdout=None)
    exported = [path for path in tmp_path.rglob("*.md") if "Title" in path.read_text("utf-8")]
    (path,) = exported
    front = yaml.safe_load(path.read_text("utf-8").split("---")[1])
    assert front["title"] == hostile_world["note"].title
    assert f"tag{SHORT}" in front["tags"]
    assert Note.objects.filter(title=front["title"]).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/notes/note/abc/history/",
        "/admin/notes/note/abc/history/1/",
        "/admin/notes/note/{note}/history/abc/",
        "/admin/notes/topic/abc/history/",
        "/admin/notes/topic/abc/history/1/",
        "/admin/notes/topic/{topic}/history/abc/",
    ],
)
def test_history_addresses_with_text_for_a_number_are_not_found(admin_client, url):
    note, topic = make_note(), make_topic("GIL")
    response = admin_client.get(url.format(note=note.pk, topic=topic.pk))
    assert response.status_code == 404
