"""`--explain` (and the editor's hover) show a spec as a reader needs it: the test suite's
annotations read as comments, maintainers' `<!-- -->` notes and the harness are left out."""

from __future__ import annotations

import re

import pytest

from clitools import run
from scalelint import registry
from scalelint.docs import explanation
from scalelint.specdoc import drop_internal_notes, for_terminal
from scalelint.testing.spec import ANNOTATION_RE, FENCE_RE, FILE_RE


def prose(markdown: str) -> list[str]:
    lines, fence = [], None
    for line in markdown.splitlines():
        match = FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group("fence")
        elif fence is not None and line.startswith(fence) and not line.strip().strip("`"):
            fence = None
        elif fence is None:
            lines.append(line)
    return lines


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.code)
def test_no_test_markers_or_internal_notes(rule):
    text = explanation(rule)
    assert not ANNOTATION_RE.search(text), ANNOTATION_RE.search(text).group(0)
    assert "<!--" not in text
    for line in prose(text):
        if FILE_RE.match(line.strip()):
            continue  # an example's file name (a project's own tests/settings.py), not a note about ours
        assert not re.search(r"\btests/|test suite|harness", line), line


def test_annotations_become_reported_comments_and_fixed_blocks_are_labelled():
    spec = "# x (SCL999)\n\n<!-- for maintainers:\nnot shown -->\n`app.py`:\n```py\nx = 1  # error: 5 [pool-exhaustion]\ny = 2  # todo-ok: [n-plus-one]\n```\n\n```py fixed\nx = 2\n```\n"
    shown = for_terminal(spec)
    assert "x = 1  # reported: SCL302 pool-exhaustion" in shown
    assert "y = 2  # reported, wrongly (known false alarm): SCL101 n-plus-one" in shown
    assert "After the fix:" in shown and "```py\nx = 2" in shown
    assert "maintainers" not in shown and "not shown" not in shown
    # the lines the comment took are kept, empty: the docs site's line numbers still match the spec
    assert drop_internal_notes(spec).count("\n") == spec.count("\n")


def test_the_cli_renders_it(tmp_path):
    out = run(["--explain", "parse-error"], tmp_path).stdout
    assert "# reported: SCL001 parse-error" in out and "tests/" not in out
    assert not any(line != line.rstrip() for line in out.splitlines())
