"""What an import did to each file, and the sum of it."""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .parsed import DateSource


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    IGNORED = "ignored"


_DRY_RUN_VERBS = {
    Outcome.CREATED: "would create",
    Outcome.UPDATED: "would update",
    Outcome.FAILED: "would refuse",
}


def outcome_verb(outcome: Outcome, *, dry_run: bool = False) -> str:
    return _DRY_RUN_VERBS.get(outcome, outcome.value) if dry_run else outcome.value


@dataclass
class ImportResult:
    label: str
    outcome: Outcome
    reason: str = ""  # why a file failed or was ignored
    title: str = ""
    slug: str = ""
    encoding: str = ""
    # The written date a new note got, or the one an import gave an old note, and where
    # it came from.
    date: dt.date | None = None
    date_source: DateSource | None = None
    warnings: list[str] = field(default_factory=list)
    # The note's Python blocks that do not parse (Note.code_problems): reported, never
    # a reason to refuse the file; the note is saved as written.
    code_problems: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def failed(cls, label: str, reason: str) -> ImportResult:
        return cls(label, Outcome.FAILED, reason=reason)

    @classmethod
    def ignored(cls, label: str, reason: str) -> ImportResult:
        return cls(label, Outcome.IGNORED, reason=reason)

    def describe(self, *, dry_run: bool = False) -> str:
        """One line for the report: what happened to which file, and why."""
        line = f"{outcome_verb(self.outcome, dry_run=dry_run)}: {self.label}"
        if self.reason:
            line += f": {self.reason}"
        elif self.slug:
            line += f" -> {self.slug}"
            if self.details:
                line += f" ({'; '.join(self.details)})"
        return line

    @property
    def code_lines(self) -> list[str]:
        """One line for each code block that does not parse: "code block 3 does not
        parse as Python 3: ... at line 4 ..."."""
        return [
            f"code block {problem['block']} {problem['message']}" for problem in self.code_problems
        ]

    @property
    def details(self) -> list[str]:
        """How the file was read: its encoding, and where a new note's date came from."""
        details = [f"read as {self.encoding.upper()}"] if self.encoding else []
        if self.date is not None and self.date_source is not None:
            details.append(f"dated {self.date.isoformat()}{_DATED_BY[self.date_source]}")
        return details


# How the report says where a date came from, after "dated 2014-11-06".
_DATED_BY = {
    DateSource.GIVEN: ", the date given for this import",
    DateSource.FRONT_MATTER: " from its front matter",
    DateSource.FILE_NAME: " from its file name",
    DateSource.FIRST_LINES: " from its first lines",
    DateSource.COMMIT: " from the commit that added it",
    DateSource.MODIFIED: ", a guess from the file's modification time",
    DateSource.IMPORT_TIME: ", a guess: the time of the import (the file gives no date)",
}


@dataclass
class ImportReport:
    dry_run: bool = False
    results: list[ImportResult] = field(default_factory=list)

    @property
    def counts(self) -> Counter[Outcome]:
        return Counter(result.outcome for result in self.results)

    @property
    def failed(self) -> list[ImportResult]:
        return [result for result in self.results if result.outcome is Outcome.FAILED]

    @property
    def with_code_problems(self) -> list[ImportResult]:
        """The notes written whose Python does not parse."""
        return [result for result in self.results if result.code_problems]

    def summary(self) -> str:
        """``created: 3, updated: 0, unchanged: 2, failed: 1``, and what was ignored."""
        counts = self.counts
        line = ", ".join(
            f"{outcome_verb(outcome, dry_run=self.dry_run)}: {counts[outcome]}"
            for outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.FAILED)
        )
        if counts[Outcome.IGNORED]:
            line += f" ({counts[Outcome.IGNORED]} other files ignored)"
        if self.dry_run:
            line += "; dry run, nothing was written"
        return line
