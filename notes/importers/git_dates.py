"""The date of the git commit that added a file, for notes kept in a git checkout.

A Jekyll blog is a git repository: a post without a date in its front matter or its
name was still written around the day it was first committed, while its modification
time on disk is the day it was checked out or copied.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

# One file's history should take a fraction of a second; a huge or broken repository
# must not hold an import up for long.
GIT_TIMEOUT_SECONDS = 10

# Variables that would point git at another repository than the file's own.
_REPOSITORY_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CEILING_DIRECTORIES")


class CommitDates:
    """The dates of the commits that added files, for one import run.

    Which folders are inside a checkout is asked once per folder; a machine without
    git, a folder outside any checkout, a file never committed or a git that fails or
    takes too long all give None, quietly: the import then falls back on the file's
    modification time.
    """

    def __init__(self, timeout: float = GIT_TIMEOUT_SECONDS):
        self.timeout = timeout
        self._checkouts: dict[Path, bool] = {}
        self._git_missing = False

    def added(self, path: Path) -> dt.datetime | None:
        """When the commit that first added ``path`` was written (its author date),
        following renames; None when git cannot say."""
        folder = path.parent
        if not self._in_checkout(folder):
            return None
        output = self._git(
            folder, "log", "--diff-filter=A", "--follow", "--format=%aI", "--", path.name
        )
        lines = [line for line in (output or "").splitlines() if line.strip()]
        if not lines:
            return None  # not committed yet
        try:
            # Newest first: the last line is the commit that first added the file.
            return dt.datetime.fromisoformat(lines[-1].strip())
        except ValueError:
            return None

    def _in_checkout(self, folder: Path) -> bool:
        if self._git_missing:
            return False
        known = self._checkouts.get(folder)
        if known is None:
            known = (self._git(folder, "rev-parse", "--is-inside-work-tree") or "").strip() == (
                "true"
            )
            self._checkouts[folder] = known
        return known

    def _git(self, folder: Path, *args: str) -> str | None:
        """git's output, or None when it failed, took too long or is not installed."""
        environment = {
            name: value for name, value in os.environ.items() if name not in _REPOSITORY_VARIABLES
        }
        environment.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
        try:
            finished = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
                ["git", "-C", str(folder), *args],  # noqa: S607 (git found on the PATH)
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=self.timeout,
                env=environment,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            self._git_missing = True
            return None
        except (OSError, subprocess.SubprocessError):
            return None
        return finished.stdout if finished.returncode == 0 else None
