"""Walk the repository, honour .gitignore and excludes, and say what kind each file is."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pathspec

from scalelint import reading
from scalelint.facts import ParseProblem, Span

_FIRST = Span(1, 1, 1, 2)
SHELL_SCRIPT_NAMES = {"entrypoint", "docker-entrypoint", "start", "run", "boot", "web", "serve", "server", "launch"}

# Django / Jinja2 templates. Jinja's own suffixes are templates wherever they are; the
# generic ones only inside a `templates` directory, so htmlcov/, docs/_build/ and fixtures
# full of `.html`, `.txt` and `.xml` are never read as templates.
JINJA_SUFFIXES = frozenset(("jinja", "jinja2", "j2"))
TEMPLATE_SUFFIXES = frozenset(("html", "htm", "djhtml", "txt", "xml")) | JINJA_SUFFIXES


# TypeScript and JavaScript (scalelint.typescript reads both; the suffix picks the grammar)
SCRIPT_SUFFIXES = frozenset(("ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"))


@dataclass(frozen=True)
class DiscoveredFile:
    path: Path  # absolute
    rel: str  # relative to the project root, `/` separators
    kind: str


def classify(name: str, parent: str = "", in_templates: bool = False) -> str | None:
    """The kind of a file from its name; `parent` is its directory's name, `in_templates`
    whether some directory above it (within the project) is called `templates`."""
    lower = name.lower()
    suffix = lower.rsplit(".", 1)[-1] if "." in lower else ""
    if suffix == "py":
        return "python"
    if suffix == "sql":
        return "sql"
    if suffix in SCRIPT_SUFFIXES:
        # declaration files hold no code, minified bundles no code of the project's own
        if lower.endswith((".d.ts", ".d.mts", ".d.cts", ".min.js")):
            return None
        return "typescript"
    if name == "Procfile" or name.startswith(("Procfile.", "Procfile-", "Procfile_")):
        # `Procfile.sh` is a script a Procfile runs (babybuddy), not a Procfile
        return "shell" if suffix in ("sh", "bash") else "procfile"
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile"
    if lower == ".replit":
        return "toml"  # Replit's deployment settings
    if lower == "app.json":
        return "json"  # Heroku's app manifest: add-ons and env (the database it provisions)
    if lower.startswith(".env") or lower.endswith(".env") or lower in ("env.example", "env.sample", "env.template", "dotenv"):
        return "dotenv"
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
    if suffix in TEMPLATE_SUFFIXES and (in_templates or suffix in JINJA_SUFFIXES):
        return "template"
    if not suffix and (name in SHELL_SCRIPT_NAMES or parent in ("bin", "scripts")):
        return "shell?"  # only if the file starts with a shell shebang (checked by the caller)
    return None


def _has_shell_shebang(path: Path) -> bool:
    first = reading.read_head(path, 64).split(b"\n", 1)[0]
    return first.startswith(b"#!") and any(sh in first for sh in (b"sh", b"bash", b"dash", b"zsh"))


def pattern_error(pattern: str) -> str | None:
    """Why pathspec (or, for a plain glob, fnmatch) cannot compile a gitignore-style pattern;
    None when it can."""
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
        bare = pattern.rstrip("/")
        if bare and "/" not in bare and any(ch in bare for ch in "*?["):
            re.compile(fnmatch.translate(bare))
    except Exception as error:  # noqa: BLE001 - GitIgnorePatternError, re.error, ValueError...
        return _reason(error)
    return None


def _reason(error: Exception) -> str:
    return str(error).split("\n")[0][:120] or type(error).__name__


def _gitignore_spec(directory: str, rel_dir: str, problems: list) -> pathspec.PathSpec | None:
    """The directory's .gitignore; a line pathspec rejects is left out (git ignores it too),
    with an SCL001 saying so, and a .gitignore that is not a file is not read."""
    rel = rel_dir + ".gitignore"
    try:
        lines = reading.read_text(os.path.join(directory, ".gitignore"), errors="replace").splitlines()
    except OSError as error:
        problems.append((rel, ParseProblem(f"cannot read: {reading.describe(error)}", _FIRST)))
        return None
    if not lines:
        return None
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:  # noqa: BLE001 - some line is one pathspec cannot compile: find which
        pass
    kept = []
    for number, line in enumerate(lines, start=1):
        reason = pattern_error(line)
        if reason is not None:
            span = Span(number, 1, number, len(line) + 1)
            problems.append((rel, ParseProblem(f"line {number} ignored: {line!r} is not a valid pattern ({reason})", span, "warning")))
            continue
        kept.append(line)
    return pathspec.GitIgnoreSpec.from_lines(kept) if kept else None


class _Excluder:
    """Exclude patterns with gitignore semantics. Plain names (`node_modules`, `*.egg-info`)
    are matched against the last path part without pathspec: they are nearly all patterns
    users write, and matching them per directory dominated warm runs."""

    def __init__(self, patterns: tuple[str, ...]):
        self.names: set[str] = set()
        self.globs: list[str] = []
        complex_patterns = []
        for pattern in patterns:
            bare = pattern.rstrip("/")
            if not bare or "/" in bare or pattern.startswith("!") or "**" in bare:
                complex_patterns.append(pattern)
            elif any(ch in bare for ch in "*?["):
                self.globs.append(bare)
            else:
                self.names.add(bare)
        self.spec = pathspec.GitIgnoreSpec.from_lines(complex_patterns) if complex_patterns else None

    def __call__(self, rel: str, name: str, is_dir: bool) -> bool:
        if name in self.names or any(fnmatch.fnmatchcase(name, glob) for glob in self.globs):
            return True
        return self.spec is not None and self.spec.match_file(rel + "/" if is_dir else rel)


_TEMPLATED_NAME = re.compile(r"\{\{.*\}\}|\{%.*%\}")


def _ignored(excluded: "_Excluder", ignores: list, rel: str, name: str, is_dir: bool) -> bool:
    if excluded(rel, name, is_dir):
        return True
    probe = rel + "/" if is_dir else rel
    return any(spec.match_file(probe[len(prefix):]) for prefix, spec in ignores if probe.startswith(prefix))


def walk(
    root: Path, exclude: tuple[str, ...], respect_gitignore: bool = True, problems: list[tuple[str, ParseProblem]] | None = None
) -> list[DiscoveredFile]:
    """Every file of the repository scalelint reads, sorted by relative path. What it could not
    look into (an unreadable directory, a path too long for the system, a bad .gitignore line)
    is appended to `problems` as (relative path, ParseProblem): nothing is skipped silently."""
    excluded = _Excluder(exclude)
    found: list[DiscoveredFile] = []
    problems = problems if problems is not None else []

    # An explicit stack, not recursion: a repository may nest deeper than Python's recursion limit.
    stack: list[tuple[str, str, list[tuple[str, pathspec.PathSpec]]]] = [(str(root), "", [])]
    while stack:
        directory, rel_dir, ignores = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            problems.append((rel_dir.rstrip("/") or ".", ParseProblem(f"cannot read this directory: {reading.describe(error)}", _FIRST)))
            continue
        names = {entry.name for entry in entries}
        if rel_dir and "pyvenv.cfg" in names:
            continue  # a virtualenv, whatever it is called
        if respect_gitignore and ".gitignore" in names:
            spec = _gitignore_spec(directory, rel_dir, problems)
            if spec is not None:
                ignores = [*ignores, (rel_dir, spec)]
        parent = os.path.basename(directory)
        in_templates = "/templates/" in "/" + rel_dir  # once per directory, not per file
        for entry in entries:
            rel = rel_dir + entry.name
            try:
                if entry.is_symlink() and not entry.is_file():
                    continue  # symlinked directories may loop; dangling links have nothing to read
                if entry.is_dir():
                    if _TEMPLATED_NAME.search(entry.name):
                        continue  # `{{cookiecutter.project}}/`: a project generator's template, not code that runs
                    if not _ignored(excluded, ignores, rel, entry.name, True):
                        stack.append((entry.path, rel + "/", ignores))
                    continue
                if not entry.is_file():
                    continue  # FIFOs, sockets, devices: reading one could block forever
            except OSError as error:
                if classify(entry.name, parent, in_templates) and not _ignored(excluded, ignores, rel, entry.name, False):
                    problems.append((rel, ParseProblem(f"cannot read: {reading.describe(error)}", _FIRST)))
                continue
            kind = classify(entry.name, parent, in_templates)
            if kind is None or _ignored(excluded, ignores, rel, entry.name, False):
                continue
            if kind == "shell?":
                if not _has_shell_shebang(Path(entry.path)):
                    continue
                kind = "shell"
            found.append(DiscoveredFile(Path(entry.path), rel, kind))
    found.sort(key=lambda f: f.rel)
    problems.sort(key=lambda item: item[0])
    return found
