import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from notes.models import Topic, TopicRelation
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
    links = {
        a.get("href"): a.find(f"{SVG}text").text
        for a in svg.iter(f"{SVG}a")
        if a.get("class") == "node-link"
    }
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


def test_find_a_topic_without_javascript_goes_to_its_page_or_the_search(client, small_map):
    response = client.get(reverse("notes:topic-find"), {"q": " 全局解释器锁 "})
    assert response.status_code == 302
    assert response["Location"] == small_map["gil"].get_absolute_url()
    assert client.get(reverse("notes:topic-find"), {"q": "gil"})["Location"] == "/topics/gil/"
    missing = client.get(reverse("notes:topic-find"), {"q": "metaclass"})
    assert missing["Location"] == "/search/?q=metaclass"


def test_folded_branches_are_left_out_of_the_map_and_toggle_back(client, small_map):
    layout = client.get(reverse("notes:map"), {"fold": "concurrency,nothing"}).context["layout"]
    names = {node.name for node in layout.nodes}
    assert "GIL" not in names and "Concurrency" in names
    concurrency = next(node for node in layout.nodes if node.name == "Concurrency")
    assert concurrency.folded and concurrency.toggle == "?"
    python = next(node for node in layout.nodes if node.name == "Python")
    assert python.toggle == "?fold=concurrency%2Cpython"


def test_topic_page_counts_own_notes_and_those_through_subtopics(client, small_map):
    make_note("About concurrency", body="并发 and the GIL.")
    make_note("Only the GIL", body="The GIL.")
    make_note("Only threads", body="线程。")
    make_draft("Draft on threads", body="线程。")
    response = client.get(reverse("notes:topic-detail", args=["concurrency"]))
    content = response.content.decode()
    assert "1 note mentions Concurrency, 2 more through its subtopics." in content
    assert [note.title for note in response.context["through"]] == ["Only threads", "Only the GIL"]
    assert [note.via.name for note in response.context["through"]] == ["Thread", "GIL"]
    python = client.get(reverse("notes:topic-detail", args=["python"])).content.decode()
    assert "No note mentions Python itself; 3 do through its subtopics." in python


def test_a_topic_without_notes_says_so_and_offers_staff_to_write_one(client, admin_client,
                                                                     small_map):  # fmt: skip
    for who in (client, admin_client):
        page = who.get(reverse("notes:topic-detail", args=["closure"])).content.decode()
        assert "There are no notes about Closure yet" in page
        assert 'href="/search/?q=Closure"' in page
        assert 'href="/search/?q=%E9%97%AD%E5%8C%85"' in page  # and its alias, 闭包
    assert (
        "/admin/notes/note/add/?title=Closure"
        in admin_client.get("/topics/closure/").content.decode()
    )
    assert "/admin/notes/note/add/" not in client.get("/topics/closure/").content.decode()


def test_related_topics_leave_out_the_topics_own_subtree_and_parent(client, small_map):
    make_note(body="并发, GIL, 线程 and 闭包.")
    related = client.get(reverse("notes:topic-detail", args=["concurrency"])).context["related"]
    assert [topic.name for topic in related] == ["Closure"]


def test_a_mention_card_carries_its_notes_language(client):
    make_topic("GIL", aliases=["全局解释器锁"])
    make_note("锁", body="CPython 的全局解释器锁让同一时刻只有一个线程执行字节码。")
    content = client.get("/topics/gil/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<article class="note-card mention" lang="zh">' in content


def test_related_topics_rank_by_notes_in_common_and_show_the_number(client, small_map):
    # Hashing is in two of the three notes, as often as chance would put it there
    # (it is in two of the site's notes for readers): not a suggestion.
    make_topic("Hashing", aliases=["哈希"])
    make_note(body="GIL 和闭包。")
    make_note(body="GIL, 闭包 and 哈希.")
    make_note(body="GIL 和哈希，再说闭包。")
    make_draft("Draft", body="GIL 哈希 哈希")
    response = client.get(reverse("notes:topic-detail", args=["gil"]))
    related = response.context["related"]
    assert [(topic.name, topic.shared) for topic in related] == [("Closure", 3), ("Thread", 0)]
    content = response.content.decode()
    assert (
        '<a href="/topics/closure/">Closure</a> <span class="count" title="notes in common">3'
        in content
    )


def test_topics_named_as_related_come_first_without_a_count(client, small_map):
    hashing = make_topic("Hashing", aliases=["哈希"])
    TopicRelation.objects.create(topic=small_map["gil"], other=hashing, kind="see_also")
    make_note(body="GIL 和闭包。")
    response = client.get(reverse("notes:topic-detail", args=["gil"]))
    assert response.status_code == 200
    # Closure shares one note only: too few to suggest; Thread, a sibling, fills the list.
    assert [(topic.name, topic.relation, topic.shared)
            for topic in response.context["related"]] == [
        ("Hashing", "see also", None), ("Thread", "", 0),
    ]  # fmt: skip
    content = response.content.decode()
    assert (
        '<a href="/topics/hashing/">Hashing</a> <span class="meta relation">(see also)</span></li>'
        in (content)
    )
    # Related both ways: the other topic's page names this one.
    related = client.get(reverse("notes:topic-detail", args=["hashing"])).context["related"]
    assert [topic.name for topic in related][0] == "GIL"


def test_a_topic_page_links_the_tags_that_name_it_and_keeps_prerequisites_out_of_related(
    client, small_map
):
    TopicRelation.objects.create(topic=small_map["gil"], other=small_map["thread"],
                                 kind="prerequisite")  # fmt: skip
    make_note(body="GIL 和线程。", tags=["GIL"])
    make_draft("Draft", body="GIL", tags=["全局解释器锁"])
    response = client.get(reverse("notes:topic-detail", args=["gil"]))
    content = response.content.decode()
    assert '<a href="/tags/gil/">#GIL</a>' in content
    assert "#全局解释器锁" not in content  # a tag of drafts only is not shown to readers
    # Thread is "Before this", not "Related topics" too.
    assert [topic.name for topic in response.context["before"]] == ["Thread"]
    assert "Thread" not in [topic.name for topic in response.context["related"]]
