"""notes.code_check: Python blocks that do not parse, found without a database."""

from __future__ import annotations

import re

import pytest

from notes.code_check import check_block, code_problems, highlighted_as_python, python2_idiom
from notes.importers.parsing import parse_note_bytes
from notes.linking import TopicMatcher
from notes.markdown import render_markdown
from notes.note_rendering import render_note
from notes.plain_text import render_plain_text


def fenced(language: str, code: str) -> str:
    return f"```{language}\n{code}\n```\n"


# --- one block ----------------------------------------------------------------------


def test_python_3_code_parses():
    assert check_block("import os\n\nprint(os.getpid())\n") is None


@pytest.mark.parametrize(
    ("code", "line", "quoted"),
    [
        ('x = 1\n\n\nprint "hi"', 4, 'print "hi"'),
        ("print x", 1, "print x"),
        ("try:\n    pass\nexcept ValueError, e:\n    pass", 3, "except ValueError, e:"),
        ("x = `y`", 1, "x = `y`"),
        ("if a <> b:\n    pass", 1, "if a <> b:"),
        ('exec "x = 1"', 1, 'exec "x = 1"'),
        ('s = ur"abc"', 1, 's = ur"abc"'),
        ("n = 10L", 1, "n = 10L"),
        ("mode = 0777", 1, "mode = 0777"),
        ('raise ValueError, "bad"', 1, 'raise ValueError, "bad"'),
    ],
)
def test_python_2_idioms_are_named_with_their_line(code, line, quoted):
    problem = check_block(code)
    assert problem is not None
    assert problem.python2
    assert problem.line == line
    assert problem.message.startswith(
        f"does not parse as Python 3: `{quoted}` at line {line} looks like Python 2"
    )


def test_a_mistake_that_is_not_python_2_says_why_and_where():
    problem = check_block("def f(:\n    pass\n")
    assert problem is not None
    assert not problem.python2
    assert problem.line == 1
    assert problem.message == "does not parse as Python 3: invalid syntax at line 1 (`def f(:`)"


def test_an_unclosed_bracket_is_reported_where_it_opens():
    problem = check_block("x = 1\ny = (1,\n")
    assert problem is not None
    assert problem.line == 2
    assert "never closed" in problem.message


def test_python_2_idioms_inside_strings_and_comments_are_not_python_2():
    assert python2_idiom('x = "a <> b" junk') is None
    assert python2_idiom("y = 2 junk  # was `y`") is None
    assert python2_idiom("printer = 1") is None
    assert python2_idiom("print(x)") is None


def test_long_literals_are_quoted_shortened():
    problem = check_block("x = (" + "1 + " * 40 + " oops oops")
    assert problem is not None
    assert "…" in problem.message


def test_a_session_is_checked_prompt_by_prompt_and_its_output_ignored():
    session = (
        "... a continuation before any prompt is output\n"
        ">>> for i in range(2):\n"
        "...     print(i)\n"
        "...\n"
        "0\n"
        "1\n"
        ">>> object()\n"
        "<object object at 0x7f0>\n"
    )
    assert check_block(session) is None


def test_a_session_reports_the_line_of_the_failing_prompt():
    problem = check_block('>>> x = 1\n>>> print "hi"\nhi\n')
    assert problem is not None
    assert problem.line == 2
    assert problem.python2
    assert '`print "hi"`' in problem.message  # the code, without its prompt


def test_a_session_statement_continued_over_prompts_is_read_whole():
    problem = check_block(">>> def f(\n...     x,\n... ):\n...     return x +\n")
    assert problem is not None
    assert problem.line == 4


@pytest.mark.parametrize(
    "block",
    [
        "$ pip install requests\nCollecting requests",
        "$ python -c 'print(1)'\n1",
        'Traceback (most recent call last):\n  File "a.py", line 1\nValueError: bad',
    ],
)
def test_shell_sessions_and_tracebacks_are_not_reported(block):
    assert check_block(block) is None


@pytest.mark.parametrize(
    "output",
    [
        "Process (876) start...\nI (876) just created a child process (877).",
        "[1, 2, 3]\n\nhello world",
        "<__main__.Foo object at 0x7f0>",
    ],
)
def test_a_programs_output_fenced_as_python_is_not_reported(output):
    assert check_block(output) is None


@pytest.mark.parametrize("code", ["x =", "if x\n    y", "total = f(1\nprint(total)\noops oops"])
def test_broken_code_is_not_taken_for_output(code):
    assert check_block(code) is not None


def test_ipython_magics_are_not_mistakes():
    assert check_block("%timeit sum(range(10))\nx = 1\nif x:\n    !ls\n") is None


def test_indented_code_is_read_as_its_author_lined_it_up():
    assert check_block("    x = 1\n    if x:\n        y = 2\n") is None


def test_nothing_is_run(tmp_path):
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').write('x')\nprint 'then a mistake'"
    assert check_block(code) is not None
    assert check_block(code.splitlines()[0]) is None
    assert not marker.exists()


def test_a_nul_character_is_a_problem_not_an_error():
    problem = check_block("x = 1\x00")
    assert problem is not None


# --- a rendered note ---------------------------------------------------------------


def test_a_note_whose_python_parses_has_no_problems():
    html = render_markdown(fenced("python", "import os\nprint(os.sep)")).html
    assert code_problems(html) is None


