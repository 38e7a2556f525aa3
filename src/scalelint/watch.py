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


def run(
    lint_once: Callable[[], Settings], say: Callable[[str], None], interval: float | None = None, settings: Settings | None = None
) -> None:
    """`lint_once()` lints and prints, and returns the settings it used (they are read again
    each time: an edit to pyproject.toml applies on the next run). `settings`: those the first
    run starts from, when known. Returns on Ctrl-C."""
    interval = interval_from_env() if interval is None else interval
    try:
        before = snapshot(settings) if settings is not None else None
        while True:
            used = lint_once()
            # Each run is compared against the tree as it was measured before the run, not
            # after it: a file saved while the run read the tree (an editor's second save, a
            # write still under way) differs at the next poll and is linted again.
            state = before if before is not None and settings is not None and _same_walk(settings, used) else snapshot(used)
            settings = used
            say(f"[{datetime.now():%H:%M:%S}] scalelint: watching {len(state)} files for changes (Ctrl-C to stop)")
            while True:
                time.sleep(interval)
                current = snapshot(settings)
                if current != state:
                    break
            changed = sorted(set(current.items()) ^ set(state.items()))
            names = sorted({os.path.relpath(path) for path, _ in changed})
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            say(f"[{datetime.now():%H:%M:%S}] scalelint: {shown} changed: linting again")
            before = current
    except KeyboardInterrupt:
        return


def _same_walk(a: Settings, b: Settings) -> bool:
    """Whether two settings make snapshot() look at the same files."""
    return (a.root, a.exclude, a.extend_exclude, a.respect_gitignore, a.config_path) == (
        b.root, b.exclude, b.extend_exclude, b.respect_gitignore, b.config_path,
    )
