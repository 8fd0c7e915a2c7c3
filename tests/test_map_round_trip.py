"""A topic map downloaded as JSON or OPML loads back the same through
``import_topic_map``; a file that cannot be loaded gets one sentence and changes nothing."""

import json
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from notes.map_imports import MAX_DEPTH
from notes.models import Topic, TopicAlias, TopicRelation
from notes.topic_map import load_topic_map

pytestmark = pytest.mark.django_db

MAP = [
    {
        "name": "Functions & <friends>",
        "name_zh": "函数",
        "summary": 'Functions, "first-class".\n\nA second paragraph.',
        "summary_zh": "函数是一等公民。",
        "aliases": ["function", "def"],
        "children": [
            {
                "name": "Closure|Scope",
                "name_zh": "闭包",
                "aliases": ["closures", {"name": "闭", "whole_word": True}],
                "contrasts": ["Class"],
                "children": [
                    {
                        "name": "Decorator",
                        "name_zh": "装饰器",
                        "autolink": False,
                        "needs": ["Closure|Scope", "Functions & <friends>"],
                        "see_also": ["Class"],
                    },
                    {"name": "Back\\slash", "needs": ["Decorator"]},
                ],
            },
            {"name": "Lambda", "see_also": ["Closure|Scope"]},
        ],
    },
    {"name": "Class", "name_zh": "类", "summary": "Blueprints."},
]


def snapshot():
    """Everything a map file holds, as the database has it."""
    topics = {
        topic.name: {
            "name_zh": topic.name_zh,
            "summary": topic.summary,
            "summary_zh": topic.summary_zh,
            "autolink": topic.autolink,
            "parent": topic.parent.name if topic.parent else None,
            "position": topic.position,
        }
        for topic in Topic.objects.select_related("parent")
    }
    aliases = {(alias.topic.name, alias.name, alias.whole_word)
               for alias in TopicAlias.objects.select_related("topic")}  # fmt: skip
    relations = {
        (relation.topic.name, relation.kind, relation.other.name)
        for relation in TopicRelation.objects.select_related("topic", "other")
    }
    return topics, aliases, relations


@pytest.fixture
def loaded():
    assert load_topic_map(MAP) == 6
    before = snapshot()
    kinds = {kind for _, kind, _ in before[2]}
    assert kinds == {"prerequisite", "see_also", "contrasts"}
    assert len(before[2]) == 6 and len(before[1]) == 4
    return before


def wipe() -> None:
    Topic.objects.all().delete()
    assert not TopicAlias.objects.exists() and not TopicRelation.objects.exists()


