"""The documentation site builds with `mkdocs build --strict` (offline): every rule in the
registry has a page generated from its spec, linked from the catalogue; SARIF's `helpUri` links
the same spec in the repository; a broken link fails the build; a new spec gets its page
without editing a list."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from scalelint import registry
from scalelint.docs import DOCS_URL, release_ref, repository_url, rule_url, site_url
from scalelint.engine import Report
from scalelint.reporting import sarif
from scalelint.testing.spec import parse_spec

REPO = Path(__file__).resolve().parents[1]


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("docs") / "site"
    result = mkdocs_build(REPO, site)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site


def copy_of_the_docs(tmp_path: Path) -> Path:
    """mkdocs.yml, docs/ and rules/ in a scratch directory, to break on purpose."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    for directory in ("docs", "rules"):
        shutil.copytree(REPO / directory, project / directory, ignore=shutil.ignore_patterns("__pycache__"))
    return project


class Links(HTMLParser):
    """`href`s inside the page's <article> (the content, not the navigation around it)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif tag == "a" and self.depth:
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1


def content_links(page: Path, site: Path) -> set[str]:
    """Site-relative targets (`rules/pool-exhaustion/`) of the page's content links."""
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    base = "http://site/" + page.parent.relative_to(site).as_posix() + "/"
    return {urljoin(base, href.split("#")[0]).removeprefix("http://site/") for href in parser.hrefs}


def page_for(url: str, site: Path) -> Path:
    assert url.startswith(DOCS_URL), url
    return site / url.removeprefix(DOCS_URL) / "index.html"


def test_site_url_and_sarif_help_links():
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_url"] == DOCS_URL
    log = sarif.build(Report(root=REPO))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == repository_url()
    help_uris = {rule["id"]: rule["helpUri"] for rule in driver["rules"]}
    assert help_uris == {rule.code: rule_url(rule) for rule in registry.all_rules()}
    # each link is a file of this repository at the release's tag: the rule's spec
    prefix = f"{repository_url()}/blob/{release_ref()}/"
    for rule in registry.all_rules():
        assert help_uris[rule.code].startswith(prefix)
        assert (REPO / help_uris[rule.code].removeprefix(prefix)).is_file(), help_uris[rule.code]


def test_every_rule_has_its_page_at_its_help_uri(site):
    rules = registry.all_rules()
    assert len(rules) >= 10
    for rule in rules:
        page = page_for(site_url(rule), site)
        assert page.is_file(), f"{rule.code}: no page at {page.relative_to(site)}"
        html = page.read_text(encoding="utf-8")
        assert re.search(rf"<h1[^>]*>{re.escape(rule.name)} \({rule.code}\)", html), f"{rule.code}: wrong title"
        assert f"scalelint --explain {rule.code}" in html


def test_catalogue_links_every_rule_page(site):
    links = content_links(site / "rules" / "index.html", site)
    for rule in registry.all_rules():
        target = site_url(rule).removeprefix(DOCS_URL)
        assert target in links, f"the catalogue does not link {rule.code}'s page ({target})"


def test_links_to_spec_files_point_at_rule_pages(site):
    # configuration.md links `../rules/pool-exhaustion.md` (right on GitHub): on the site it is the page.
    links = content_links(site / "configuration" / "index.html", site)
    assert "rules/pool-exhaustion/" in links
    assert not [link for link in links if link.endswith(".md")]


