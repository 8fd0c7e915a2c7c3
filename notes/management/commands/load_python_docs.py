"""Load the index of the Python documentation that notes link to."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notes.models import Note, PythonObject
from notes.python_inventory import (
    InventoryError,
    interpreter_entries,
    read_inventory,
    with_interpreter_details,
)
from notes.python_names import PythonEntry


class Command(BaseCommand):
    help = (
        "Load the index of the Python documentation that notes link to: every module, "
        "function, class, method, attribute, exception and glossary term, with where it "
        "is documented. It is read from the documentation's Sphinx inventory "
        "(objects.inv, which Debian's python3-doc package installs) or, without one, "
        "from what the running interpreter says about its standard library. The stored "
        "entries are replaced in one transaction: a file that cannot be read changes "
        "nothing. Notes are linked when they are next saved (recount_notes --rerender "
        "links them all)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="The inventory, objects.inv (default: the PYTHON_DOCS_INVENTORY setting, "
            f"{settings.PYTHON_DOCS_INVENTORY}). When the default is missing, the "
            "interpreter is read instead.",
        )
        parser.add_argument(
            "--interpreter",
            action="store_true",
            help="Read the running interpreter even when an inventory is present.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when entries are already stored (for start-up scripts).",
        )

    def handle(self, *args, path=None, interpreter=False, if_empty=False, **options):
        if if_empty and PythonObject.objects.exists():
            self.stdout.write("The Python documentation's index is already loaded.")
            return
        entries: list[PythonEntry]
        if interpreter:
            entries, source = interpreter_entries(), "interpreter"
        else:
            wanted = path or settings.PYTHON_DOCS_INVENTORY
            try:
                entries, source = read_inventory(wanted), "inventory"
            except InventoryError as error:
                if path:  # a file asked for by name must be read, or nothing happens
                    raise CommandError(str(error)) from None
                self.stdout.write(f"No inventory at {wanted}; reading the interpreter.")
                entries, source = interpreter_entries(), "interpreter"
            else:
                entries = with_interpreter_details(entries)
        count = PythonObject.objects.replace_all(entries, source)
        where = (
            f"the inventory {path or settings.PYTHON_DOCS_INVENTORY}"
            if source == "inventory"
            else "the running interpreter"
        )
        self.stdout.write(f"Loaded {count} entries of the Python documentation from {where}.")
        if Note.objects.exists():
            # Stored notes keep the links they were rendered with.
            self.stdout.write(
                "Notes link to it as they are saved; `manage.py recount_notes --rerender` "
                "links the notes stored before."
            )