def import_file(tmp_path, name: str, content: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    out = StringIO()
    call_command("import_topic_map", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("extension", ["json", "opml"])
@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_a_downloaded_map_imports_back_the_same(client, tmp_path, loaded, extension, language):
    content = client.get(f"/map.{extension}", HTTP_ACCEPT_LANGUAGE=language).content
    wipe()
    output = import_file(tmp_path, f"map.{extension}", content)
    assert output == f"Loaded 6 topics from map.{extension}.\n"
    assert snapshot() == loaded


def test_the_json_download_loads_as_it_is_with_load_topic_map(client, loaded):
    data = json.loads(client.get("/map.json").content)
    wipe()
    assert load_topic_map(data["topics"]) == 6
    assert snapshot() == loaded
    wipe()
    assert load_topic_map(data) == 6  # the whole file, {"topics": [...]}, loads too
    assert snapshot() == loaded


def test_importing_a_map_over_itself_changes_nothing(client, tmp_path, loaded):
    for extension in ["opml", "json"]:
        import_file(tmp_path, f"map.{extension}", client.get(f"/map.{extension}").content)
        assert snapshot() == loaded


def test_a_yaml_map_imports_like_the_starter_map(tmp_path):
    output = import_file(tmp_path, "topics.yml", yaml.safe_dump(MAP, allow_unicode=True))
    assert output == "Loaded 6 topics from topics.yml.\n"
    assert Topic.objects.get(name="Decorator").parent.name == "Closure|Scope"


def test_a_see_also_named_from_both_ends_is_one_relation(tmp_path):
    entries = [{"name": "A", "see_also": ["B"]}, {"name": "B", "see_also": ["A"]}]
    import_file(tmp_path, "map.json", json.dumps(entries))
    assert list(TopicRelation.objects.values_list("topic__name", "kind", "other__name")) == [
        ("A", "see_also", "B")
    ]


DEEP = MAX_DEPTH + 1
NESTED = "<opml><body>" + "<outline text='x'>" * DEEP + "</outline>" * DEEP + "</body></opml>"
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<opml version="2.0"><body><outline text="&lol2;"/></body></opml>"""
NESTED_ENTRIES: list = []
for level in range(DEEP):
    NESTED_ENTRIES = [{"name": f"Level {level}", "children": NESTED_ENTRIES}]
CYCLE = "- name: A\n  needs: [B]\n- name: B\n  needs: [A]\n"


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("map.opml", "<opml><body><outline text='A'></body>", "not well-formed XML (mismatched"),
        ("map.opml", LAUGHS, "declares a document type or entities"),
        ("map.opml", "<rss version='2.0'/>", "not OPML: its root element is <rss>"),
        ("map.opml", "<opml version='2.0'><head/></opml>", "has no <body>"),
        ("map.opml", "<opml><body><outline text=' '/></body></opml>", "outline 1 under the root"),
        ("map.opml", NESTED, f"nest deeper than {MAX_DEPTH} levels"),
        ("map.opml", b"<opml>\xff</opml>", "not UTF-8 text"),
        ("map.opml", '<opml><body><outline text="A" needs="Nowhere"/></body></opml>',
         "A names 'Nowhere', which is not a topic"),
        ("map.opml", '<opml><body><outline text="A" autolink="maybe"/></body></opml>',
         "autolink of A is 'maybe'"),
        ("map.json", '{"topics": [', "not valid JSON: Expecting value"),
        ("map.json", '{"topics": 5}', "a topic map is a list of topics"),
        ("map.json", '[{"name": "A", "aliases": "A1"}]', "aliases of A are not a list"),
        ("map.json", '[{"summary": "nameless"}]', "entry 1 under the root has no name"),
        ("map.json", "[" * 100_000 + "]" * 100_000, "nests too deep"),
        ("map.json", json.dumps([{"name": "A" * 101}]), "longer than 100 characters"),
        ("map.json", json.dumps([{"name": "A", "aliases": [{"whole_word": True}]}]),
         "an alias of A has no name"),
        ("map.json", json.dumps([{"name": "A", "needs": "B"}]), "needs of A is not a list"),
        ("map.json", b'[{"name": "\xe9"}]', "not UTF-8 text (byte 12 cannot be read)"),
        ("map.json", json.dumps(NESTED_ENTRIES), f"nest deeper than {MAX_DEPTH} levels"),
        ("map.yaml", "- name: [unclosed", "not valid YAML"),
        ("map.yaml", CYCLE, "Prerequisites cannot go round in a loop"),
        ("map.yml", '- name: "A\\u202eB"', "reverses the direction of text"),
        ("map.txt", "- name: A", "give a .yaml, .yml, .json or .opml file"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_loaded_gets_one_sentence_and_changes_nothing(
    tmp_path, loaded, name, content, says
):
    with pytest.raises(CommandError) as refused:
        import_file(tmp_path, name, content)
    message = str(refused.value)
    assert says in message
    assert message.startswith(name) and message.endswith(".") and "\n" not in message
    assert "Traceback" not in message
    assert snapshot() == loaded


def test_a_missing_file_gets_a_sentence(tmp_path):
    with pytest.raises(CommandError, match=r"cannot be read: No such file or directory\.$"):
        call_command("import_topic_map", str(tmp_path / "gone.opml"))


def test_a_map_refused_half_way_leaves_no_topic_behind(tmp_path):
    entries = [{"name": "First"}, {"name": "Second", "needs": ["First", "Nowhere"]}]
    with pytest.raises(CommandError, match="Second names 'Nowhere', which is not a topic"):
        import_file(tmp_path, "map.json", json.dumps(entries))
    assert not Topic.objects.exists() and not TopicRelation.objects.exists()


def test_a_map_the_database_refuses_gets_a_sentence(tmp_path, monkeypatch):
    from django.db import DatabaseError

    def refuse(entries):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr("notes.management.commands.import_topic_map.load_topic_map", refuse)
    with pytest.raises(CommandError, match=r"the database refused it: disk I/O error\.$"):
        import_file(tmp_path, "map.json", "[]")
