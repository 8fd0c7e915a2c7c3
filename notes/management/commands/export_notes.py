from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from notes.exporters import export_notes


class Command(BaseCommand):
    help = (
        "Write every note as Markdown with YAML front matter into DIR, as "
        "<category>/<YYYY-MM-DD>-<slug>.md (readable by Jekyll and Obsidian; "
        "import_notes reads it back)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", type=Path)

    def handle(self, *args, directory: Path, **options):
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} exists and is not a folder.")
        written = export_notes(directory)
        if options["verbosity"] >= 2:
            for path in written:
                self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"Exported {len(written)} notes to {directory}."))
