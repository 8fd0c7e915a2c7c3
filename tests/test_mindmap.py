"""Map layout and exports are pure: trees of MapNodes in, geometry and files out."""

import json
import xml.etree.ElementTree as ET

import pytest

from notes.map_exports import to_freemind, to_json, to_opml
from notes.map_imports import parse_opml
from notes.mindmap import (
    COLUMN_WIDTH,
    CONTRASTS,
    PREREQUISITE,
    SEE_ALSO,
    fit_label,
    fold_layout,
    layout_tree,
    map_address,
    map_links,
    node_radius,
    text_width,
)
from notes.mindmap_svg import render_svg
from notes.topic_map import MapNode

SVG = "{http://www.w3.org/2000/svg}"


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
        "name_zh": "",
        "slug": "进程",
        "url": "/topics/进程/",
        "notes": 0,
        "aliases": [],
        "summary": "",
        "summary_zh": "",
        "autolink": True,
        "docs": [],
        "needs": [],
        "see_also": [],
        "contrasts": [],
        "children": [],
    }


def test_folded_nodes_hide_their_children_and_say_so():
    layout = layout_tree(tree(), folded=frozenset({2}))
    by_key = {node.key: node for node in layout.nodes}
    assert 3 not in by_key and 4 not in by_key
    assert by_key[2].folded and by_key[2].has_children
    assert not by_key[1].folded


def test_the_current_node_keeps_its_place_in_the_tree_and_is_drawn_again_on_top():
    layout = layout_tree(tree(), current_key=2)
    assert [node.key for node in layout.nodes] == [1, 2, 3, 4, 5]
    current = layout.nodes[1]
    assert current.label_above and current.label_y < current.y - current.radius
    assert current.label_x == current.x
    nodes = ET.fromstring(render_svg(layout, svg_id="m", title="M")).find(
        f"{SVG}g[@class='mindmap-nodes']"
    )
    last = list(nodes)[-1]
    assert last.get("class") == "node depth-1 node-current node-on-top"
    assert last.get("aria-hidden") == "true" and last.find(f"{SVG}a") is None
    assert last.find(f"{SVG}text").text == "Concurrency"
    link = nodes.find(f"{SVG}g[@id='m-2']/{SVG}a[@class='node-link']")
    assert link.get("aria-current") == "page"


def test_nodes_come_in_the_order_of_the_tree_each_parent_before_its_children():
    # Tab follows the drawing's order: Python, its first branch all through, then the next.
    assert [node.key for node in layout_tree(tree()).nodes] == [1, 2, 3, 4, 5]
    folded = layout_tree(tree(), folded=frozenset({2}))
    assert [node.key for node in folded.nodes] == [1, 2, 5]


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


def related_tree() -> list[MapNode]:
    """Functions > Closure > Decorator, and Functions > Generator: the decorator needs
    closures first, generators contrast with closures, and see closures too."""
    decorator = MapNode(3, "Decorator", "decorator", "/topics/decorator/", 1,
                        relations=[(PREREQUISITE, 2)])  # fmt: skip
    closure = MapNode(2, "Closure", "closure", "/topics/closure/", 1, [decorator],
                      relations=[(CONTRASTS, 4)])  # fmt: skip
    generator = MapNode(4, "Generator", "generator", "/topics/generator/", 1,
                        relations=[(SEE_ALSO, 2), (PREREQUISITE, 1)])  # fmt: skip
    return [MapNode(1, "Functions", "functions", "/topics/functions/", 1, [closure, generator])]


def test_map_links_point_from_the_topic_to_learn_first_to_the_one_that_needs_it():
    links = map_links(related_tree())
    assert sorted(links) == [(CONTRASTS, 2, 4), (PREREQUISITE, 1, 4), (PREREQUISITE, 2, 3)]
    assert map_links(related_tree(), kinds=[PREREQUISITE]) == [(PREREQUISITE, 2, 3),
                                                              (PREREQUISITE, 1, 4)]  # fmt: skip


