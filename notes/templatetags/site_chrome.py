"""The page's head links, header and footer, rendered once per language and kind of user
(staff or not, signed in or not).

They are the same on every page but for the language switch's return address, and
rendering them (a dozen reversed URLs, static file names and translations) took a
fifth of a fresh page's time. Each part is kept per process: what it holds changes
only with a deploy (static file names, URLs, translations), which restarts the
process, or with a setting changed in a test, which empties the store.
"""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

PARTS = {"head": "chrome/head.html", "header": "chrome/header.html", "footer": "chrome/footer.html"}
# Stands in for the current address in the stored header; letters only, so no
# escaping or URL-quoting changes it.
NEXT_PATH = "NEXTPATHPLACEHOLDER"

_rendered: dict[tuple[str, str, bool, bool], str] = {}


@receiver(setting_changed)
def forget_rendered_parts(**kwargs) -> None:
    _rendered.clear()


@register.simple_tag(takes_context=True)
def site_chrome(context, part: str) -> SafeString:
    request = context.get("request")
    user = context.get("user")
    staff = bool(user is not None and user.is_active and user.is_staff)
    # Whether someone is signed in, never who: a stored part holds nothing of one reader.
    signed_in = bool(user is not None and user.is_authenticated)
    language = get_language()
    key = (part, language, staff, signed_in)
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = (
            get_template(PARTS[part])
            .render(
                {
                    "staff": staff,
                    "signed_in": signed_in,
                    "next_path": NEXT_PATH,
                    "LANGUAGE_CODE": language,
                }
            )
            .strip()
        )
    if part == "header":
        # As the template filter urlencode would write it, then escaped for HTML.
        path = request.get_full_path() if request is not None else "/"
        html = html.replace(NEXT_PATH, escape(quote(path, safe="/")))
    # Rendered by the template engine, which escaped it; the path was escaped above.
    return mark_safe(html)  # noqa: S308
