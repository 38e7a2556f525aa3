"""mkdocs hook (see `hooks:` in mkdocs.yml): one site page per rule spec, made at build time.

The specs in the repository's `rules/` are each rule's documentation and its test cases
(`scalelint.testing.spec`). Nothing lists them by hand:

- `on_files` turns every `rules/<name>.md` into the page `rules/<name>.md` of the site
  (served at `rules/<name>/`, the address `scalelint.docs.rule_url` gives SARIF's `helpUri`);
- `on_config` puts those pages in the nav under the "Rules" section, by code;
- `on_page_markdown` replaces `<!-- rule-index ... -->` in the catalogue (docs/rules.md) with a link
  to every rule page, and rewrites links to a spec file (`../rules/<name>.md`, which is right
  when the docs are read on GitHub) into links to the spec's page.

A spec is rendered for a reader rather than for the test harness: a `` `path`: `` line above a
code block becomes the block's title, a section's unnamed `toml` block is shown as the
`pyproject.toml` the harness writes, and the test annotations become plain comments:
`# error: [rule]` reads `# reported: CODE rule` on a highlighted line, `# todo-error:` reads
`# not reported yet (known miss)`, `# todo-ok:` reads `# reported, wrongly (known false alarm)`.
A note before the first example says these are the rule's test cases. The rewriting of
annotations, and the dropping of `<!-- -->` notes for maintainers, are `scalelint.specdoc`'s,
which `scalelint --explain` uses too.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.structure.files import File, Files

from scalelint import registry
from scalelint.specdoc import annotate, drop_internal_notes
from scalelint.testing.spec import DEFAULT_NAMES, FENCE_RE, FILE_RE, TITLE_RE, parse_spec

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SPECS = ROOT / "rules"
RULE_INDEX_RE = re.compile(r"<!-- rule-index\b.*?-->", re.DOTALL)
NAV_SECTION = "Rules"

LINK_RE = re.compile(r"\]\((?P<target>[^)\s#:]+\.md)(?P<anchor>#[^)\s]*)?\)")
LIST_ITEM_RE = re.compile(r"^(?:[-*+]|\d+[.)])\s")


def spec_files() -> list[Path]:
    """The specs, ordered by rule code (the order of the nav and of the rule index)."""
    return sorted(SPECS.glob("*.md"), key=lambda path: (_title(path)[1], path.stem))


def _title(path: Path) -> tuple[str, str]:
    with path.open(encoding="utf-8") as handle:
        match = TITLE_RE.match(handle.readline().rstrip("\n"))
    return (match.group("name"), match.group("code")) if match else (path.stem, "")


def page_uri(name: str) -> str:
    return f"rules/{name}.md"


# --- mkdocs events ------------------------------------------------------------------------


def on_config(config):
    """The "Rules" nav section: the catalogue page, then one entry per spec."""
    for index, item in enumerate(config.nav or []):
        if isinstance(item, dict) and NAV_SECTION in item:
            existing = item[NAV_SECTION]
            pages = existing if isinstance(existing, list) else [existing]
            generated = [{f"{code} {name}": page_uri(name)} for name, code in map(_title, spec_files())]
            config.nav[index] = {NAV_SECTION: [*pages, *generated]}
    return config


def on_files(files: Files, config) -> Files:
    for path in spec_files():
        files.append(File.generated(config, page_uri(path.stem), content=render_spec(path)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    source = page.file.src_uri
    generated = source.startswith("rules/") and (SPECS / Path(source).name).is_file()
    location = SPECS / Path(source).name if generated else DOCS / source
    markdown = separate_lists(rewrite_links(markdown, location, source))
    return RULE_INDEX_RE.sub(lambda _: rule_index(source), markdown)


def separate_lists(markdown: str) -> str:
    """A blank line before a list that follows a paragraph line: GitHub (where the specs and
    these pages are read too) starts the list without one, Python-Markdown does not."""
    out: list[str] = []
    in_code = False
    previous = ""
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        elif (
            not in_code
            and LIST_ITEM_RE.match(line)
            and previous.strip()
            and not previous.startswith((" ", "\t", "|", "#", ">"))
            and not LIST_ITEM_RE.match(previous)
        ):
            out.append("")
        out.append(line)
        previous = line
    return "\n".join(out)


# --- links --------------------------------------------------------------------------------


def _site_path(target: Path) -> str | None:
    """The site page (docs-relative) for a Markdown file of the repository, if it has one."""
    if target.parent == SPECS:
        return page_uri(target.stem)
    try:
        return target.relative_to(DOCS).as_posix()
    except ValueError:
        return None


def rewrite_links(markdown: str, location: Path, source: str) -> str:
    """Point links that are relative to the file in the repository at the right site page."""

    def replace(match: re.Match) -> str:
        target = Path(posixpath.normpath((location.parent / match.group("target")).as_posix()))
        site = _site_path(target)
        if site is None:
            return match.group(0)  # left alone: mkdocs' link validation reports it
        relative = posixpath.relpath(site, posixpath.dirname(source) or ".")
        return f"]({relative}{match.group('anchor') or ''})"

    return LINK_RE.sub(replace, markdown)


def rule_index(source: str) -> str:
    here = posixpath.dirname(source) or "."
    links = []
    for path in spec_files():
        name, code = _title(path)
        links.append(f"[{code} {name}]({posixpath.relpath(page_uri(name), here)})")
    return "**Rule pages:** " + " · ".join(links)


# --- a spec as a page ---------------------------------------------------------------------


def _header(name: str, code: str) -> list[str]:
    rule = registry.rule_for(name)
    lines = [""]
    if rule is None:
        lines += ['!!! warning "Not in this version"', "    No installed rule has this name yet.", ""]
    else:
        fix = "yes" if rule.fixable else "no"
        lines += [
            f"`{code}` · severity **{rule.severity}** · confidence **{rule.confidence}** · autofix **{fix}**",
            "",
            f"*{rule.summary}* `scalelint --explain {code}` shows this page in the terminal.",
            "",
        ]
    return lines


def _examples_note(has_todos: bool) -> list[str]:
    note = [
        '!!! note "About the examples"',
        "    Each example below is also one of this rule's test cases: the test suite lints the",
        "    section's files and fails unless scalelint reports exactly the highlighted lines,",
        "    each marked `reported:` at its end.",
    ]
    if has_todos:
        note += [
            "    A *known miss* is a line scalelint should report but does not yet; a *known false",
            "    alarm* is one it reports but should not. Both are recorded so that the day they",
            "    are fixed, the test says so.",
        ]
    return [*note, ""]


def render_spec(path: Path) -> str:
    spec = parse_spec(path)
    has_todos = any(e.kind != "error" for section in spec.sections for e in section.expectations)
    first_case = next((section.line for section in spec.sections if section.is_case), None)
    lines = drop_internal_notes(path.read_text(encoding="utf-8")).split("\n")
    out: list[str] = [lines[0], *_header(spec.name, spec.code)]
    label: tuple[int, str] | None = None  # (index in out, path) of a `path`: line awaiting its block
    index = 1
    while index < len(lines):
        line = lines[index]
        if index + 1 == first_case:
            out += _examples_note(has_todos)
        fence = FENCE_RE.match(line)
        if fence:
            end = index + 1
            while end < len(lines) and not lines[end].startswith(fence.group("fence")):
                end += 1
            name = None
            if label is not None:
                del out[label[0]]
                name = label[1]
            out += _code_block(fence.group("fence"), fence.group("info").split(), name, lines[index + 1 : end])
            label = None
            index = end + 1
            continue
        file_label = FILE_RE.match(line.strip())
        if file_label:
            label = (len(out), file_label.group("path"))
        elif line.strip() and not line.strip().startswith("`"):
            label = None  # as the harness does: prose between a `path`: line and a block breaks them
        out.append(line)
        index += 1
    return "\n".join(out)


def _code_block(fence: str, info: list[str], name: str | None, body: list[str]) -> list[str]:
    language = info[0] if info else ""
    fixed = "fixed" in info[1:]
    if name is None and language in ("", "text", "console", "shell-session", "bash-session"):
        return [f"{fence}{' '.join(info)}", *body, fence]  # terminal output or prose: as written
    if language == "toml" and name is None:
        name = "pyproject.toml"
        if not any("[tool.scalelint" in line for line in body):
            body = ["[tool.scalelint]", *body]
    name = name or DEFAULT_NAMES.get(language)
    shown, highlighted = [], []
    for number, line in enumerate(body, start=1):
        text, reported = annotate(line)
        shown.append(text)
        if reported:
            highlighted.append(str(number))
    attributes = []
    if name:
        attributes.append(f'title="{name}, after the fix"' if fixed else f'title="{name}"')
    if highlighted:
        attributes.append(f'hl_lines="{" ".join(highlighted)}"')
    return [f"{fence}{language or 'text'} {' '.join(attributes)}".rstrip(), *shown, fence]