def test_a_prerequisite_arrow_runs_from_circle_to_circle_inside_the_drawing():
    roots = related_tree()
    layout = layout_tree(roots, links=map_links(roots, kinds=[PREREQUISITE]))
    by_key = {node.key: node for node in layout.nodes}
    arrow = next(arrow for arrow in layout.arrows if arrow.target == 3)
    closure, decorator = by_key[2], by_key[3]
    assert (arrow.kind, arrow.source_name, arrow.target_name) == (
        PREREQUISITE, "Closure", "Decorator")  # fmt: skip
    # It starts just outside the prerequisite's circle and stops short of the other's.
    start = abs(complex(arrow.x1 - closure.x, arrow.y1 - closure.y))
    end = abs(complex(arrow.x2 - decorator.x, arrow.y2 - decorator.y))
    assert closure.radius < start < closure.radius + 10
    assert decorator.radius < end < decorator.radius + 15
    for arrow in layout.arrows:
        assert 0 < arrow.bend_x < layout.width and 0 < arrow.bend_y < layout.height
        assert arrow.path.startswith("M") and " Q" in arrow.path


def test_an_arrow_within_one_column_bends_to_the_left_clear_of_the_labels():
    roots = related_tree()
    layout = layout_tree(roots, links=[(CONTRASTS, 2, 4)])
    (arrow,) = layout.arrows
    by_key = {node.key: node for node in layout.nodes}
    assert by_key[2].x == by_key[4].x
    assert arrow.bend_x < by_key[2].x - 5


def test_the_layout_draws_no_arrow_unless_asked_and_none_to_a_folded_away_node():
    assert layout_tree(related_tree()).arrows == []
    roots = related_tree()
    folded = layout_tree(roots, folded=frozenset({2}), links=map_links(roots))
    # Closure folded: its Decorator is not drawn, nor the arrow to it.
    assert {(arrow.source, arrow.target) for arrow in folded.arrows} == {(1, 4), (2, 4)}
    assert layout_tree(roots, links=[(PREREQUISITE, 1, 99)]).arrows == []


def test_no_arrow_joins_circles_that_almost_touch():
    busy = [MapNode(key, f"Busy {key}", f"busy-{key}", "/b/", notes=25) for key in (2, 3)]
    roots = [MapNode(1, "Root", "root", "/r/", children=busy)]
    assert layout_tree(roots, links=[(PREREQUISITE, 2, 3)]).arrows == []


def test_a_see_also_line_is_titled_with_both_names():
    roots = related_tree()
    svg = render_svg(layout_tree(roots, links=map_links(roots, kinds=[SEE_ALSO])),
                     svg_id="m", title="M")  # fmt: skip
    path = ET.fromstring(svg).find(f"{SVG}g[@class='mindmap-arrows']/{SVG}path")
    assert path.get("class") == "arrow arrow-see_also" and path.get("marker-end") is None
    assert path.find(f"{SVG}title").text == "Generator – Closure"


def test_the_same_link_twice_is_one_arrow():
    layout = layout_tree(related_tree(), links=[(PREREQUISITE, 2, 3), (PREREQUISITE, 2, 3)])
    assert len(layout.arrows) == 1


def test_arrows_are_drawn_over_the_branches_and_under_the_nodes():
    roots = related_tree()
    layout = layout_tree(roots, links=map_links(roots))
    svg = render_svg(layout, svg_id="map", title="Map")
    root = ET.fromstring(svg)
    groups = [group.get("class") for group in root.findall(f"{SVG}g")]
    assert groups == ["mindmap-edges", "mindmap-arrows", "mindmap-nodes"]
    arrows = root.findall(f"{SVG}g[@class='mindmap-arrows']/{SVG}path")
    kinds = {arrow.get("class"): arrow for arrow in arrows}
    assert set(kinds) == {"arrow arrow-prerequisite", "arrow arrow-contrasts"}
    needs = [arrow for arrow in arrows if arrow.get("class") == "arrow arrow-prerequisite"]
    assert all(arrow.get("marker-end") == "url(#map-needs-head)" for arrow in needs)
    assert kinds["arrow arrow-contrasts"].get("marker-end") is None
    titles = {arrow.find(f"{SVG}title").text for arrow in arrows}
    assert "Decorator needs Closure first" in titles
    assert "Closure contrasts with Generator" in titles
    assert root.find(f"{SVG}defs/{SVG}marker").get("id") == "map-needs-head"


