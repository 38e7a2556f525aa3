"""`scalelint report`: the scaling review of a codebase, written from its code.

One lint run (the same findings `scalelint` prints for the same paths and settings) keeps its
project model; the review describes that model (architecture), multiplies what it states
(capacity), ranks the findings (bottlenecks) and says what is already right (strengths). Renderers turn the review into Markdown, JSON
or one self-contained HTML file.

    review = build_review([Path("examples/flask-shop")], settings)
    text = render(review, "markdown")
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scalelint import __version__
from scalelint.report.architecture import Architecture, describe
from scalelint.report.bottlenecks import Group, rank
from scalelint.report.capacity import Capacity, compute
from scalelint.report.strengths import Strength, find

FORMATS = ("markdown", "json", "html")

__all__ = ["FORMATS", "Review", "build_review", "render"]


@dataclass
class Review:
    title: str  # the project's directory name
    version: str
    files: int
    architecture: Architecture
    capacity: Capacity
    bottlenecks: list[Group]
    strengths: list[Strength]
    findings: int
    internal_errors: list[str]
    notes: list[str]  # about the run (files skipped for an older Python), not the code


def build_review(targets: list[Path], settings, *, cache: bool = True, cache_dir: Path | None = None, jobs: int | None = None) -> Review:
    """One lint run of `targets` (as `scalelint TARGETS` with these settings), described."""
    from scalelint.api import display_path, relative_diagnostic
    from scalelint.cache import default_cache_dir
    from scalelint.engine import lint_with_project

    directory = (cache_dir or default_cache_dir()) if cache else None
    report, project = lint_with_project(targets, settings, cache_dir=directory, jobs=jobs)
    root = report.root
    diagnostics = [relative_diagnostic(d, root) for d in report.diagnostics]  # paths as `scalelint` prints them

    def shown(rel: str) -> str:
        return display_path(root, rel)

    def relative(displayed: str) -> str:
        return Path(os.path.relpath(os.path.abspath(displayed), root)).as_posix()

    architecture = describe(project, shown)
    capacity = compute(architecture, settings)
    return Review(
        title=root.name,
        version=__version__,
        files=report.files,
        architecture=architecture,
        capacity=capacity,
        bottlenecks=rank(diagnostics, project, relative, shown),
        strengths=find(project, architecture, capacity, shown),
        findings=len(diagnostics),
        internal_errors=list(report.internal_errors),
        notes=list(report.notes),
    )


def render(review: Review, fmt: str) -> str:
    if fmt == "markdown":
        from scalelint.report.render_markdown import render_markdown

        return render_markdown(review)
    if fmt == "json":
        from scalelint.report.render_json import render_json

        return render_json(review)
    if fmt == "html":
        from scalelint.report.render_html import render_html

        return render_html(review)
    raise ValueError(f"unknown report format {fmt!r}")
