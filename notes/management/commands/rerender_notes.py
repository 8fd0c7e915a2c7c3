from django.core.management.base import BaseCommand
from django.db import transaction

from notes.caching import bump_content_version
from notes.counts import recount_everything
from notes.models import Note
from notes.relinking import relink_notes
from notes.search import rebuild_index


class Command(BaseCommand):
    help = (
        "Render and link every note again with the current rules, then recount and reindex: "
        "run it once after an upgrade that changes how notes are rendered or linked."
    )

    def handle(self, *args, **options):
        # One note per transaction (relink_notes), so a long run never holds the writer
        # lock for long; the counts and the index follow in one transaction at the end.
        rendered = relink_notes(Note.objects.order_by("pk").iterator(chunk_size=200))
        with transaction.atomic():
            recount_everything()
            rebuild_index()
            bump_content_version()
        self.stdout.write(self.style.SUCCESS(f"Rendered and linked {rendered} notes again."))