def test_a_map_without_arrows_is_drawn_as_before():
    svg = render_svg(layout_tree(tree()), svg_id="map", title="Map")
    assert "mindmap-arrows" not in svg and "<defs>" not in svg and "marker" not in svg


def test_arrow_titles_are_escaped():
    lt = MapNode(2, "a < b", "lt", "/lt/", relations=[(PREREQUISITE, 1)])
    roots = [MapNode(1, 'Tom & "Jerry"', "tom", "/tom/", children=[lt])]
    svg = render_svg(layout_tree(roots, links=map_links(roots)), svg_id="m", title="M")
    title = ET.fromstring(svg).find(f"{SVG}g[@class='mindmap-arrows']/{SVG}path/{SVG}title")
    assert title.text == 'a < b needs Tom & "Jerry" first'


def test_fold_toggles_keep_the_other_query_parameters():
    layout, folded = fold_layout(related_tree(), "closure", keep={"arrows": "off"})
    by_key = {node.key: node for node in layout.nodes}
    assert folded == ["closure"]
    assert by_key[2].toggle == "?arrows=off"
    assert by_key[1].toggle == "?fold=closure%2Cfunctions&arrows=off"
    plain, _ = fold_layout(related_tree(), "")
    assert {node.key: node.toggle for node in plain.nodes if node.has_children}[2] == (
        "?fold=closure")  # fmt: skip


@pytest.mark.parametrize(
    ("fold", "keep", "address"),
    [("", None, "?"), ("", {"arrows": "off"}, "?arrows=off"), ("a,b", {}, "?fold=a%2Cb")],
)
def test_map_address_is_the_whole_map_when_nothing_is_asked(fold, keep, address):
    assert map_address(fold, keep) == address


def test_a_node_is_found_by_every_name_it_goes_by():
    node = MapNode(1, "闭包", "closure", "/c/", topic_name="Closure", name_zh="闭包",
                   aliases=["closures", "闭包"])  # fmt: skip
    assert node.own_name == "Closure"
    (placed,) = layout_tree([node]).nodes
    assert placed.name == "闭包"
    assert placed.aliases == ("Closure", "closures")
    svg = render_svg(layout_tree([node]), svg_id="m", title="M")
    assert ET.fromstring(svg).find(f".//{SVG}g[@data-key='1']").get("data-names") == (
        "闭包|Closure|closures")  # fmt: skip


def detailed_tree() -> list[MapNode]:
    """Topics as build_map(with_details=True) gives them, in a Chinese interface."""
    decorator = MapNode(
        3, "装饰器", "decorator", "/topics/decorator/", 2, topic_name="Decorator",
        name_zh="装饰器", aliases=["decorators", "a|b\\c"], summary="Wraps <functions> & more",
        relations=[(PREREQUISITE, 2), (PREREQUISITE, 1)],
    )  # fmt: skip
    closure = MapNode(
        2, "闭包", "closure", "/topics/closure/", 1, [decorator], topic_name="Closure",
        name_zh="闭包", aliases=["锁"], whole_word=["锁"], summary_zh="捕获变量的函数。",
        relations=[(CONTRASTS, 4), (SEE_ALSO, 1)],
    )  # fmt: skip
    other = MapNode(4, 'Class "C"', "class", "/topics/class/", topic_name='Class "C"',
                    autolink=False)  # fmt: skip
    return [MapNode(1, "函数", "functions", "/topics/functions/", 3, [closure, other],
                    topic_name="Functions", name_zh="函数")]  # fmt: skip


def test_opml_export_carries_names_and_relations_as_attributes():
    root = ET.fromstring(to_opml(detailed_tree(), title="Topics"))
    functions = root.find("body/outline")
    assert (functions.get("text"), functions.get("name"), functions.get("name_zh")) == (
        "函数", "Functions", "函数")  # fmt: skip
    closure = functions.find("outline")
    assert closure.get("contrasts") == 'Class "C"'
    assert closure.get("see_also") == "Functions"
    assert closure.get("whole_word_aliases") == "锁" and closure.get("summary") is None
    decorator = closure.find("outline")
    assert decorator.get("needs") == "Closure|Functions"
    assert decorator.get("aliases") == "decorators|a\\|b\\\\c"
    assert decorator.get("summary") == "Wraps <functions> & more"
    assert functions.findall("outline")[1].get("autolink") == "false"


