"""Walk the repository, honour .gitignore and excludes, and say what kind each file is."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pathspec

# Files we never read however they are named: too large to be hand-written config or code.
MAX_BYTES = 8 * 1024 * 1024

SHELL_SCRIPT_NAMES = {"entrypoint", "docker-entrypoint", "start", "run", "boot", "web", "serve", "server", "launch"}


@dataclass(frozen=True)
class DiscoveredFile:
    path: Path  # absolute
    rel: str  # relative to the project root, `/` separators
    kind: str


def classify(name: str, parent: str = "") -> str | None:
    lower = name.lower()
    suffix = lower.rsplit(".", 1)[-1] if "." in lower else ""
    if suffix == "py":
        return "python"
    if suffix == "sql":
        return "sql"
    if name == "Procfile" or name.startswith("Procfile."):
        return "procfile"
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile"
    if suffix in ("yml", "yaml"):
        return "yaml"
    if suffix == "toml":
        return "toml"
    if suffix in ("sh", "bash"):
        return "shell"
    if suffix in ("ini", "conf"):
        return "ini"
    if suffix == "service":
        return "systemd"
    if lower in ("makefile", "gnumakefile") or suffix == "mk":
        return "makefile"
    if not suffix and (name in SHELL_SCRIPT_NAMES or parent in ("bin", "scripts")):
        return "shell?"  # only if the file starts with a shell shebang (checked by the caller)
    return None


def _has_shell_shebang(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    first = head.split(b"\n", 1)[0]
    return first.startswith(b"#!") and any(sh in first for sh in (b"sh", b"bash", b"dash", b"zsh"))


def _is_virtualenv(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "pyvenv.cfg"))


def _gitignore_spec(directory: str) -> pathspec.PathSpec | None:
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def walk(root: Path, exclude: tuple[str, ...], respect_gitignore: bool = True) -> list[DiscoveredFile]:
    """Every file of the repository scalelint reads, sorted by relative path."""
    excluded = pathspec.GitIgnoreSpec.from_lines(exclude)
    # Each .gitignore applies below its own directory: keep (dir-relative-prefix, spec).
    ignores: list[tuple[str, pathspec.PathSpec]] = []
    found: list[DiscoveredFile] = []
    root_str = str(root)

    def ignored(rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if excluded.match_file(probe):
            return True
        for prefix, spec in ignores:
            if prefix and not rel.startswith(prefix):
                continue
            if spec.match_file(probe[len(prefix):]):
                return True
        return False

    for directory, dirnames, filenames in os.walk(root_str, followlinks=False):
        rel_dir = os.path.relpath(directory, root_str).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        if respect_gitignore:
            spec = _gitignore_spec(directory)
            if spec is not None:
                ignores.append((rel_dir, spec))
        kept = []
        for name in sorted(dirnames):
            full = os.path.join(directory, name)
            if os.path.islink(full) or ignored(rel_dir + name, True) or _is_virtualenv(full):
                continue
            kept.append(name)
        dirnames[:] = kept
        parent = os.path.basename(directory)
        for name in sorted(filenames):
            rel = rel_dir + name
            kind = classify(name, parent)
            if kind is None or ignored(rel, False):
                continue
            full = os.path.join(directory, name)
            if os.path.islink(full) and not os.path.exists(full):
                continue
            if kind == "shell?":
                if not _has_shell_shebang(Path(full)):
                    continue
                kind = "shell"
            found.append(DiscoveredFile(Path(full), rel, kind))
    found.sort(key=lambda f: f.rel)
    return found
