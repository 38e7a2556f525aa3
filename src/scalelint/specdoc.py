"""A rule spec (rules/<name>.md) as a reader sees it, in the terminal (`--explain`) and on the
documentation site (docs/hooks.py): the harness's annotations become plain comments and what
only the test suite needs is left out.

- `# error: [rule]` reads `# reported: CODE rule`, `# todo-error:` reads `# not reported yet
  (known miss)`, `# todo-ok:` reads `# reported, wrongly (known false alarm)`, in the file's own
  comment syntax (`--` in SQL, `{# #}` in templates, `//` in TypeScript);
- `<!-- ... -->` comments are notes for the people who maintain the spec and are dropped.
"""

from __future__ import annotations

import re

from scalelint import registry
from scalelint.testing.spec import ANNOTATION_RE, FENCE_RE

NOTES = {
    "error": "reported: {}",
    "todo-error": "not reported yet (known miss): {}",
    "todo-ok": "reported, wrongly (known false alarm): {}",
}
COMMENT_RE = re.compile(r"\s*(\{#|#|--|//)")  # how an annotation starts: Python/shell, SQL, templates, TypeScript
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


def rule_label(name: str) -> str:
    rule = registry.rule_for(name)
    return f"{rule.code} {name}" if rule else name


def annotate(line: str) -> tuple[str, bool]:
    """A code line with its test annotation turned into a readable comment, and whether
    scalelint reports the line (the lines the site highlights)."""
    matches = list(ANNOTATION_RE.finditer(line))
    if not matches:
        return line, False
    opener = COMMENT_RE.match(matches[0].group(0)).group(1)  # the file's comment syntax
    closer = " #}" if opener == "{#" else ""
    notes = []
    for match in matches:
        names = [name.strip() for name in match.group("names").split(",") if name.strip()]
        notes.append(NOTES[match.group("kind")].format(", ".join(map(rule_label, names))))
    reported = any(match.group("kind") in ("error", "todo-ok") for match in matches)
    return f"{line[: matches[0].start()].rstrip()}  {opener} {'; '.join(notes)}{closer}", reported


def drop_internal_notes(markdown: str) -> str:
    """Without the `<!-- -->` comments (outside code blocks, where they would be code). The
    lines they took stay, empty, so line numbers still match the spec's."""
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if prose:
            out.append(HTML_COMMENT_RE.sub(lambda m: "\n" * m.group(0).count("\n"), "".join(prose)))
            prose.clear()

    for line in markdown.splitlines(keepends=True):
        match = FENCE_RE.match(line.rstrip("\n"))
        if fence is None and match:
            flush()
            fence = match.group("fence")
            out.append(line)
        elif fence is not None:
            out.append(line)
            if line.startswith(fence) and not line.strip().strip("`"):
                fence = None
        else:
            prose.append(line)
    flush()
    return "".join(out)


def for_terminal(markdown: str) -> str:
    """The spec for `--explain`: annotations read as comments, a `fixed` block says it shows
    the code after the fix, internal notes are gone."""
    out: list[str] = []
    fence: str | None = None
    for line in drop_internal_notes(markdown).split("\n"):
        match = FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group("fence")
            info = match.group("info").split()
            if "fixed" in info[1:]:
                out.append("After the fix:")
                out.append("")
            out.append(f"{fence}{info[0] if info else ''}")
            continue
        if fence is not None:
            if line.startswith(fence) and not line.strip().strip("`"):
                fence = None
                out.append(line)
            else:
                out.append(annotate(line)[0])
            continue
        out.append(line)
    return "\n".join(out)
