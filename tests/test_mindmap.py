"""Map layout and exports are pure: trees of MapNodes in, geometry and files out."""

import json
import xml.etree.ElementTree as ET

from notes.map_exports import to_freemind, to_json, to_opml
from notes.mindmap import COLUMN_WIDTH, fit_label, layout_tree, node_radius, text_width
from notes.topic_map import MapNode


def tree() -> list[MapNode]:
    leaf_a = MapNode(3, "Thread", "thread", "/topics/thread/", notes=4)
    leaf_b = MapNode(4, "进程", "进程", "/topics/进程/", notes=0)
    middle = MapNode(2, "Concurrency", "concurrency", "/topics/concurrency/", 1, [leaf_a, leaf_b])
    other = MapNode(5, "Data & <model>", "data-model", "/topics/data-model/", 0)
    return [MapNode(1, "Python", "python", "/topics/python/", 0, [middle, other])]


def test_layout_places_every_node_once_and_parents_between_children():
    layout = layout_tree(tree())
    by_key = {node.key: node for node in layout.nodes}
    assert sorted(by_key) == [1, 2, 3, 4, 5]
    assert by_key[2].y == (by_key[3].y + by_key[4].y) / 2
    assert by_key[3].x - by_key[2].x == COLUMN_WIDTH
    assert len(layout.edges) == 4


def test_layout_fits_every_node_inside_the_drawing():
    layout = layout_tree(tree())
    for node in layout.nodes:
        assert node.x - node.radius > 0 and node.x + node.radius < layout.width
        assert node.y - node.radius > 0 and node.y + node.radius < layout.height


def test_node_size_grows_with_the_number_of_notes():
    assert node_radius(0) < node_radius(1) < node_radius(10)


def test_empty_map_has_no_nodes():
    layout = layout_tree([])
    assert layout.nodes == [] and layout.edges == []


def test_opml_parses_and_keeps_the_tree():
    root = ET.fromstring(to_opml(tree(), title="Topics", base_url="http://testserver/"))
    assert root.tag == "opml"
    assert root.find("head/title").text == "Topics"
    python = root.find("body/outline")
    assert python.get("text") == "Python"
    assert python.get("url") == "http://testserver/topics/python/"
    assert [o.get("text") for o in python.findall("outline")] == ["Concurrency", "Data & <model>"]
    assert [o.get("text") for o in python.find("outline").findall("outline")] == ["Thread", "进程"]


def test_freemind_parses_with_one_root_and_the_tree():
    root = ET.fromstring(to_freemind(tree(), title="Topics"))
    assert root.tag == "map"
    (python,) = root.findall("node")
    assert python.get("TEXT") == "Python"
    concurrency = python.find("node")
    assert [n.get("TEXT") for n in concurrency.findall("node")] == ["Thread", "进程"]
    assert concurrency.get("LINK") == "/topics/concurrency/"


def test_freemind_wraps_several_roots_in_one():
    roots = [MapNode(1, "A", "a", "/a/"), MapNode(2, "B", "b", "/b/")]
    root = ET.fromstring(to_freemind(roots, title="Topics"))
    (top,) = root.findall("node")
    assert top.get("TEXT") == "Topics"
    assert [n.get("TEXT") for n in top.findall("node")] == ["A", "B"]


def test_json_export_nests_children():
    data = json.loads(to_json(tree()))
    python = data["topics"][0]
    assert python["children"][0]["children"][1] == {
        "name": "进程",
        "slug": "进程",
        "url": "/topics/进程/",
        "notes": 0,
        "children": [],
    }


def test_folded_nodes_hide_their_children_and_say_so():
    layout = layout_tree(tree(), folded=frozenset({2}))
    by_key = {node.key: node for node in layout.nodes}
    assert 3 not in by_key and 4 not in by_key
    assert by_key[2].folded and by_key[2].has_children
    assert not by_key[1].folded


def test_the_current_node_is_drawn_last_with_its_label_above_it():
    layout = layout_tree(tree(), current_key=2)
    assert layout.nodes[-1].key == 2
    current = layout.nodes[-1]
    assert current.label_above and current.label_y < current.y - current.radius
    assert current.label_x == current.x


def test_a_node_seen_twice_is_drawn_once():
    shared = MapNode(9, "Lock", "lock", "/topics/lock/", 1)
    root = MapNode(1, "Deadlock", "deadlock", "/topics/deadlock/", 1, [shared, shared])
    assert [node.key for node in layout_tree([root]).nodes].count(9) == 1


def test_labels_are_cut_to_the_room_they_have():
    assert fit_label("GIL", 100) == "GIL"
    cut = fit_label("Synchronous and asynchronous calls", 120)
    assert cut.endswith("…") and text_width(cut) <= 120
    assert text_width("全局解释器锁") > text_width("GIL lock")


def test_empty_nodes_know_they_are_empty_and_count_notes_below():
    leaf = MapNode(3, "Thread", "thread", "/t/", notes=0, subtree_notes=0)
    parent = MapNode(2, "Concurrency", "c", "/c/", notes=1, subtree_notes=4, children=[leaf])
    by_key = {node.key: node for node in layout_tree([parent]).nodes}
    assert by_key[3].empty and not by_key[2].empty
    assert by_key[2].below == 3
