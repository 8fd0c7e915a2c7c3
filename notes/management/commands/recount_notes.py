from django.core.management.base import BaseCommand
from django.db import transaction

from notes.caching import bump_content_version
from notes.counts import recount_everything
from notes.search import rebuild_index


class Command(BaseCommand):
    help = (
        "Recount the notes of every tag, category and topic and rebuild the search index, "
        "after notes were written without the app (SQL, a restored dump, bulk_create)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            recount_everything()
            indexed = rebuild_index()
            # Cached pages show the old numbers until the content version moves on.
            bump_content_version()
        self.stdout.write(
            self.style.SUCCESS(f"Recounted tags, categories and topics; indexed {indexed} notes.")
        )
