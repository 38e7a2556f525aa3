"""scalelint's stable public API: the one entry point for the CLI, the tests and editor integrations.

    from scalelint.api import lint
    report = lint(["src/"])
    for d in report.diagnostics: print(d.path, d.span.line, d.code, d.message)

Paths in the report are relative to the current directory, with `/` separators.

Everything in `__all__` is documented in docs/api.md, which also states the stability promise:
these names, `lint()`'s parameters and the documented fields change only by addition within a
release series. The rest of the package (`scalelint.engine`, `scalelint.project`, ...) is internal.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Callable, Mapping

from scalelint.cache import default_cache_dir
from scalelint.config import ConfigError, Settings, load_settings
from scalelint.diagnostics import Diagnostic, Edit, Fix, Related
from scalelint.engine import Report
from scalelint.engine import lint as _engine_lint
from scalelint.facts import Span

__all__ = [
    "ConfigError",
    "Diagnostic",
    "Edit",
    "Fix",
    "Related",
    "Report",
    "Settings",
    "Span",
    "lint",
    "load_settings",
]


def lint(
    paths: list[str | os.PathLike] | None = None,
    settings: Settings | None = None,
    *,
    config: str | os.PathLike | None = None,
    cache: bool = True,
    cache_dir: str | os.PathLike | None = None,
    jobs: int | None = None,
    sources: Mapping[str | os.PathLike, str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """Lint `paths` (default: the current directory) as `scalelint PATHS` does and return the
    findings. Raises ConfigError for a bad configuration or a path that does not exist.

    `sources` maps file paths to text that replaces what is on disk (an editor's unsaved
    buffer); such a path need not exist yet. `progress(stage, done, total)` is called as the
    run goes ("read", "model", "rules"), from the calling thread."""
    targets = [Path(p) for p in (paths or ["."])]
    overrides = {Path(os.path.abspath(path)): text for path, text in (sources or {}).items()}
    for target in targets:
        if not target.exists() and Path(os.path.abspath(target)) not in overrides:
            raise ConfigError(f"{target}: no such file or directory")
    if settings is None:
        settings = load_settings(targets, Path(config) if config else None)
    directory = (Path(cache_dir) if cache_dir else default_cache_dir()) if cache else None
    report = _engine_lint(targets, settings, cache_dir=directory, jobs=jobs, progress=progress, sources=overrides or None)
    root = report.root
    report.diagnostics = [relative_diagnostic(d, root) for d in report.diagnostics]
    return report


def display_path(root: Path, rel: str) -> str:
    absolute = root / rel
    try:
        shown = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        shown = str(absolute)
    return shown.replace(os.sep, "/")


def relative_diagnostic(d: Diagnostic, root: Path) -> Diagnostic:
    related = tuple(Related(display_path(root, r.path), r.line, r.message) for r in d.related)
    fix = d.fix
    if fix is not None and fix.edits:
        fix = replace(fix, edits=tuple(replace(e, path=display_path(root, e.path)) for e in fix.edits))
    return replace(d, path=display_path(root, d.path), related=related, fix=fix)
