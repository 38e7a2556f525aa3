"""Rule specs: one Markdown file per rule that is both its documentation and its tests.

Every `##` section with code blocks is a mini-project. A block takes its file name from a
line like `` `app/views.py`: `` just above it; a `toml` block with no name is the section's
`[tool.scalelint]` config. In any file, a trailing comment annotates what must be reported:

    x = y  # error: [rule-name]        reported on this line
    x = y  # error: 9 [rule-name]      ... at column 9
    x = y  # todo-error: [rule-name]   a known miss: fails once the rule reports it
    x = y  # todo-ok: [rule-name]      a known false alarm: fails once the rule stops

(`--` starts the annotation in SQL, `{#` in Django and Jinja2 templates, `//` in TypeScript and JavaScript.) Annotations are removed from the files before linting,
so what is linted is exactly what a user would write. A report on a line with no annotation
fails the section, for the rule under test and every rule an annotation in the section names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

TITLE_RE = re.compile(r"^#\s+(?P<name>[a-z0-9-]+)\s+\((?P<code>[A-Z]+\d{3})\)\s*$")
FILE_RE = re.compile(r"^`(?P<path>[^`]+)`\s*:?\s*$")
FENCE_RE = re.compile(r"^(?P<fence>```+)\s*(?P<info>[^`]*)$")
ANNOTATION_RE = re.compile(
    r"\s*(?:\{#|#|--|//)\s*(?P<kind>error|todo-error|todo-ok):\s*(?:(?P<column>\d+)\s+)?\[(?P<names>[a-z0-9, -]+)\]"
)
DEFAULT_NAMES = {"py": "app.py", "python": "app.py", "sql": "schema.sql"}


@dataclass(frozen=True)
class Expectation:
    kind: str  # error | todo-error | todo-ok
    path: str
    line: int
    column: int | None
    rule: str  # rule name


@dataclass
class Section:
    title: str
    line: int  # where the heading is in the spec
    files: dict[str, str] = field(default_factory=dict)  # path → content with annotations removed
    fixed: dict[str, str] = field(default_factory=dict)  # path → expected content after --fix
    config: str | None = None
    expectations: list[Expectation] = field(default_factory=list)

    @property
    def is_case(self) -> bool:
        return bool(self.files)

    def expected(self, kind: str) -> list[Expectation]:
        return [e for e in self.expectations if e.kind == kind]


@dataclass
class Spec:
    path: Path
    name: str
    code: str
    headings: list[str]
    sections: list[Section]

    def cases(self) -> list[Section]:
        return [s for s in self.sections if s.is_case]


class SpecError(Exception):
    pass


def strip_annotations(text: str, path: str) -> tuple[str, list[Expectation]]:
    lines = []
    expectations = []
    for number, line in enumerate(text.split("\n"), start=1):
        matches = list(ANNOTATION_RE.finditer(line))
        if matches:
            for match in matches:
                column = int(match.group("column")) if match.group("column") else None
                for name in match.group("names").split(","):
                    if name.strip():
                        expectations.append(Expectation(match.group("kind"), path, number, column, name.strip()))
            line = line[: matches[0].start()].rstrip()
        lines.append(line)
    return "\n".join(lines), expectations


def parse_spec(path: Path) -> Spec:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    title = TITLE_RE.match(lines[0]) if lines else None
    if not title:
        raise SpecError(f"{path}: the first line must be `# <rule-name> (<CODE>)`")
    sections: list[Section] = []
    headings: list[str] = []
    current: Section | None = None
    pending_name: str | None = None
    index = 1
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            heading = line[3:].strip()
            headings.append(heading)
            current = Section(heading, index + 1)
            sections.append(current)
            pending_name = None
        elif FILE_RE.match(line.strip()):
            pending_name = FILE_RE.match(line.strip()).group("path")
        elif FENCE_RE.match(line):
            fence = FENCE_RE.match(line)
            info = fence.group("info").split()
            body: list[str] = []
            index += 1
            while index < len(lines) and not lines[index].startswith(fence.group("fence")):
                body.append(lines[index])
                index += 1
            if current is not None:
                _add_block(current, info, pending_name, "\n".join(body) + "\n", path)
            pending_name = None
        elif line.strip():
            pending_name = None if not line.strip().startswith("`") else pending_name
        index += 1
    return Spec(path, title.group("name"), title.group("code"), headings, sections)


def _add_block(section: Section, info: list[str], name: str | None, body: str, spec_path: Path) -> None:
    language = info[0] if info else ""
    is_fixed = "fixed" in info[1:]
    if language in ("", "text", "console", "shell-session", "bash-session") and name is None:
        return  # prose examples (terminal output) are not files
    if language == "toml" and name is None:
        section.config = body
        return
    name = name or DEFAULT_NAMES.get(language)
    if name is None:
        raise SpecError(f"{spec_path}:{section.line}: a `{language}` block in '{section.title}' needs a `path`: line above it")
    if is_fixed:
        section.fixed[name] = body
        return
    content, expectations = strip_annotations(body, name)
    section.files[name] = content
    section.expectations.extend(expectations)


def write_project(section: Section, directory: Path) -> None:
    for name, content in section.files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    if "pyproject.toml" not in section.files:
        config = section.config or ""
        if config and "[tool.scalelint" not in config:
            config = "[tool.scalelint]\n" + config
        elif not config:
            config = "[tool.scalelint]\n"
        (directory / "pyproject.toml").write_text(config, encoding="utf-8")


@dataclass
class Outcome:
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_section(spec: Spec, section: Section, directory: Path) -> Outcome:
    """Lint the section's mini-project and compare the reports with its annotations."""
    from scalelint import registry
    from scalelint.api import lint

    write_project(section, directory)
    report = lint([directory], cache=False, jobs=1)
    checked = {spec.name} | {e.rule for e in section.expectations}
    for name in checked:
        if registry.rule_for(name) is None:
            return Outcome([f"annotation names unknown rule {name!r}"])
    problems = [f"internal error: {message}" for message in report.internal_errors]
    found = []
    for d in report.diagnostics:
        if d.name not in checked:
            continue
        rel = Path(d.path).resolve().relative_to(directory.resolve()).as_posix()
        found.append((rel, d))

    def matches(expectation: Expectation, rel: str, d) -> bool:
        return (
            rel == expectation.path
            and d.span.line == expectation.line
            and d.name == expectation.rule
            and (expectation.column is None or expectation.column == d.span.column)
        )

    for expectation in section.expectations:
        hits = [d for rel, d in found if matches(expectation, rel, d)]
        where = f"{expectation.path}:{expectation.line}"
        if expectation.kind == "error" and not hits:
            column = f" at column {expectation.column}" if expectation.column else ""
            near = [f"{d.span.line}:{d.span.column} {d.name}" for rel, d in found if rel == expectation.path]
            problems.append(f"{where}: expected [{expectation.rule}]{column}, not reported (reports in this file: {near or 'none'})")
        elif expectation.kind == "todo-error" and hits:
            problems.append(f"{where}: todo-error [{expectation.rule}] is now reported: make it `error:`")
        elif expectation.kind == "todo-ok" and not hits:
            problems.append(f"{where}: todo-ok [{expectation.rule}] is no longer reported: remove the annotation")
    for rel, d in found:
        if not any(matches(e, rel, d) for e in section.expectations if e.kind in ("error", "todo-ok")):
            problems.append(f"{rel}:{d.span.line}:{d.span.column}: unexpected [{d.name}] {d.message}")
    if section.fixed:
        problems.extend(_check_fixed(spec, section, directory, report))
    return Outcome(problems)


def _check_fixed(spec: Spec, section: Section, directory: Path, report) -> list[str]:
    """Apply the rule's fixes (safe and unsafe) as `--fix --unsafe-fixes` would, and compare
    each file that has a `fixed` block with it."""
    from dataclasses import replace

    from scalelint import fixes
    from scalelint.api import lint, load_settings

    settings = load_settings([directory])
    settings = replace(settings, select=(spec.code,), extend_select=())
    first = lint([directory], settings, cache=False, jobs=1)
    fixes.fix(lambda: lint([directory], settings, cache=False, jobs=1), first, unsafe=True)
    problems = []
    for name, expected in section.fixed.items():
        got = (directory / name).read_text(encoding="utf-8")
        if got != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), got.splitlines(keepends=True), "fixed block", "after --fix"))
            problems.append(f"{name}: the fixed file differs from the spec's `fixed` block:\n{diff}")
    return problems
