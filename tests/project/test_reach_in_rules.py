"""The request-path rules say how a request reaches a call found through the call graph's new
edges (an injected service, `self.client`, a model method, a task called directly): the
message names the handler, the notes walk the chain. The cases are the rules' own spec
examples, linted as the spec harness lints them."""

from __future__ import annotations

from pathlib import Path

import pytest

from scalelint.api import lint
from scalelint.testing.spec import parse_spec, write_project

RULES = Path(__file__).resolve().parents[2] / "rules"


def findings(tmp_path: Path, spec: str, title: str, code: str):
    section = next(s for s in parse_spec(RULES / spec).sections if s.title == title)
    write_project(section, tmp_path)
    report = lint([tmp_path], cache=False, jobs=1)
    return [d for d in report.diagnostics if d.code == code]


def notes(d) -> list[tuple[str, int, str]]:
    return [(Path(r.path).name, r.line, r.message) for r in d.related]


@pytest.mark.parametrize(
    ("spec", "title", "code", "said", "chain"),
    [
        (
            "http-call-without-timeout.md",
            "Example: a client a view keeps on self, on the request path",
            "SCL503",
            "on the request path of `Forecast.get` (a Django view)",
            [("views.py", 13, "`Forecast.get` (a Django view) calls `WeatherClient.forecast` here")],
        ),
        (
            "sync-external-call-in-request.md",
            "Example: a notifier injected with Depends",
            "SCL502",
            "on the request path of `pay` (a FastAPI route)",
            [("main.py", 10, "`pay` (a FastAPI route) calls `Notifier.receipt` here")],
        ),
        (
            "sync-external-call-in-request.md",
            "Example: a Celery task called directly",
            "SCL502",
            "on the request path of `signup` (a Django view)",
            [("views.py", 7, "`signup` (a Django view) calls `send_welcome` here")],
        ),
        (
            "sync-write-in-request.md",
            "Example: a model method of the instance a query returned",
            "SCL501",
            "on the request path of `view_topic` (a Flask route)",
            [("views.py", 12, "`view_topic` (a Flask route) calls `Topic.mark_viewed` here")],
        ),
        (
            "uncached-hot-count.md",
            "Example: a count in a repository injected with Depends",
            "SCL401",
            "on the request path of `total` (a FastAPI route)",
            [("main.py", 15, "`total` (a FastAPI route) calls `OrderRepository.total` here")],
        ),
    ],
)
def test_the_report_walks_the_new_edge(tmp_path, spec, title, code, said, chain):
    found = findings(tmp_path, spec, title, code)
    assert len(found) == 1, [d.message for d in found]
    d = found[0]
    assert said in d.message
    shown = [n for n in notes(d) if "calls" in n[2]]
    assert shown[: len(chain)] == chain