def test_python_fences_are_checked_and_numbered_among_all_code_blocks():
    body = (
        "Intro\n\n"
        + fenced("bash", "$ ls -l")
        + "\n"
        + fenced("", 'print "a plain block, not checked"')
        + "\n"
        + fenced("python", "x = 1\n\n\nprint x")
        + "\n"
        + fenced("py", "def f(:\n    pass")
        + "\n"
        + fenced("python3", "import os")
        + "\n"
        + fenced("pycon", '>>> print "hi"\nhi')
    )
    problems = code_problems(render_markdown(body).html)
    assert problems == [
        {
            "block": 3,
            "line": 4,
            "message": "does not parse as Python 3: `print x` at line 4 looks like Python 2 "
            "(a print statement)",
            "python2": True,
        },
        {
            "block": 4,
            "line": 1,
            "message": "does not parse as Python 3: invalid syntax at line 1 (`def f(:`)",
            "python2": False,
        },
        {
            "block": 6,
            "line": 1,
            "message": 'does not parse as Python 3: `print "hi"` at line 1 looks like Python 2 '
            "(a print statement)",
            "python2": True,
        },
    ]


@pytest.mark.parametrize("language", ["js", "c", "python2", "text", "bash"])
def test_blocks_in_other_languages_are_not_checked(language):
    body = fenced(language, 'var x = 1;; print "x" <> `y`')
    assert code_problems(render_markdown(body).html) is None


def test_without_a_language_class_python_is_told_by_its_highlighting():
    body = (
        fenced("python", "print 'x'")
        + "\n"
        + fenced("js", "x = 1;\nvar y = 2;")
        + "\n"
        + fenced("bash", "$ ls\nfoo bar")
        + "\n"
        + fenced("pycon", ">>> print 'x'")
    )
    html = re.sub(r' class="language-[^"]*"', "", render_markdown(body).html)
    assert [problem["block"] for problem in code_problems(html) or []] == [1, 4]


def test_highlighted_as_python_tells_python_from_javascript():
    python = render_markdown(fenced("python", "x = `y`")).html
    javascript = render_markdown(fenced("js", "x = `y`")).html
    assert highlighted_as_python(python, "x = `y`\n")
    assert not highlighted_as_python(javascript, "x = `y`\n")


def test_plain_text_sessions_are_checked_and_output_blocks_are_skipped():
    text = (
        "Some text here.\n\n"
        "import os\nprint(os.getcwd())\n\n"
        "运行结果如下：\n\n"
        "print x <> y\n\n"
        '>>> print "hi"\nhi\n>>> 1 + 1\n2\n'
    )
    html = render_plain_text(text).html
    assert '<pre class="output">' in html
    problems = code_problems(html)
    assert problems is not None
    assert [(problem["block"], problem["python2"]) for problem in problems] == [(3, True)]


def test_links_and_entities_inside_code_are_read_as_the_code():
    html = (
        '<div class="highlight"><pre><span></span><code class="language-python">'
        '<span class="k">if</span> <a href="https://docs.python.org/3/library/functions.html'
        '#len"><span class="nb">len</span></a>(x) &lt;&gt; 2:\n    <span class="k">pass</span>\n'
        "</code></pre></div>"
    )
    problems = code_problems(html)
    assert problems is not None
    assert "`if len(x) <> 2:`" in problems[0]["message"]


def test_highlighted_lines_do_not_hide_python():
    body = '```python hl_lines="1"\nprint "hl"\nx = 1\n```\n'
    problems = code_problems(render_markdown(body).html)
    assert problems is not None
    assert problems[0]["python2"]


def test_an_unclosed_pre_ends_the_search():
    assert code_problems('<pre><code class="language-python">print "x"') is None


def test_a_note_without_code_has_no_problems():
    assert code_problems("<p>Nothing here.</p>") is None


# --- the seeds ----------------------------------------------------------------------


def rendered_as_imported(raw: bytes, name: str) -> str:
    parsed = parse_note_bytes(raw, name=name)
    return render_note(parsed.body, TopicMatcher([]), format=parsed.format, title=parsed.title).html


def test_every_seed_renders_to_code_that_parses_or_is_named(seeds):
    found = {}
    for path in sorted(seeds.iterdir()):
        problems = code_problems(rendered_as_imported(path.read_bytes(), path.name))
        found[path.name[:3]] = problems
        for problem in problems or []:
            assert problem["message"].startswith("does not parse as Python 3")
    # Seed 004 is a plain-text note of Python 3 with its output: all of it parses.
    assert found["004"] is None
    assert "<pre" in rendered_as_imported(*seed_bytes(seeds, "004"))


def seed_bytes(seeds, number: str) -> tuple[bytes, str]:
    (path,) = seeds.glob(f"{number}_*")
    return path.read_bytes(), path.name


def test_python_2_in_a_note_is_reported_as_python_2(seeds):
    # No seed holds Python 2, so a seed is given some: seed 004's code, written the old way.
    raw, name = seed_bytes(seeds, "004")
    old = raw.decode("utf-8").replace(
        "print('Process (%s) start...' % os.getpid())", "print 'Process (%s) start...' % x"
    )
    markdown_note = "# Old\n\n" + fenced("python", "import os\nprint 'start'") + "\n"
    html = rendered_as_imported(markdown_note.encode(), "old.md")
    problems = code_problems(html)
    assert problems is not None
    assert problems[0]["python2"]
    assert problems[0]["line"] == 2
    # Plain text finds no code where Python 2 stops parsing: the line stays prose.
    assert code_problems(rendered_as_imported(old.encode(), name)) is None
