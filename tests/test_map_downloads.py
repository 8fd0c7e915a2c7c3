"""The map exports: ``?download=1`` makes an attachment whose file name browsers read,
and the topic map's OPML and JSON carry each topic whole, escaped."""

import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.urls import reverse

from notes.models import TopicAlias, TopicRelation
from tests.factories import make_note, make_topic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "header"),
    [
        ("Threads", 'attachment; filename="threads.{}"'),
        # RFC 6266: the UTF-8 name percent-encoded, which browsers save as 全局解释器锁.opml.
        ("全局解释器锁", "attachment; filename*=utf-8''" + quote("全局解释器锁") + ".{}"),
    ],
)
def test_a_note_map_download_names_the_file_after_its_slug(client, title, header):
    note = make_note(title, body="## One\n\n- two")
    for name, extension in [("notes:note-map-opml", "opml"), ("notes:note-map-freemind", "mm")]:
        url = reverse(name, args=[note.slug])
        assert client.get(url, {"download": "1"})["Content-Disposition"] == header.format(extension)
        assert "Content-Disposition" not in client.get(url)


def test_the_topic_map_downloads_are_attachments(client):
    make_topic("GIL")
    for name, filename in [("notes:map-opml", "python-topics.opml"),
                           ("notes:map-freemind", "python-topics.mm"),
                           ("notes:map-json", "python-topics.json")]:  # fmt: skip
        response = client.get(reverse(name), {"download": "1"})
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


@pytest.fixture
def related_map():
    """Topics whose names need escaping in XML and in a list of names."""
    functions = make_topic("Functions & <friends>", name_zh="函数", summary='Say "hi"')
    closure = make_topic("Closure|Scope", parent=functions, name_zh="闭包",
                         summary_zh="捕获变量。\n第二行。", aliases=["closures"])  # fmt: skip
    TopicAlias.objects.create(topic=closure, name="闭", whole_word=True)
    decorator = make_topic("Decorator", parent=closure, autolink=False)
    Kind = TopicRelation.Kind
    TopicRelation.objects.create(topic=decorator, kind=Kind.PREREQUISITE, other=closure)
    TopicRelation.objects.create(topic=decorator, kind=Kind.SEE_ALSO, other=functions)
    TopicRelation.objects.create(topic=closure, kind=Kind.CONTRASTS, other=functions)
    return functions


def test_the_json_download_carries_chinese_names_aliases_summaries_and_relations(
    client, related_map
):
    (functions,) = json.loads(client.get(reverse("notes:map-json")).content)["topics"]
    closure = functions["children"][0]
    decorator = closure["children"][0]
    assert (functions["name"], functions["name_zh"], functions["summary"]) == (
        "Functions & <friends>", "函数", 'Say "hi"')  # fmt: skip
    assert closure["name"] == "Closure|Scope" and closure["summary_zh"] == "捕获变量。\n第二行。"
    assert closure["aliases"] == ["closures", {"name": "闭", "whole_word": True}]
    assert closure["contrasts"] == ["Functions & <friends>"]
    assert decorator["needs"] == ["Closure|Scope"]
    assert decorator["see_also"] == ["Functions & <friends>"]
    assert decorator["autolink"] is False


def test_the_json_download_names_topics_by_their_own_name_in_a_chinese_interface(
    client, related_map
):
    data = json.loads(client.get(reverse("notes:map-json"), HTTP_ACCEPT_LANGUAGE="zh-CN").content)
    assert data["topics"][0]["name"] == "Functions & <friends>"
    assert data["topics"][0]["name_zh"] == "函数"


def test_the_opml_download_carries_them_as_escaped_attributes(client, related_map):
    content = client.get(reverse("notes:map-opml")).content.decode()
    assert 'name="Functions &amp; &lt;friends&gt;"' in content
    assert "&#10;" in content  # the summary's line break, kept in an attribute
    functions = ET.fromstring(content).find("body/outline")
    closure = functions.find("outline")
    decorator = closure.find("outline")
    assert (functions.get("name"), functions.get("name_zh")) == ("Functions & <friends>", "函数")
    assert closure.get("summary_zh") == "捕获变量。\n第二行。"
    assert (closure.get("aliases"), closure.get("whole_word_aliases")) == ("closures|闭", "闭")
    assert closure.get("contrasts") == "Functions & <friends>"
    assert decorator.get("needs") == "Closure\\|Scope"  # a "|" in a name is escaped
    assert decorator.get("see_also") == "Functions & <friends>"
    assert decorator.get("autolink") == "false"
    chinese = client.get(reverse("notes:map-opml"), HTTP_ACCEPT_LANGUAGE="zh-CN").content
    assert ET.fromstring(chinese).find("body/outline").get("text") == "函数"
