import json
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from notes.map_imports import parse_opml
from notes.topic_map import TopicMapError, load_topic_map


def _read_yaml(content: bytes) -> object:
    return yaml.safe_load(content.decode("utf-8-sig"))


def _read_json(content: bytes) -> object:
    return json.loads(content.decode("utf-8-sig"))


READERS = {".yaml": _read_yaml, ".yml": _read_yaml, ".json": _read_json, ".opml": parse_opml}


class Command(BaseCommand):
    help = (
        "Load a topic map from a file: the YAML of the starter map, or the map's own JSON "
        "or OPML download. Topics are created, or updated when one of that name exists, "
        "with their Chinese names, aliases, summaries, places in the tree and relations "
        "(needs first, see also, contrasts with). The whole file loads in one transaction: "
        "a file that cannot be read or loaded changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="The map file; its extension says how to read it: .yaml or .yml, .json "
            "(as /map.json downloads it) or .opml (as /map.opml downloads it).",
        )

    def handle(self, *args, file: str, **options):
        path = Path(file)
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            raise CommandError(
                f"{path.name} is not a topic map file this command reads: "
                "give a .yaml, .yml, .json or .opml file."
            )
        try:
            content = path.read_bytes()
        except OSError as error:
            reason = error.strerror or error
            raise CommandError(_sentence(f"{path} cannot be read: {reason}")) from None
        try:
            entries = reader(content)
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path.name} is not UTF-8 text (byte {error.start + 1} cannot be read)."
            ) from None
        except (yaml.YAMLError, json.JSONDecodeError) as error:
            kind = "JSON" if path.suffix.lower() == ".json" else "YAML"
            raise CommandError(_sentence(f"{path.name} is not valid {kind}: {error}")) from None
        except RecursionError:
            raise CommandError(f"{path.name} nests too deep to be a topic map.") from None
        except TopicMapError as error:
            raise CommandError(_sentence(f"{path.name}: {error}")) from None
        try:
            with transaction.atomic():
                count = load_topic_map(entries)
        except TopicMapError as error:
            raise CommandError(_sentence(f"{path.name} was not loaded: {error}")) from None
        except (ValidationError, DatabaseError) as error:
            refused = " ".join(getattr(error, "messages", None) or [str(error)])
            raise CommandError(
                _sentence(f"{path.name} was not loaded, the database refused it: {refused}")
            ) from None
        topics = "1 topic" if count == 1 else f"{count} topics"
        self.stdout.write(self.style.SUCCESS(f"Loaded {topics} from {path.name}."))


def _sentence(text: str) -> str:
    """``text`` on one line, ending with one full stop."""
    return " ".join(text.split()).rstrip(".") + "."
