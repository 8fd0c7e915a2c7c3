"""Write the review cards readers see as an Anki deck, all of them or those of a tag,
category, topic or note."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from notes.anki_export import ExportCard, write_deck
from notes.reviewing import Deck, Scope, cards_in_scope, deck_for, export_cards

SCOPES = {
    "tag": "Only the cards of the notes with this tag.",
    "category": "Only the cards of the notes in this category and those below it.",
    "topic": "Only the cards of this topic and its subtopics, and of the notes naming them.",
    "note": "Only the cards of this published note.",
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver"}
DEVELOPMENT_URL = "http://localhost:8000"


def default_base_url() -> str:
    """The site's address as ALLOWED_HOSTS names it, else the development server's."""
    for host in settings.ALLOWED_HOSTS:
        if host not in LOCAL_HOSTS and not host.startswith((".", "*")):
            return f"https://{host}"
    return DEVELOPMENT_URL


class Command(BaseCommand):
    help = (
        "Write the review cards of published notes and of topics as an Anki deck "
        "(.apkg): all of them, or those of one tag, category, topic (with its subtopics) "
        "or note. Each card keeps its Anki note from one export to the next, so importing "
        "a newer deck updates the cards a learner studies instead of adding copies. The "
        "review page's download holds the same deck."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            metavar="OUTPUT.apkg",
            type=Path,
            help="The deck to write; a file already there is replaced once the new one is whole.",
        )
        chosen = parser.add_mutually_exclusive_group()
        for scope, help_text in SCOPES.items():
            chosen.add_argument(f"--{scope}", metavar="SLUG", help=help_text)
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the deck's name and of topics' cards "
            f"(default: {settings.LANGUAGE_CODE}).",
        )
        parser.add_argument(
            "--base-url",
            metavar="URL",
            help="The site's address, which the cards' links start with (default: "
            f"https:// and the first of ALLOWED_HOSTS, else {DEVELOPMENT_URL}).",
        )

    def handle(self, *args, output: Path, language: str, base_url: str | None, **options):
        base_url = base_url or default_base_url()
        address = urlsplit(base_url)
        if address.scheme not in ("http", "https") or not address.netloc:
            raise CommandError(
                f"--base-url must be a full http or https address, like "
                f"https://notes.example.com, not {base_url!r}."
            )
        if output.is_dir():
            raise CommandError(f"{output} is a folder: give the name of the .apkg file to write.")
        folder = output.parent
        if not folder.is_dir():
            raise CommandError(f"Cannot write {output}: the folder {folder} does not exist.")

        params = {scope: options[scope] for scope in SCOPES if options[scope]}
        try:
            scope = Scope.from_params(params)
        except Scope.Unknown:
            ((kind, slug),) = params.items()
            whose = "published note" if kind == "note" else kind
            raise CommandError(f"There is no {whose} with the slug {slug!r}.") from None

        with translation.override(language):
            # Same name and key as the review page's download: both fill the same deck.
            deck = deck_for(scope)
            # None is a reader: the command exports what readers see, never drafts.
            cards = cards_in_scope(scope, None).select_related("note", "topic")
            exported = export_cards(cards, base_url)
        written = self._write(exported, output, deck)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {written} card{'' if written == 1 else 's'} to {output}")
        )

    def _write(self, exported: list[ExportCard], output: Path, deck: Deck) -> int:
        """Write the deck beside ``output`` and move it into place, so that a failure
        leaves no half-written file and an older deck stays whole until the new one is."""
        try:
            handle, temporary = tempfile.mkstemp(
                dir=output.parent, prefix=f".{output.name}.", suffix=".tmp"
            )
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
        try:
            with os.fdopen(handle, "wb") as stream:
                written = write_deck(
                    exported, stream, deck_name=deck.name, deck_key=deck.key, css=deck.css
                )
            # mkstemp makes the file private; a deck is for sharing, like any file written.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, output)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        return written