@pytest.mark.parametrize("spec_path", sorted((REPO / "rules").glob("*.md")), ids=lambda p: p.stem)
def test_rule_page_shows_examples_readably(site, spec_path):
    spec = parse_spec(spec_path)
    html = (site / "rules" / spec.name / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    # the harness's annotations are rewritten, and every reported line is highlighted
    assert not re.search(r"(#|--) (error|todo-error|todo-ok): ", text)
    reported = {
        (section.title, e.path, e.line) for section in spec.sections for e in section.expectations if e.kind in ("error", "todo-ok")
    }
    assert html.count('<span class="hll">') == len(reported)
    rule = registry.rule_for(spec.name)
    if any(e.kind == "error" and e.rule == spec.name for section in spec.sections for e in section.expectations):
        assert f"reported: {rule.code} {rule.name}" in text
    # a `path`: line above a block becomes the block's title
    titled = {name for section in spec.cases() for name in section.files}
    for name in titled:
        assert f'<span class="filename">{name}</span>' in html, f"{spec.name}: {name} is not a code block title"
    assert "About the examples" in html


def load_hook():
    import importlib.util

    spec = importlib.util.spec_from_file_location("scalelint_docs_hooks", REPO / "docs" / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_annotations_read_as_comments_in_the_files_own_syntax():
    annotate = load_hook().annotate
    assert annotate("engine = make(pool_size=2)  # error: 8 [pool-exhaustion]") == (
        "engine = make(pool_size=2)  # reported: SCL302 pool-exhaustion",
        True,
    )
    assert annotate("SELECT 1 FROM t -- todo-error: [parse-error]") == (
        "SELECT 1 FROM t  -- not reported yet (known miss): SCL001 parse-error",
        False,
    )
    assert annotate("<li>{{ e.venue.name }}</li> {# todo-ok: [n-plus-one] #}") == (
        "<li>{{ e.venue.name }}</li>  {# reported, wrongly (known false alarm): SCL101 n-plus-one #}",
        True,
    )
    assert annotate("x = 1  # an ordinary comment") == ("x = 1  # an ordinary comment", False)


def test_a_broken_link_or_anchor_fails_the_strict_build(tmp_path):
    project = copy_of_the_docs(tmp_path)
    usage = project / "docs" / "usage.md"
    usage.write_text(
        usage.read_text(encoding="utf-8") + "\nSee [the recipes](recipes.md) and [options](configuration.md#no-such-heading).\n",
        encoding="utf-8",
    )
    result = mkdocs_build(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "recipes.md" in output and "no-such-heading" in output, output


def test_a_new_spec_gets_a_page_nav_entry_and_catalogue_link(tmp_path):
    project = copy_of_the_docs(tmp_path)
    (project / "rules" / "slow-thing.md").write_text(
        "# slow-thing (SCL999)\n\n## What it does\nFinds a slow thing.\n\n"
        "## Example: one\n`app.py`:\n```py\nslow()  # error: [slow-thing]\n```\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    result = mkdocs_build(project, site)  # strict: a page missing from the nav would fail it
    assert result.returncode == 0, result.stdout + result.stderr
    page = (site / "rules" / "slow-thing" / "index.html").read_text(encoding="utf-8")
    assert "Not in this version" in page  # no such rule is registered
    assert '<span class="filename">app.py</span>' in page and "reported: slow-thing" in page
    assert "rules/slow-thing/" in content_links(site / "rules" / "index.html", site)
    nav = json.dumps(re.findall(r'href="([^"]+)"', (site / "index.html").read_text(encoding="utf-8")))
    assert "rules/slow-thing/" in nav


# --- the CI recipes (docs/ci.md) ----------------------------------------------------------

CI_PAGE = REPO / "docs" / "ci.md"
FENCE_RE = re.compile(r"^```(?P<info>\w*)[^\n]*\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
COMMAND_RE = re.compile(r"^\s*(?:- run: |- )?(?P<command>scalelint(?: [^\n]*)?)$", re.MULTILINE)


def code_blocks(page: Path, language: str | None = None) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [m.group("body") for m in FENCE_RE.finditer(text) if language is None or m.group("info") == language]


def example_shop(tmp_path: Path) -> Path:
    shop = tmp_path / "shop"
    shutil.copytree(REPO / "examples" / "flask-shop", shop)
    return shop


def run_documented(command: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    """A command as the page shows it, run by a shell (redirections, comments) with this
    Python's `scalelint` first on PATH."""
    assert command.startswith("scalelint")
    scripts = Path(sys.executable).parent
    path = f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "NO_COLOR": "1", "SCALELINT_CACHE_DIR": str(cache), "PATH": path}
    assert shutil.which("scalelint", path=env["PATH"]) == str(scripts / "scalelint")
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("page", sorted((REPO / "docs").glob("*.md")), ids=lambda p: p.stem)
def test_yaml_examples_parse(page):
    import textwrap

    for block in code_blocks(page, "yaml"):
        yaml.safe_load(textwrap.dedent(block))


def test_code_scanning_workflow_uploads_the_sarif_file_it_writes(tmp_path):
    workflow = next(yaml.safe_load(b) for b in code_blocks(CI_PAGE, "yaml") if "upload-sarif" in b)
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    scan = next(step["run"] for step in steps if step.get("run", "").startswith("scalelint"))
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert "--output-format sarif" in scan and "-o scalelint.sarif" in scan
    assert upload["with"]["sarif_file"] == "scalelint.sarif"
    assert steps.index(upload) > next(i for i, step in enumerate(steps) if step.get("run") == scan)
    shop = example_shop(tmp_path)
    result = run_documented(scan, shop, tmp_path / "cache")
    assert result.returncode == 0, result.stderr  # --exit-zero, so the upload step runs
    log = json.loads((shop / "scalelint.sarif").read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]


def test_every_scalelint_command_in_the_ci_recipes_runs(tmp_path):
    commands = [m.group("command") for block in code_blocks(CI_PAGE) for m in COMMAND_RE.finditer(block)]
    assert any("--write-baseline" in c for c in commands) and any("--baseline " in c for c in commands)
    shop = example_shop(tmp_path)
    # the baseline is written before it is used, whatever the order on the page
    for command in sorted(commands, key=lambda c: "--write-baseline" not in c):
        result = run_documented(command, shop, tmp_path / "cache")
        assert result.returncode in (0, 1), f"`{command}` exited {result.returncode}: {result.stderr}"
