"""Learning paths: the whole map in an order of study, the path to one topic, and what
a topic page says comes before and after it."""

import re

import pytest
from django.urls import reverse

from notes.models import TopicAlias, TopicRelation
from tests.factories import make_draft, make_note, make_topic

pytestmark = pytest.mark.django_db

NEEDS = TopicRelation.Kind.PREREQUISITE


def needs(topic, other):
    return TopicRelation.objects.create(topic=topic, kind=NEEDS, other=other)


@pytest.fixture
def functions_map():
    """Functions (Decorator, Closure, Generator) and Concurrency (GIL, Thread): on the
    map Decorator comes before Closure, but it needs Closure, which needs Functions."""
    functions = make_topic("Functions", position=0, name_zh="函数")
    decorator = make_topic("Decorator", parent=functions, position=0, name_zh="装饰器")
    closure = make_topic("Closure", parent=functions, position=1, name_zh="闭包")
    generator = make_topic("Generator", parent=functions, position=2)
    concurrency = make_topic("Concurrency", position=1)
    gil = make_topic("GIL", parent=concurrency, position=0)
    thread = make_topic("Thread", parent=concurrency, position=1)
    needs(decorator, closure)
    needs(closure, functions)
    needs(gil, thread)
    return {
        "functions": functions, "decorator": decorator, "closure": closure,
        "generator": generator, "concurrency": concurrency, "gil": gil, "thread": thread,
    }  # fmt: skip


def step_names(runs_or_steps) -> list[str]:
    steps = runs_or_steps
    if steps and hasattr(steps[0], "steps"):
        steps = [step for run in runs_or_steps for step in run.steps]
    return [step.topic.name for step in steps]


def test_learn_page_numbers_every_topic_in_order_of_study(client, functions_map):
    response = client.get(reverse("notes:learn"))
    assert response.status_code == 200
    assert step_names(response.context["runs"]) == [
        "Functions", "Closure", "Decorator", "Generator", "Concurrency", "Thread", "GIL",
    ]  # fmt: skip
    content = response.content.decode()
    assert content.index("Closure</a>") < content.index("Decorator</a>")
    # Numbered by the list itself, the second branch carrying on from the first.
    assert '<ol class="learn-steps" start="1">' in content
    assert '<ol class="learn-steps" start="5">' in content


def test_learn_page_groups_the_steps_by_top_level_branch(client, functions_map):
    runs = client.get(reverse("notes:learn")).context["runs"]
    assert [(run.branch.name, run.start, run.continued) for run in runs] == [
        ("Functions", 1, False), ("Concurrency", 5, False),
    ]  # fmt: skip


def test_a_branch_needed_in_the_middle_of_another_comes_back_continued(client, functions_map):
    needs(functions_map["generator"], functions_map["gil"])
    needs(functions_map["functions"], functions_map["thread"])
    runs = client.get(reverse("notes:learn")).context["runs"]
    assert [(run.branch.name, run.continued) for run in runs] == [
        ("Concurrency", False), ("Functions", False), ("Concurrency", True), ("Functions", True),
    ]  # fmt: skip
    content = client.get(reverse("notes:learn")).content.decode()
    assert "(continued)" in content


def test_learn_page_shows_each_topics_count_page_and_best_note(client, functions_map):
    note = make_note("Closures explained", body="Closure closure closure.")
    make_note("In passing", body="A closure once.")
    content = client.get(reverse("notes:learn")).content.decode()
    step = r'<li class="learn-step">\s*<span class="learn-topic"><a href="/topics/closure/">'
    closure = re.search(step + r"Closure</a>.*?</li>", content, re.S)
    assert closure is not None
    assert '<span class="count" title="notes">2</span>' in closure.group()
    assert f'href="{note.get_absolute_url()}">Closures explained</a>' in closure.group()
    assert 'href="/learn/closure/"' in closure.group()


def test_topics_without_notes_say_so(client, functions_map):
    content = client.get(reverse("notes:learn")).content.decode()
    assert content.count("No notes yet") == 7
    assert content.count('class="learn-step learn-empty"') == 7


def test_learn_page_without_topics_says_so(client):
    content = client.get(reverse("notes:learn")).content.decode()
    assert "No topics yet." in content


