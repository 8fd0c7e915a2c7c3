from pathlib import Path

import yaml
from django.core.management.base import BaseCommand
from django.db import transaction

from notes.importers import parse_note_text, save_parsed_note
from notes.models import Note, Topic
from notes.planner_statistics import refresh_planner_statistics
from notes.topic_map import load_topic_map

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample"


class Command(BaseCommand):
    help = "Load the project's starter notes, unless the knowledge base already has notes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load them even if there are notes already."
        )

    def handle(self, *args, force: bool = False, **options):
        if Note.objects.exists() and not force:
            self.stdout.write("Notes already present; sample content not loaded.")
            return
        paths = sorted(SAMPLE_DIR.glob("*.md"))
        with transaction.atomic():
            if not Topic.objects.exists():
                topics = load_topic_map(
                    yaml.safe_load((SAMPLE_DIR / "topics.yaml").read_text(encoding="utf-8"))
                )
                self.stdout.write(f"Loaded the starter map of {topics} topics.")
            for path in paths:
                source = f"sample/{path.name}"
                if Note.objects.filter(source=source).exists():
                    continue
                parsed = parse_note_text(path.read_text(encoding="utf-8"), fallback_title=path.stem)
                save_parsed_note(parsed, source=source, default_status=Note.Status.PUBLISHED)
        refresh_planner_statistics()
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(paths)} sample notes."))