def test_json_export_is_a_map_file_with_relations_by_kind():
    (functions,) = json.loads(to_json(detailed_tree()))["topics"]
    closure = functions["children"][0]
    assert (functions["name"], functions["name_zh"]) == ("Functions", "函数")
    assert closure["aliases"] == [{"name": "锁", "whole_word": True}]
    assert (closure["see_also"], closure["contrasts"], closure["needs"]) == (
        ["Functions"], ['Class "C"'], [])  # fmt: skip
    assert closure["children"][0]["needs"] == ["Closure", "Functions"]
    assert functions["children"][1]["autolink"] is False


def test_opml_export_reads_back_as_the_json_exports_entries():
    def entries(topics):
        """The JSON's topics without what only other programs read (slug, url, notes)."""
        return [
            {key: entries(value) if key == "children" else value
             for key, value in topic.items() if key not in {"slug", "url", "notes"}}
            for topic in topics
        ]  # fmt: skip

    expected = entries(json.loads(to_json(detailed_tree()))["topics"])
    assert parse_opml(to_opml(detailed_tree(), title="Topics")) == expected
    assert parse_opml(to_opml(detailed_tree(), title="Topics").encode()) == expected


def test_a_note_outline_exports_as_before_without_topic_attributes():
    root = ET.fromstring(to_opml(tree(), title="Topics"))
    assert set(root.find("body/outline").attrib) == {"text", "type", "url", "notes"}


@pytest.fixture
def related_topics(db):
    """Functions > Closure > Decorator, Functions > Generator and Lambda: the decorator
    and the generator need closures first; lambdas contrast with closures."""
    from notes.models import TopicRelation
    from tests.factories import make_topic

    functions = make_topic("Functions", name_zh="函数")
    closure = make_topic("Closure", parent=functions, name_zh="闭包", aliases=["closures"])
    decorator = make_topic("Decorator", parent=closure, name_zh="装饰器", aliases=["@装饰"])
    generator = make_topic("Generator", parent=functions)
    lambda_ = make_topic("Lambda", parent=functions)
    Kind = TopicRelation.Kind
    TopicRelation.objects.create(topic=decorator, kind=Kind.PREREQUISITE, other=closure)
    TopicRelation.objects.create(topic=generator, kind=Kind.PREREQUISITE, other=closure)
    TopicRelation.objects.create(topic=lambda_, kind=Kind.CONTRASTS, other=closure)
    return {"functions": functions, "closure": closure, "decorator": decorator,
            "generator": generator}  # fmt: skip


def map_svg(response) -> ET.Element:
    content = response.content.decode()
    return ET.fromstring(content[content.index("<svg") : content.index("</svg>") + 6])


def drawn_arrows(response) -> set[tuple[str, str, str]]:
    """(kind, from, to) of each arrow, by the names of the topics' slugs."""
    layout = response.context["layout"]
    slugs = {node.key: node.slug for node in layout.nodes}
    svg_arrows = map_svg(response).findall(f"{SVG}g[@class='mindmap-arrows']/{SVG}path")
    assert len(svg_arrows) == len(layout.arrows)
    return {(arrow.kind, slugs[arrow.source], slugs[arrow.target]) for arrow in layout.arrows}


def test_the_map_draws_an_arrow_from_each_prerequisite_to_the_topic_needing_it(
    client, related_topics
):
    response = client.get("/map/")
    assert drawn_arrows(response) == {
        (PREREQUISITE, "closure", "decorator"),
        (PREREQUISITE, "closure", "generator"),
        (CONTRASTS, "lambda", "closure"),
    }
    content = response.content.decode()
    assert 'class="legend-line legend-needs"' in content
    assert 'class="legend-line legend-contrasts"' in content
    assert 'class="map-arrows-switch" href="?arrows=off"' in content


def test_tree_only_hides_the_arrows_and_keeps_the_folds(client, related_topics):
    response = client.get("/map/", {"arrows": "off", "fold": "closure"})
    assert drawn_arrows(response) == set()
    content = response.content.decode()
    assert "mindmap-arrows" not in content and "legend-needs" not in content
    # The switch back keeps the fold; the folds' own links keep the tree alone.
    assert 'class="map-arrows-switch" href="?fold=closure"' in content
    assert 'class="map-unfold-all" href="?arrows=off"' in content
    toggles = {node.slug: node.toggle for node in response.context["layout"].nodes}
    assert toggles["closure"] == "?arrows=off"
    assert toggles["functions"] == "?fold=closure%2Cfunctions&arrows=off"


