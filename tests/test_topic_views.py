import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from notes.models import Topic
from tests.factories import make_draft, make_note, make_topic

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def small_map():
    python = make_topic("Python", autolink=False)
    concurrency = make_topic("Concurrency", parent=python, aliases=["并发"])
    gil = make_topic("GIL", parent=concurrency, aliases=["全局解释器锁"], summary="One lock.")
    thread = make_topic("Thread", parent=concurrency, aliases=["线程"])
    make_topic("Closure", parent=python, aliases=["闭包"])
    return {"python": python, "gil": gil, "thread": thread}


def test_topic_page_shows_path_summary_subtopics_and_mentioning_notes(client, small_map):
    make_note("Lots", body="GIL GIL GIL，线程。")
    make_note("Once", body="全局解释器锁一次。")
    response = client.get(reverse("notes:topic-detail", args=["gil"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert [t.name for t in response.context["path"]] == ["Python", "Concurrency"]
    assert "One lock." in content
    mentions = list(response.context["page_obj"].object_list)
    assert [m.note.title for m in mentions] == ["Lots", "Once"]
    assert "全局解释器锁一次。" in content
    assert [t.name for t in response.context["related"]] == ["Thread"]


def test_topic_page_local_map_shows_parent_children_and_related(client, small_map):
    make_note(body="线程 and GIL")
    response = client.get(reverse("notes:topic-detail", args=["concurrency"]))
    names = {node.name for node in response.context["local_map"].nodes}
    assert names == {"Python", "Concurrency", "GIL", "Thread"}


def test_unknown_topic_is_404(client):
    assert client.get(reverse("notes:topic-detail", args=["nothing"])).status_code == 404


def test_note_page_lists_its_topics_and_notes_linking_to_it(client, small_map):
    target = make_note("Target", body="GIL and 线程 and 线程")
    make_note("Fan", body="See [[Target]].")
    make_draft("Secret fan", body="See [[Target]].")
    response = client.get(target.get_absolute_url())
    assert [t.name for t in response.context["topics"]] == ["Thread", "GIL"]
    assert [n.title for n in response.context["linked_from"]] == ["Fan"]
    assert "Secret fan" not in response.content.decode()


def test_map_svg_has_every_topic_as_a_link(client, small_map):
    response = client.get(reverse("notes:map"))
    assert response.status_code == 200
    content = response.content.decode()
    start, end = content.index("<svg"), content.index("</svg>") + len("</svg>")
    svg = ET.fromstring(content[start:end])
    links = {a.get("href"): a.find(f"{SVG}text").text for a in svg.iter(f"{SVG}a")}
    assert links == {topic.get_absolute_url(): topic.name for topic in Topic.objects.all()}


def test_map_node_size_counts_only_published_notes_for_readers(client, admin_client, small_map):
    make_note(body="GIL")
    make_draft(body="GIL")

    def gil_notes(some_client):
        layout = some_client.get(reverse("notes:map")).context["layout"]
        return next(node.notes for node in layout.nodes if node.name == "GIL")

    assert gil_notes(client) == 1
    assert gil_notes(admin_client) == 2


def test_map_opml_and_freemind_downloads_parse_as_xml(client, small_map):
    opml = client.get(reverse("notes:map-opml"), {"download": "1"})
    assert opml["Content-Disposition"] == 'attachment; filename="python-topics.opml"'
    root = ET.fromstring(opml.content)
    assert root.find("body/outline").get("text") == "Python"
    freemind = ET.fromstring(client.get(reverse("notes:map-freemind")).content)
    concurrency = freemind.find("node/node[@TEXT='Concurrency']")
    assert [n.get("TEXT") for n in concurrency.findall("node")] == ["GIL", "Thread"]
    assert concurrency.find("node").get("LINK") == "http://testserver/topics/gil/"


def test_map_json_export(client, small_map):
    data = json.loads(client.get(reverse("notes:map-json")).content)
    assert [child["name"] for child in data["topics"][0]["children"]] == ["Closure", "Concurrency"]


def test_empty_map_says_so(client):
    response = client.get(reverse("notes:map"))
    assert response.status_code == 200
    assert "No topics yet" in response.content.decode()


def test_a_mention_card_carries_its_notes_language(client):
    make_topic("GIL", aliases=["全局解释器锁"])
    make_note("锁", body="CPython 的全局解释器锁让同一时刻只有一个线程执行字节码。")
    content = client.get("/topics/gil/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<article class="note-card mention" lang="zh">' in content
