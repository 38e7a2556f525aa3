"""Paths as CI systems resolve them: relative to the repository's root (where the checkout is),
whichever directory scalelint runs in. GitHub code scanning, workflow annotations and GitLab
Code Quality all read a path from the root of the repository; the diagnostics carry paths
relative to the current directory, which is the same only when scalelint runs from the root."""

from __future__ import annotations

import os
from pathlib import Path


def repository_root(project_root: Path) -> Path:
    """The nearest directory at or above the project root with a `.git` (a directory, or the
    file a worktree or submodule has); the project root itself when there is none."""
    project_root = Path(os.path.abspath(project_root))
    for candidate in (project_root, *project_root.parents):
        if (candidate / ".git").exists():
            return candidate
    return project_root


def from_root(path: str, root: Path) -> str:
    """`path` (relative to the current directory, or absolute) relative to `root`, with `/`."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:  # outside the repository (a symlinked file, another drive): as given
        return path.replace(os.sep, "/")
