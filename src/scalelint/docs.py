"""`--list-rules` and `--explain`: the rule catalogue and each rule's spec, rendered with rich;
and where a rule's documentation lives on the web (SARIF's `helpUri`).

A rule's page is its spec in the repository, `rules/<name>.md`, at the tag of the installed
version (`v0.1.0`), so an alert always links the text that version follows. The repository is
the `Repository` entry of `[project.urls]` in scalelint's pyproject.toml, read from the installed
package's metadata: a fork that changes that one line links its own pages, and no URL is
written anywhere else in the code.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

from scalelint import __version__, registry

# Where the documentation site (mkdocs.yml's `site_url`) is published when it is; it renders
# the same specs. tests/test_docs_site.py checks that mkdocs.yml agrees.
DOCS_URL = "https://scalelint.github.io/scalelint/"
_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)
_PROJECT_URL = re.compile(r"^\s*(?P<label>[^,]+?)\s*,\s*(?P<url>\S+)\s*$")


@lru_cache(maxsize=1)
def project_urls() -> dict[str, str]:
    """`[project.urls]` of scalelint: from the installed metadata, else (a source tree run
    without installing) from the pyproject.toml beside the package."""
    from importlib import metadata

    try:
        entries = metadata.metadata("scalelint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        entries = []
    urls = {}
    for entry in entries:
        match = _PROJECT_URL.match(entry)
        if match:
            urls[match.group("label")] = match.group("url")
    if urls:
        return urls
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        with pyproject.open("rb") as handle:
            return dict(tomllib.load(handle).get("project", {}).get("urls", {}))
    except (OSError, ValueError):
        return {}


def repository_url() -> str | None:
    url = project_urls().get("Repository")
    return url.rstrip("/") if url else None


def release_ref(version: str = __version__) -> str:
    """The git ref a version's files are at: its tag `vX.Y.Z`; `main` for a development version."""
    return "main" if "dev" in version or "+" in version else f"v{version}"


def rule_url(rule) -> str | None:
    """The rule's spec in the repository, at this version's tag (None without a repository URL)."""
    base = repository_url()
    if base is None:
        return None
    return f"{base}/blob/{release_ref()}/rules/{rule.name}.md"


def site_url(rule) -> str:
    """The rule's page on the documentation site (generated from its spec by docs/hooks.py)."""
    return f"{DOCS_URL}rules/{rule.name}/"


def spec_dir() -> Path | None:
    """rules/ in a source checkout, or the copy the wheel ships as scalelint/specs."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "specs", here.parent.parent / "rules"):
        if candidate.is_dir():
            return candidate
    return None


def spec_path(rule) -> Path | None:
    directory = spec_dir()
    if directory is None:
        return None
    path = directory / f"{rule.name}.md"
    return path if path.is_file() else None


def explanation(rule) -> str:
    """The rule's documentation as Markdown for a reader: its spec without the test suite's
    annotations and notes (what `--explain` and an editor's hover show)."""
    from scalelint.specdoc import for_terminal

    path = spec_path(rule)
    if path is None:
        return f"# {rule.name} ({rule.code})\n\n{rule.summary}\n\n**Fix:** {rule.fix_title}\n"
    return for_terminal(path.read_text(encoding="utf-8"))


def print_rule_table(color: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="scalelint rules", show_lines=False)
    for column in ("code", "name", "severity", "fixable"):
        table.add_column(column, no_wrap=True)
    table.add_column("summary", overflow="fold")
    for rule in registry.all_rules():
        # Text, not str: a summary such as "queryset[start:end]" is not rich markup
        table.add_row(rule.code, rule.name, rule.severity, "yes" if rule.fixable else "no", Text(rule.summary))
    Console(no_color=not color, highlight=False, soft_wrap=False).print(table)


def explain(key: str, color: bool) -> bool:
    rule = registry.rule_for(key)
    if rule is None:
        return False
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console(no_color=not color, highlight=False)
    with console.capture() as captured:
        console.print(Markdown(explanation(rule)))
    # rich pads every line to the width; the padding is noise in a pipe, a file or a diff
    text = _TRAILING.sub(r"\1", captured.get())
    sys.stdout.write(text)
    sys.stdout.flush()
    return True
