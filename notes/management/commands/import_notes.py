import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils import timezone

from notes.importers import (
    MAX_FILE_BYTES,
    ImportResult,
    NoteImporter,
    Outcome,
    collect_paths,
)
from notes.importers.dates import read_date
from notes.models import Note


class ProgressBar:
    """``[#####.....]  512/10000`` on one terminal line, redrawn at most ten times a second."""

    width = 30

    def __init__(self, out: OutputWrapper, total: int):
        self.out, self.total, self.drawn_at, self.shown = out, total, 0.0, False

    def update(self, done: int) -> None:
        now = time.monotonic()
        if done < self.total and now - self.drawn_at < 0.1:
            return
        self.drawn_at = now
        filled = self.width * done // max(self.total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        self._write(f"\r[{bar}] {done:>{len(str(self.total))}}/{self.total}")
        self.shown = True

    def clear(self) -> None:
        """Make room for a line of output; the next update draws the bar again."""
        if self.shown:
            self._write("\r\x1b[K")
            self.shown, self.drawn_at = False, 0.0

    def finish(self) -> None:
        if self.shown:
            self._write("\n")

    def _write(self, text: str) -> None:
        # Plain text on the raw stream: no added newline, no error colouring.
        self.out.write(text, ending="", style_func=str)
        self.out.flush()


class Command(BaseCommand):
    help = (
        "Import notes from files and folders (recursively): Jekyll posts with YAML front "
        "matter and plain-text or Markdown notes, in UTF-8, UTF-16, GB18030/GBK or Big5. "
        "Importing a "
        "file again updates its note; unchanged files are skipped. Files larger than "
        f"{MAX_FILE_BYTES // 1024 // 1024} MiB are refused. Exits with status 1 when any "
        "file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, updated, skipped and refused; write nothing.",
        )
        parser.add_argument(
            "--status",
            choices=Note.Status.values,
            default=Note.Status.DRAFT,
            help="Status of notes whose file does not give one (default: draft).",
        )
        parser.add_argument(
            "--trim-clipping",
            action="store_true",
            help="Cut off the page chrome (likes, payment, wallet lines) that the report "
            "finds at the end of notes copied from web pages.",
        )
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help="The day every imported note was written, over anything the files say "
            "(front matter, file name, first lines, git, modification time).",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show a progress bar even when stderr is not a terminal.",
        )

    def handle(
        self, *args, paths, dry_run, status, progress, trim_clipping, date, verbosity, **options
    ):
        written_date = None if date is None else given_date(date)
        items = collect_paths(paths)
        bar = None
        if progress or self.stderr.isatty():
            bar = ProgressBar(self.stderr, len(items))

        def on_result(result: ImportResult, done: int) -> None:
            lines = self.describe(result, dry_run=dry_run, verbosity=verbosity)
            if lines and bar:
                bar.clear()
            for line, failed in lines:
                (self.stderr if failed else self.stdout).write(line)
            if bar:
                bar.update(done)

        importer = NoteImporter(
            default_status=status,
            dry_run=dry_run,
            trim_clipping=trim_clipping,
            written_date=written_date,
        )
        report = importer.run(items, on_result=on_result)
        if bar:
            bar.finish()
        self.stdout.write(report.summary())
        unparsed = len(report.with_code_problems)
        if unparsed:
            self.stdout.write(
                f"{unparsed} note{'s have' if unparsed > 1 else ' has'} Python code that does "
                "not parse (listed above); saved as written."
            )
        failed = len(report.failed)
        if failed:
            raise CommandError(f"{failed} file{'s' if failed > 1 else ''} could not be imported.")

    def describe(
        self, result: ImportResult, *, dry_run: bool, verbosity: int
    ) -> list[tuple[str, bool]]:
        """The lines to print for one file, each with whether it reports a failure."""
        quiet = result.outcome in {Outcome.UNCHANGED, Outcome.IGNORED}
        if verbosity == 0 or (quiet and verbosity < 2):
            return []
        failed = result.outcome is Outcome.FAILED
        lines = [(result.describe(dry_run=dry_run), failed)]
        lines += [(f"  warning: {warning}", False) for warning in result.warnings]
        # The note is saved as written; its Python that does not parse is named, not refused.
        lines += [(f"  {line}", False) for line in result.code_lines]
        return lines


def given_date(text: str) -> dt.date:
    """The day ``--date`` names, or a CommandError saying what is wrong with it."""
    date = read_date(text)
    if date is None:
        raise CommandError(
            f"--date {text!r} is not a date: write the day the notes were written as "
            "YYYY-MM-DD, for example --date 2014-11-06."
        )
    today = timezone.localdate()
    if date > today:
        raise CommandError(
            f"--date {date.isoformat()} is after today ({today.isoformat()}): notes cannot "
            "have been written on a day still to come."
        )
    return date