def test_path_page_lists_what_to_learn_first_ending_at_the_topic(client, functions_map):
    response = client.get(reverse("notes:learn-path", args=["decorator"]))
    assert response.status_code == 200
    assert step_names(response.context["steps"]) == ["Functions", "Closure", "Decorator"]
    assert [step.number for step in response.context["steps"]] == [1, 2, 3]
    content = response.content.decode()
    assert "<h1>The path to Decorator</h1>" in content
    assert "learn these 2 topics first" in content
    assert content.index(">Functions</a>") < content.index(">Closure</a>")
    assert content.index(">Closure</a>") < content.rindex(">Decorator</a>")
    assert 'aria-current="step"' in content
    assert 'href="/topics/decorator/">Back to Decorator</a>' in content


def test_path_page_of_a_topic_needing_nothing_says_start_here(client, functions_map):
    response = client.get(reverse("notes:learn-path", args=["generator"]))
    assert step_names(response.context["steps"]) == ["Generator"]
    assert "Generator needs no other topic first: start here." in response.content.decode()


def test_path_page_of_an_unknown_topic_is_404(client, functions_map):
    assert client.get(reverse("notes:learn-path", args=["nothing"])).status_code == 404


def test_best_note_is_the_one_mentioning_the_topic_most(client, functions_map):
    make_note("Twice", body="closure and closure")
    most = make_note("Three times", body="closure, closure, closure")
    make_note("Once", body="a closure")
    steps = client.get(reverse("notes:learn-path", args=["closure"])).context["steps"]
    best = steps[-1].best_note
    assert (best.title, best.slug, best.own) == ("Three times", most.slug, False)


def test_best_note_is_the_topics_own_note_first(client, functions_map):
    make_note("Three times", body="closure, closure, closure")
    make_note("closure", body="What a closure is.")
    # An alias or the Chinese name as a title makes a topic's own note too.
    make_note("装饰器", body="装饰器 wraps a function: a decorator.")
    make_note("Decorators everywhere", body="decorator " * 5)
    steps = client.get(reverse("notes:learn-path", args=["decorator"])).context["steps"]
    assert [(step.best_note.title, step.best_note.own) for step in steps[1:]] == [
        ("closure", True), ("装饰器", True),
    ]  # fmt: skip
    content = client.get(reverse("notes:learn-path", args=["decorator"])).content.decode()
    assert "Its note:" in content


def test_a_draft_is_never_a_readers_best_note_nor_counted(client, staff_client, functions_map):
    make_note("Published", body="closure")
    make_draft("closure", body="closure closure closure closure")
    url = reverse("notes:learn-path", args=["closure"])
    step = client.get(url).context["steps"][-1]
    assert (step.best_note.title, step.notes) == ("Published", 1)
    content = client.get(reverse("notes:learn")).content.decode()
    assert "closure</a>" not in content
    # Staff see the draft, and count it.
    step = staff_client.get(url).context["steps"][-1]
    assert (step.best_note.title, step.notes) == ("closure", 2)


