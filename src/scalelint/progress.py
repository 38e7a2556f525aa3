"""The progress bar on standard error, for runs long enough to wonder about.

The engine reports `(stage, done, total)` through its `progress` hook and never prints; this
draws it with rich, on a terminal only, and only once a run has taken longer than `delay`
seconds (a warm run on a small project never shows it). The bar disappears when the run ends,
so what is left on the screen is the report.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

STAGES = {"read": "files read", "model": "project model", "rules": "rules"}
DEFAULT_DELAY = 1.0  # seconds; SCALELINT_PROGRESS_DELAY overrides it


def wanted(stream: TextIO | None = None) -> bool:
    """A bar only where someone watches: standard error is a terminal."""
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def delay_from_env() -> float:
    try:
        return max(float(os.environ.get("SCALELINT_PROGRESS_DELAY", DEFAULT_DELAY)), 0.0)
    except ValueError:
        return DEFAULT_DELAY


class ProgressBar:
    """A context manager whose instance is the engine's `progress` hook."""

    def __init__(self, stream: TextIO | None = None, *, delay: float | None = None, color: bool = True, console=None):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.delay = delay_from_env() if delay is None else delay
        self.console = console or Console(file=stream or sys.stderr, no_color=not color, highlight=False, markup=False)
        self.progress = Progress(
            TextColumn("{task.description:<14}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
            auto_refresh=True,
            refresh_per_second=8,
        )
        self._tasks: dict[str, tuple[object, int]] = {}  # stage -> (rich task id, total)
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._started = time.monotonic()
        self.shown = False

    def __enter__(self) -> "ProgressBar":
        self._timer = threading.Timer(self.delay, self._show)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self.shown:
                self.progress.stop()

    def _show(self) -> None:
        with self._lock:
            if not self.shown:
                self.progress.start()
                self.shown = True

    def __call__(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            total = max(total, 1)
            if stage not in self._tasks:
                for other, other_total in self._tasks.values():  # an earlier stage is over when the next starts
                    self.progress.update(other, completed=other_total)
                self._tasks[stage] = (self.progress.add_task(STAGES.get(stage, stage), total=total), total)
            task, _ = self._tasks[stage]
            self._tasks[stage] = (task, total)
            self.progress.update(task, completed=done, total=total)
