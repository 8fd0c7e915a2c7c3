from django.core.management.base import BaseCommand
from django.db import transaction

from notes.caching import bump_content_version
from notes.counts import recount_everything
from notes.models import Note
from notes.planner_statistics import refresh_planner_statistics
from notes.relinking import relink_notes
from notes.search import rebuild_index


class Command(BaseCommand):
    help = (
        "Recount the notes of every tag, category and topic, rebuild the search index and "
        "take the database's planner statistics, after notes were written without the app "
        "(SQL, a restored dump, bulk_create)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rerender",
            action="store_true",
            help="First render every note's body again (its HTML, headings, links, "
            "automatic excerpt and the Python code that does not parse), after the renderer "
            "changed. Makes no new versions.",
        )

    def handle(self, *args, **options):
        if options["rerender"]:
            # By chunks of ids rather than one open cursor: each note is written as it goes.
            ids = list(Note.objects.order_by("pk").values_list("pk", flat=True))
            rendered = sum(rerender(ids[start : start + 200]) for start in range(0, len(ids), 200))
            self.stdout.write(f"Rendered {rendered} notes again.")
        with transaction.atomic():
            recount_everything()
            indexed = rebuild_index()
            # Cached pages show the old numbers until the content version moves on.
            bump_content_version()
        # Rows written without the app may have changed the shape of the data.
        refresh_planner_statistics()
        self.stdout.write(
            self.style.SUCCESS(f"Recounted tags, categories and topics; indexed {indexed} notes.")
        )


def rerender(ids: list[int]) -> int:
    """Render these notes again (Note.refresh_rendering, through relink_notes) and store
    what the rendering found, the Python blocks that do not parse included."""
    notes = list(Note.objects.filter(pk__in=ids).order_by("pk"))
    count = relink_notes(notes)
    # relink_notes stores the HTML, headings and links; the code check of the same
    # rendering is stored here, so that notes saved before it existed get theirs.
    Note.objects.bulk_update(notes, ["code_problems"], batch_size=200)
    return count