def test_an_arrow_is_drawn_only_when_both_its_topics_are(client, related_topics):
    response = client.get("/map/", {"fold": "closure"})
    assert drawn_arrows(response) == {
        (PREREQUISITE, "closure", "generator"),
        (CONTRASTS, "lambda", "closure"),
    }


def test_a_map_without_relations_offers_no_switch_and_no_arrow_legend(client, db):
    from tests.factories import make_topic

    make_topic("GIL", parent=make_topic("Concurrency"))
    content = client.get("/map/").content.decode()
    assert "map-arrows-switch" not in content and "legend-needs" not in content
    assert "legend-tree" in content


def test_the_map_speaks_the_readers_language(client, related_topics):
    english = client.get("/map/")
    chinese = client.get("/map/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    names = {node.slug: node.name for node in chinese.context["layout"].nodes}
    assert names == {"functions": "函数", "closure": "闭包", "decorator": "装饰器",
                     "generator": "Generator", "lambda": "Lambda"}  # fmt: skip
    labels = {a.find(f"{SVG}text").text for a in map_svg(chinese).iter(f"{SVG}a")
              if a.get("class") == "node-link"}  # fmt: skip
    assert {"函数", "闭包", "装饰器", "Generator"} <= labels
    assert "闭包" not in {node.name for node in english.context["layout"].nodes}
    assert english.context["content_key"] != chinese.context["content_key"]
    # The map as a list too.
    assert '<a href="/topics/closure/">闭包</a>' in chinese.content.decode()
    assert '<a href="/topics/closure/">Closure</a>' in english.content.decode()


def test_finding_a_topic_knows_its_english_and_chinese_names_and_aliases(client, related_topics):
    for language in ["en", "zh-CN"]:
        svg = map_svg(client.get("/map/", HTTP_ACCEPT_LANGUAGE=language))
        closure = svg.find(f".//{SVG}g[@data-key='{related_topics['closure'].pk}']")
        assert set(closure.get("data-names").split("|")) == {"Closure", "闭包", "closures"}
    find = "/map/find/"
    for typed in ["closure", "闭包", "CLOSURES", "@装饰"]:
        target = client.get(find, {"q": typed})["Location"]
        expected = related_topics["decorator" if typed == "@装饰" else "closure"]
        assert target == expected.get_absolute_url()
    datalist = client.get("/map/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<option value="Closure">' in datalist and '<option value="闭包">' in datalist


def test_what_to_learn_first_is_also_a_list_of_sentences_with_links(client, related_topics):
    content = client.get("/map/").content.decode()
    relations = content[content.index('id="map-relations"') :]
    relations = relations[: relations.index("</details>")]
    assert (
        '<a href="/topics/decorator/">Decorator</a> needs <a href="/topics/closure/">Closure</a>'
        " first" in relations
    )
    assert (
        '<a href="/topics/lambda/">Lambda</a> contrasts with <a href="/topics/closure/">Closure</a>'
        in relations
    )
    assert 'id="map-relations"' not in client.get("/map/", {"arrows": "off"}).content.decode()


def test_the_list_of_what_to_learn_first_escapes_names(client, db):
    from notes.models import TopicRelation
    from tests.factories import make_topic

    first = make_topic("<b>Bold</b>")
    then = make_topic("Then", parent=first)
    TopicRelation.objects.create(topic=then, kind=TopicRelation.Kind.PREREQUISITE, other=first)
    content = client.get("/map/").content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt;</a> first" in content and "<b>Bold" not in content


def node_links(svg) -> dict[str, ET.Element]:
    """The link of each node, by the slug at the end of its address."""
    root = ET.fromstring(svg)
    return {
        link.get("href").strip("/").split("/")[-1]: link
        for link in root.iter(f"{SVG}a")
        if link.get("class") == "node-link"
    }


def test_a_map_of_links_is_a_named_group_and_not_an_image():
    svg = render_svg(fold_layout(tree(), "")[0], svg_id="map", title="Topic map")
    root = ET.fromstring(svg)
    assert root.get("role") == "group"
    assert 'role="img"' not in svg
    assert root.get("aria-labelledby") == "map-title"
    assert root.find(f"{SVG}title").get("id") == "map-title"
    assert root.find(f"{SVG}title").text == "Topic map"
    description = root.find(f"{SVG}desc")
    assert root.get("aria-describedby") == description.get("id") == "map-desc"
    assert "Tab" in description.text and "folds or unfolds" in description.text
    # A map without fold controls does not speak of them.
    plain = ET.fromstring(render_svg(layout_tree(tree()), svg_id="m", title="M"))
    assert "folds" not in plain.find(f"{SVG}desc").text


def test_node_links_are_named_with_the_whole_name_and_the_notes_counted():
    roots = [
        MapNode(1, "Garbage collection", "gc", "/topics/gc/", notes=5, children=[
            MapNode(2, "Reference counting", "rc", "/topics/rc/", notes=1),
            MapNode(3, "Generations of a very long name that is cut", "gen", "/topics/gen/",
                    notes=2, subtree_notes=8),
        ], subtree_notes=14),
    ]  # fmt: skip
    links = node_links(render_svg(layout_tree(roots), svg_id="m", title="M", show_counts=True))
    names = {slug: link.find(f"{SVG}title").text for slug, link in links.items()}
    assert names == {
        "gc": "Garbage collection, 5 notes, 9 more through its subtopics",
        "rc": "Reference counting, 1 note",
        "gen": "Generations of a very long name that is cut, 2 notes, 6 more through its subtopics",
    }
    # What is drawn stays short: the label, and "2+6" after it.
    text = links["gen"].find(f"{SVG}text")
    assert text.text.endswith("…") and text.find(f"{SVG}tspan").text == "2+6"


def test_fold_controls_say_what_they_do_and_whether_the_branch_is_open():
    layout, _ = fold_layout(related_tree(), "closure")
    root = ET.fromstring(render_svg(layout, svg_id="map", title="M"))
    toggles = {
        toggle.find(f"{SVG}title").text: toggle
        for toggle in root.iter(f"{SVG}a")
        if toggle.get("class") == "node-toggle"
    }
    assert set(toggles) == {"Fold Functions", "Unfold Closure"}
    assert toggles["Fold Functions"].get("aria-expanded") == "true"
    unfold = toggles["Unfold Closure"]
    assert unfold.get("aria-expanded") == "false"
    # A plain link (folding works without JavaScript) whose address ends on itself, so
    # that the page opens again with it focused; its "+" is drawn, not read.
    closure_key = next(node.key for node in layout.nodes if node.slug == "closure")
    assert unfold.get("href") == f"?#map-{closure_key}-fold"
    assert unfold.get("id") == f"map-{closure_key}-fold"
    assert unfold.find(f"{SVG}text").get("aria-hidden") == "true"


def test_each_node_reads_its_link_then_its_fold_control_then_its_children():
    layout, _ = fold_layout(related_tree(), "")
    root = ET.fromstring(render_svg(layout, svg_id="map", title="M", show_counts=True))
    focusable = [link.get("href") for link in root.iter(f"{SVG}a") if link.get("tabindex") != "-1"]
    assert focusable == [
        "/topics/functions/", "?fold=functions#map-1-fold",
        "/topics/closure/", "?fold=closure#map-2-fold",
        "/topics/decorator/",
        "/topics/generator/",
    ]  # fmt: skip


def test_branches_and_arrows_are_hidden_from_screen_readers():
    roots = related_tree()
    root = ET.fromstring(render_svg(layout_tree(roots, links=map_links(roots)), svg_id="m",
                                    title="M"))  # fmt: skip
    groups = {group.get("class"): group for group in root.findall(f"{SVG}g")}
    assert groups["mindmap-edges"].get("aria-hidden") == "true"
    assert groups["mindmap-arrows"].get("aria-hidden") == "true"
    assert groups["mindmap-nodes"].get("aria-hidden") is None
    # Every circle is inside a link: none is a shape of its own for a screen reader.
    parents = {child: parent for parent in root.iter() for child in parent}
    for circle in root.iter(f"{SVG}circle"):
        assert parents[circle].tag == f"{SVG}a"
