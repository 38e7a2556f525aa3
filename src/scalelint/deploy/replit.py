"""Replit's `.replit`: the `[deployment]` table's `run` is what production runs (the top-level
`run` is the workspace's Run button: development). `deploymentTarget = "autoscale"` runs as
many instances as traffic needs; a Reserved VM (`"gce"`, `"vm"`) runs the one."""

from __future__ import annotations

import re
import shlex

from scalelint.facts import DeployCommand, Span, Word

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

__all__ = ["extract", "AUTOSCALE"]

AUTOSCALE = "autoscale"
_SECTION = re.compile(r"^\s*\[\s*deployment\s*\]\s*$")
_RUN = re.compile(r"^\s*run\s*=")


def extract(path: str, text: str) -> list[DeployCommand]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    deployment = data.get("deployment")
    if not isinstance(deployment, dict):
        return []
    run = deployment.get("run")
    if isinstance(run, str):
        try:
            texts = shlex.split(run)
        except ValueError:
            return []
    elif isinstance(run, list) and all(isinstance(x, str) for x in run):
        texts = run
    else:
        return []
    line, row = _run_line(text)
    words = tuple(Word(t, _word_span(row, line, t)) for t in texts)
    if not words:
        return []
    target = deployment.get("deploymentTarget")
    return [
        DeployCommand(
            path, "replit", "deployment", words, context="production", web=True,
            # autoscale deployments add instances with traffic: several processes, not one
            instances=2 if target == AUTOSCALE else None,
        )
    ]


def _run_line(text: str) -> tuple[int, str]:
    inside = False
    for number, row in enumerate(text.split("\n"), start=1):
        if row.lstrip().startswith("["):
            inside = bool(_SECTION.match(row))
        elif inside and _RUN.match(row):
            return number, row
    return 1, ""


def _word_span(row: str, line: int, word: str) -> Span:
    at = row.find(f'"{word}"')
    if at >= 0:
        return Span(line, at + 2, line, at + 2 + len(word))
    at = row.find(word)
    if at >= 0:
        return Span(line, at + 1, line, at + 1 + len(word))
    return Span(line, 1, line, max(2, len(row) + 1))
