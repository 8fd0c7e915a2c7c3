"""A Python name's hover card, in Debian's Chromium driven by Playwright."""

import pytest

from notes.models import PythonObject
from notes.python_names import PythonEntry
from tests.factories import make_note

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRY = PythonEntry("gc.disable", "py:function", "library/gc.html#gc.disable", "()",
                    "Disable automatic garbage collection.")  # fmt: skip


@pytest.mark.parametrize("width", [1280, 390])
def test_a_cards_place_follows_its_name_down_a_long_page(live_server, page, width):
    PythonObject.objects.replace_all([ENTRY], "inventory")
    filler = "\n\n".join(f"Paragraph {number} of text before the code." for number in range(60))
    note = make_note("Long", body=f"{filler}\n\n```python\nimport gc\ngc.disable()\n```\n")
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(live_server.url + note.get_absolute_url())
    link = page.locator("pre a.pydoc[data-card]").last
    link.scroll_into_view_if_needed()
    link.hover()
    placed = page.evaluate(
        """(link) => {
            const card = getComputedStyle(link, '::after');
            const box = link.getBoundingClientRect();
            return {content: card.content, position: card.position,
                    top: parseFloat(card.top), linkTop: box.top + window.scrollY};
        }""",
        link.element_handle(),
    )
    assert "Disable automatic garbage collection." in placed["content"]
    # Drawn in the page's coordinates, just under the name: a card placed in the
    # window's coordinates would sit a page's height below it, out of sight.
    assert placed["position"] == "absolute"
    assert abs(placed["top"] - placed["linkTop"]) < 80
