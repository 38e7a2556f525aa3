"""Which files of the project git shows as not committed yet: new (untracked or added) or
modified in the work tree.

A migration committed to the repository's branch has most likely been deployed already; one you
are still writing has not. Rules about what a migration costs when it runs ask this to tell the
two apart on a whole-repository run (pre-commit names the new file instead).

git is asked once, read-only (`git status --porcelain`), with a timeout; when git is missing, the
folder is not a work tree, or git fails, the answer is "nothing is known to be uncommitted".
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

__all__ = ["uncommitted"]

_TIMEOUT = 10  # seconds: a status on a huge tree is slow, a hung git must not hang the run


def uncommitted(root: Path) -> frozenset[str] | None:
    """Project-relative POSIX paths git reports as untracked, added or modified under `root`;
    None when git cannot say."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # a status must not take the index lock
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, timeout=_TIMEOUT, env=env)
        if top.returncode != 0:
            return None
        out = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "-z", "--untracked-files=all", "--", "."],
            capture_output=True,
            timeout=_TIMEOUT,
            env=env,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if out.returncode != 0:
        return None
    toplevel = Path(os.fsdecode(top.stdout.strip()))
    try:
        base = Path(os.path.realpath(root)).relative_to(os.path.realpath(toplevel))
    except ValueError:
        return None
    paths: set[str] = set()
    entries = out.stdout.split(b"\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        status, name = entry[:2], os.fsdecode(entry[3:])
        if status[:1] in (b"R", b"C"):
            i += 1  # a rename's old name follows; the new one is what the tree holds
        if b"D" in status:
            continue
        try:
            paths.add(Path(name).relative_to(base).as_posix() if str(base) != "." else Path(name).as_posix())
        except ValueError:
            continue
    return frozenset(paths)
