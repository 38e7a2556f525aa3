"""`--list-rules` and `--explain`: the rule catalogue and each rule's spec, rendered with rich."""

from __future__ import annotations

from pathlib import Path

from scalelint import registry

# Where the documentation site (mkdocs.yml's `site_url`) is published. SARIF links each rule to
# its page under it; tests/test_docs_site.py checks that mkdocs.yml and the built pages agree.
DOCS_URL = "https://scalelint.github.io/scalelint/"


def rule_url(rule) -> str:
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


def print_rule_table(color: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="scalelint rules", show_lines=False)
    for column in ("code", "name", "severity", "fixable"):
        table.add_column(column, no_wrap=True)
    table.add_column("summary", overflow="fold")
    for rule in registry.all_rules():
        table.add_row(rule.code, rule.name, rule.severity, "yes" if rule.fixable else "no", rule.summary)
    Console(no_color=not color, highlight=False, soft_wrap=False).print(table)


def explain(key: str, color: bool) -> bool:
    rule = registry.rule_for(key)
    if rule is None:
        return False
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console(no_color=not color, highlight=False)
    path = spec_path(rule)
    if path is None:
        console.print(Markdown(f"# {rule.name} ({rule.code})\n\n{rule.summary}\n\n**Fix:** {rule.fix_title}"))
    else:
        console.print(Markdown(path.read_text(encoding="utf-8")))
    return True