def test_learn_pages_show_chinese_names_to_chinese_readers(client, functions_map):
    content = client.get(reverse("notes:learn"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert ">闭包</a>" in content
    assert ">装饰器</a>" in content
    # A topic without a Chinese name keeps its name.
    assert ">Generator</a>" in content
    path = client.get(reverse("notes:learn-path", args=["decorator"]), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert ">函数</a>" in path.content.decode()
    assert ">Functions</a>" not in path.content.decode()


def test_header_and_map_link_to_the_learning_paths(client, functions_map):
    content = client.get(reverse("notes:map")).content.decode()
    assert content.count(f'href="{reverse("notes:learn")}"') == 2


def test_topic_page_lists_before_this_in_order_and_next(client, functions_map):
    make_note(body="Functions, functions.")
    response = client.get(reverse("notes:topic-detail", args=["closure"]))
    assert [t.name for t in response.context["before"]] == ["Functions"]
    assert [t.name for t in response.context["next_topics"]] == ["Decorator"]
    content = response.content.decode()
    before = content[content.index('id="before-heading"') : content.index('id="next-heading"')]
    count = '<span class="count" title="notes">{}</span>'
    assert '<a href="/topics/functions/">Functions</a> ' + count.format(1) in before
    assert 'href="/learn/closure/">The whole path</a>' in before
    after = content[content.index('id="next-heading"') :]
    assert '<a href="/topics/decorator/">Decorator</a> ' + count.format(0) in after


def test_topic_page_before_this_holds_the_prerequisites_of_prerequisites(client, functions_map):
    response = client.get(reverse("notes:topic-detail", args=["decorator"]))
    assert [t.name for t in response.context["before"]] == ["Functions", "Closure"]
    assert response.context["next_topics"] == []
    assert 'id="next-heading"' not in response.content.decode()


def test_topic_page_without_prerequisites_shows_neither_list(client, functions_map):
    content = client.get(reverse("notes:topic-detail", args=["generator"])).content.decode()
    assert 'id="before-heading"' not in content
    assert 'id="next-heading"' not in content


def test_topic_page_map_draws_prerequisites_and_next_topics_as_linked(client, functions_map):
    response = client.get(reverse("notes:topic-detail", args=["closure"]))
    nodes = {node.name: node for node in response.context["local_map"].nodes}
    # Its parent (here also what it needs first), itself, and what needs it.
    assert set(nodes) == {"Functions", "Closure", "Decorator"}
    assert nodes["Decorator"].related
    assert not nodes["Functions"].related
    response = client.get(reverse("notes:topic-detail", args=["gil"]))
    nodes = {node.name: node for node in response.context["local_map"].nodes}
    # Thread, its sibling, is drawn because GIL needs it first.
    assert set(nodes) == {"Concurrency", "GIL", "Thread"}
    assert nodes["Thread"].related


def test_topic_page_counts_drafts_only_for_staff(client, staff_client, functions_map):
    make_draft("Draft", body="Functions")
    url = reverse("notes:topic-detail", args=["closure"])
    assert client.get(url).context["before"][0].notes == 0
    assert staff_client.get(url).context["before"][0].notes == 1


def test_topic_page_shows_chinese_names_to_chinese_readers(client, functions_map):
    url = reverse("notes:topic-detail", args=["closure"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    content = response.content.decode()
    assert "<h1>闭包</h1>" in content
    assert '<a href="/topics/functions/">函数</a>' in content
    assert '<a href="/topics/decorator/">装饰器</a>' in content
    # Its English name is one of the names it is also called.
    assert '<span class="alias">Closure</span>' in content
    assert {node.name for node in response.context["local_map"].nodes} == {"函数", "闭包", "装饰器"}


def test_topic_page_changes_when_a_prerequisite_is_added(client, functions_map):
    url = reverse("notes:topic-detail", args=["generator"])
    assert 'id="before-heading"' not in client.get(url).content.decode()
    needs(functions_map["generator"], functions_map["closure"])
    assert 'id="before-heading"' in client.get(url).content.decode()


def test_a_map_under_one_root_is_grouped_by_the_branches_below_it(client, functions_map):
    python = make_topic("Python", position=0)
    for name in ("functions", "concurrency"):
        functions_map[name].parent = python
        functions_map[name].save()
    runs = client.get(reverse("notes:learn")).context["runs"]
    assert [(run.branch.name, [step.topic.name for step in run.steps]) for run in runs] == [
        ("Python", ["Python"]),
        ("Functions", ["Functions", "Closure", "Decorator", "Generator"]),
        ("Concurrency", ["Concurrency", "Thread", "GIL"]),
    ]


def test_topic_page_names_each_of_its_other_names_once(client):
    gil = make_topic("GIL", name_zh="全局解释器锁")
    TopicAlias.objects.create(topic=gil, name="全局解释器锁")
    TopicAlias.objects.create(topic=gil, name="Global Interpreter Lock")
    url = reverse("notes:topic-detail", args=["gil"])
    english = client.get(url).content.decode()
    assert english.count('<span class="alias">全局解释器锁</span>') == 1
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<h1>全局解释器锁</h1>" in chinese
    assert '<span class="alias">全局解释器锁</span>' not in chinese
    assert '<span class="alias">GIL</span>, <span class="alias">Global Interpreter Lock' in chinese
