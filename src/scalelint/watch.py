"""`--watch`: lint, then lint again whenever a file scalelint reads changes, until Ctrl-C.

Polling, not OS notifications: it needs nothing installed and behaves the same on every
platform and file system (network mounts, containers). Each poll walks the project as a run
does (so a new file counts) and compares sizes and modification times; on a project of a
thousand files that is a few milliseconds per poll. The runs themselves use the cache, so a
re-lint after one edit re-reads one file.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from scalelint.config import Settings
from scalelint.discovery import walk

DEFAULT_INTERVAL = 0.5  # seconds between polls; SCALELINT_WATCH_INTERVAL overrides it


def interval_from_env() -> float:
    try:
        return max(float(os.environ.get("SCALELINT_WATCH_INTERVAL", DEFAULT_INTERVAL)), 0.05)
    except ValueError:
        return DEFAULT_INTERVAL


def snapshot(settings: Settings) -> dict[str, tuple[int, int]]:
    """What a change is measured against: every file a run reads, and the config file."""
    state: dict[str, tuple[int, int]] = {}
    paths = [f.path for f in walk(settings.root.resolve(), settings.exclude + settings.extend_exclude, settings.respect_gitignore)]
    if settings.config_path is not None:
        paths.append(Path(settings.config_path))
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        state[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return state


def run(lint_once: Callable[[], Settings], say: Callable[[str], None], interval: float | None = None) -> None:
    """`lint_once()` lints and prints, and returns the settings it used (they are read again
    each time: an edit to pyproject.toml applies on the next run). Returns on Ctrl-C."""
    interval = interval_from_env() if interval is None else interval
    try:
        while True:
            settings = lint_once()
            state = snapshot(settings)
            say(f"[{datetime.now():%H:%M:%S}] scalelint: watching {len(state)} files for changes (Ctrl-C to stop)")
            while True:
                time.sleep(interval)
                current = snapshot(settings)
                if current != state:
                    changed = sorted(set(current.items()) ^ set(state.items()))
                    names = sorted({os.path.relpath(path) for path, _ in changed})
                    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
                    say(f"[{datetime.now():%H:%M:%S}] scalelint: {shown} changed: linting again")
                    break
    except KeyboardInterrupt:
        return
