"""The interface is complete in Simplified Chinese, and the compiled catalogue is current."""

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def po_entries(path: Path) -> list[dict[str, str]]:
    """msgid / msgid_plural / msgstr / msgstr[0] of each entry, strings joined."""
    entries, current, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#"):
            if line.startswith("#~"):
                current["obsolete"] = "yes"
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return [entry for entry in entries if entry.get("msgid") and "obsolete" not in entry]


def test_every_interface_string_has_a_chinese_translation():
    untranslated = [
        entry["msgid"]
        for entry in po_entries(LOCALE / "django.po")
        if not (entry.get("msgstr") or entry.get("msgstr[0]"))
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in po_entries(LOCALE / "django.po"):
        if "msgid_plural" in entry:
            singular = catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            assert singular == entry["msgstr[0]"], entry["msgid"]
        elif "msgctxt" in entry:
            translated = catalogue.pgettext(entry["msgctxt"], entry["msgid"])
            assert translated == entry["msgstr"], entry["msgid"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
