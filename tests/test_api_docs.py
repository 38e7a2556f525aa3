"""docs/api.md is the public API's documentation and must not rot: every Python example on it
runs (each on its own, from the repository root, on the bundled example shop) and prints the
output shown under it; every name `scalelint.api` exports has a section, every section names an
export, and each field table lists exactly the fields the dataclass has."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
from pathlib import Path

import pytest

import scalelint.api as api

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "docs" / "api.md"
FENCE_RE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
HEADING_RE = re.compile(r"^## (?P<title>.+)$", re.MULTILINE)
NAME_RE = re.compile(r"`(?P<name>\w+)(?:\(\))?`")


def blocks(text: str) -> list[tuple[str, str]]:
    return [(m.group("info").strip(), m.group("body")) for m in FENCE_RE.finditer(text)]


def examples(text: str) -> list[tuple[str, str]]:
    """(code, expected output) for each `python` block; the block after it is its output."""
    found = blocks(text)
    pairs = []
    for index, (info, body) in enumerate(found):
        if info != "python":
            continue
        following = found[index + 1] if index + 1 < len(found) else ("", "")
        assert following[0] == 'text title="output"', f"the example\n{body}\nhas no ```text title=\"output\" block after it"
        pairs.append((body, following[1]))
    return pairs


EXAMPLES = examples(PAGE.read_text(encoding="utf-8"))


def test_the_page_has_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("code, expected", EXAMPLES, ids=[f"example-{i + 1}" for i in range(len(EXAMPLES))])
def test_example_prints_what_the_page_shows(code, expected, monkeypatch, tmp_path):
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("SCALELINT_CACHE_DIR", str(tmp_path / "cache"))
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, f"{PAGE}:example", "exec"), {"__name__": "__docs_example__"})
    assert output.getvalue() == expected


def sections(text: str) -> dict[str, str]:
    """`## ...` heading → the text up to the next one."""
    matches = list(HEADING_RE.finditer(text))
    return {
        m.group("title"): text[m.end() : matches[i + 1].start() if i + 1 < len(matches) else len(text)]
        for i, m in enumerate(matches)
    }


def documented_names(text: str) -> set[str]:
    names = set()
    for title in sections(text):
        names.update(NAME_RE.findall(title))
    return names


def test_every_export_is_documented_and_every_documented_name_exported():
    documented = documented_names(PAGE.read_text(encoding="utf-8"))
    assert documented == set(api.__all__)
    # the names the editor integrations were promised
    assert {"Diagnostic", "Related", "Report", "lint", "load_settings", "ConfigError", "Settings"} <= set(api.__all__)
    for name in api.__all__:
        assert getattr(api, name) is not None


def field_table(section: str, owner: str) -> list[str]:
    """First-column names of the table whose header is `field` or `field of `owner``."""
    rows: list[str] = []
    inside = False
    for line in section.splitlines():
        if line.startswith("| field |") or line.startswith(f"| field of `{owner}` |"):
            inside = True
        elif inside and line.startswith("|---"):
            continue
        elif inside and line.startswith("| `"):
            rows.append(line.split("`")[1])
        elif inside:
            break
    return rows


DATACLASSES = [name for name in api.__all__ if dataclasses.is_dataclass(getattr(api, name))]


@pytest.mark.parametrize("name", DATACLASSES)
def test_field_table_lists_exactly_the_dataclass_fields(name):
    cls = getattr(api, name)
    section = next(body for title, body in sections(PAGE.read_text(encoding="utf-8")).items() if f"`{name}`" in title)
    rows = field_table(section, name)
    fields = [f.name for f in dataclasses.fields(cls)]
    assert set(fields) <= set(rows), f"{name}: fields not documented: {sorted(set(fields) - set(rows))}"
    extra = [row for row in rows if row not in fields]
    for row in extra:  # a documented non-field must at least exist (a property such as Diagnostic.line)
        assert isinstance(getattr(cls, row, None), property), f"{name}.{row} is documented but does not exist"


def test_lint_signature_and_parameter_table_match_the_code():
    import inspect

    parts = []
    for parameter in inspect.signature(api.lint).parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY and "*" not in parts:
            parts.append("*")
        parts.append(parameter.name if parameter.default is parameter.empty else f"{parameter.name}={parameter.default!r}")
    section = sections(PAGE.read_text(encoding="utf-8"))["`lint()`"]
    assert f"lint({', '.join(parts)}) -> Report" in section
    rows = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
    assert rows == [part.split("=")[0] for part in parts if part != "*"]
