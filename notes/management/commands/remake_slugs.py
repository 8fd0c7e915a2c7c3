from django.core.management.base import BaseCommand

from notes.importers.limits import max_length_of
from notes.models import Note
from notes.models.unique_slugs import unique_slug
from notes.slugs import old_style_slug

SLUG_MAX = max_length_of(Note, "slug")


def made_by_old_rules(title: str, slug: str) -> bool:
    """Whether ``slug`` is what the old rules made of ``title`` (perhaps ``-2``...):
    slugs that staff or a file's front matter chose are left alone."""
    old = old_style_slug(title, SLUG_MAX)
    if not old or not slug.startswith(old):
        return False
    rest = slug[len(old) :]
    return rest == "" or (rest.startswith("-") and rest[1:].isdigit())


class Command(BaseCommand):
    help = (
        "Give notes whose slug was made from their title by the old rules (words glued, "
        "whole sentences) a slug made by the current ones. The old addresses redirect."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list the changes.")

    def handle(self, *args, dry_run=False, **options):
        changed = 0
        # Read up front: each note is saved as it goes, which an open cursor would see.
        rows = list(Note.objects.order_by("pk").values_list("pk", "title", "slug"))
        for pk, title, slug in rows:
            if not made_by_old_rules(title, slug):
                continue
            new = unique_slug(
                Note.objects.all(), title, fallback="note", max_length=SLUG_MAX, exclude_pk=pk
            )
            if new == slug:
                continue
            changed += 1
            self.stdout.write(f"{slug} -> {new}")
            if not dry_run:
                note = Note.objects.get(pk=pk)
                # A save like any edit: kept in the history, the old slug kept as an alias
                # that redirects, and notes linking here re-rendered with the new address.
                note.slug = new
                # The ignore: simple_history's documented way to give a change its
                # reason, read from the instance; Note does not declare it.
                note._change_reason = "slug remade"  # type: ignore[attr-defined]
                note.save()
        verb = "would change" if dry_run else "changed"
        self.stdout.write(self.style.SUCCESS(f"{changed} slugs {verb}."))
