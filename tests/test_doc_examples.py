"""Every example of what scalelint prints, in README.md and docs/, is a ```console block that
this test runs: each `$ command` line is run (by bash, stderr with stdout, as a terminal shows
them) and what follows it in the block must be exactly what it printed. So the examples cannot
go stale: change the output and this test fails with the difference.

The commands run from the root of a scratch copy of the repository's `examples/` (a checkout:
it has a `.git`), one copy per block, so a block may change files (`--fix`, `--add-noqa`) and
later commands in the same block see the change; the repository itself is never touched. The
scratch copy's absolute path, where a message prints it, is shown as `/path/to/repo`.

`SCALELINT_UPDATE=1 pytest tests/test_doc_examples.py` rewrites the blocks with what the
commands print now (then read the diff before committing it).

A fenced block with no language, `text` or `json` is output-shaped; each must be a console
block, or carry a `title=` (it then shows a file, not output): an example cannot escape the test.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE_RE = re.compile(r"^(?P<open>```(?P<info>[^\n]*))\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
OUTPUT_SHAPED = {"", "text", "json", "console"}
SHOWN_ROOT = "/path/to/repo"


@dataclass
class Block:
    page: Path
    start: int  # offset of the body in the page
    end: int
    body: str

    @property
    def line(self) -> int:
        return self.page.read_text(encoding="utf-8")[: self.start].count("\n") + 1

    def commands(self) -> list[tuple[str, str]]:
        """(command, expected output) pairs."""
        pairs: list[tuple[str, list[str]]] = []
        for line in self.body.splitlines(keepends=True):
            if line.startswith("$ "):
                pairs.append((line[2:].rstrip("\n"), []))
            else:
                assert pairs, f"{self.page.name}:{self.line}: a console block starts with a `$ command` line"
                pairs[-1][1].append(line)
        return [(command, "".join(output)) for command, output in pairs]


def console_blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    return [Block(page, m.start("body"), m.end("body"), m.group("body")) for m in FENCE_RE.finditer(text) if m.group("info").strip() == "console"]


BLOCKS = [block for page in PAGES for block in console_blocks(page)]


def scratch(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    shutil.copytree(REPO / "examples", root / "examples", ignore=shutil.ignore_patterns("__pycache__", ".scalelint-cache"))
    return root


def run_block(block: Block, tmp_path: Path) -> str:
    """The block as it should read: each command followed by what it printed."""
    root = scratch(tmp_path)
    scripts = Path(sys.executable).parent
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_ACTIONS")},
        "NO_COLOR": "1",
        "COLUMNS": "100",
        "TERM": "dumb",
        "SCALELINT_CACHE_DIR": str(tmp_path / "cache"),
        "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    out = []
    for command, _ in block.commands():
        result = subprocess.run(["bash", "-c", command], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        # the scratch checkout's own path (in an error message naming a config file) is machine-specific
        out.append(f"$ {command}\n{result.stdout.replace(str(root), SHOWN_ROOT)}")
    return "".join(out)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"{b.page.name}:{b.line}" for b in BLOCKS])
def test_console_example_shows_what_the_command_prints(block, tmp_path):
    actual = run_block(block, tmp_path)
    if actual != block.body and os.environ.get("SCALELINT_UPDATE"):
        text = block.page.read_text(encoding="utf-8")
        # the block may have moved if an earlier block of the page was rewritten in this run
        start = text.index(block.body)
        block.page.write_text(text[:start] + actual + text[start + len(block.body) :], encoding="utf-8")
        return
    diff = "".join(difflib.unified_diff(block.body.splitlines(True), actual.splitlines(True), "documented", "printed now"))
    assert actual == block.body, f"{block.page.relative_to(REPO)}:{block.line} is stale (SCALELINT_UPDATE=1 rewrites it):\n{diff}"


def test_there_are_examples_for_each_layout_and_the_fix_workflow():
    commands = " ".join(command for block in BLOCKS for command, _ in block.commands())
    for needed in ("--output-format grouped", "--output-format concise", "--statistics", "--fix --unsafe-fixes", "--output-format json", "--output-format github", "--add-noqa", "--stdin-filename", "--show-settings"):
        assert needed in commands, needed
    assert any(block.page.name == "README.md" for block in BLOCKS)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_output_shaped_block_is_a_console_example(page):
    text = page.read_text(encoding="utf-8")
    for match in FENCE_RE.finditer(text):
        info = match.group("info").strip()
        language = info.split()[0] if info else ""
        if language in OUTPUT_SHAPED and language != "console" and "title=" not in info:
            line = text[: match.start()].count("\n") + 1
            raise AssertionError(f"{page.name}:{line}: a ```{info} block: make it a ```console example the test runs, or title it with the file it shows")
