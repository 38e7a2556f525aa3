"""The review as one JSON object, for tools. Unknown values are `null`, each with the settings
that would decide it (`decided_by`); a setting the server does not have (uvicorn's threads) is
`null` in place of its object; findings have the shape of `scalelint --format json`'s
diagnostics, so a tool reads both the same way.

    {"version", "project", "files", "findings",
     "architecture": {"processes", "database", "pools", "frameworks", "orms", "caches", "workers"},
     "capacity": {"max_connections", "processes"},
     "bottlenecks": [{"title", "route", "path", "line", "findings": [diagnostic + "estimate"]}],
     "strengths": [{"what", "path", "line"}]}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from scalelint.reporting.json import diagnostic_to_dict

if TYPE_CHECKING:
    from scalelint.report import Review
    from scalelint.report.architecture import Fact, Named, Process
    from scalelint.report.capacity import Number

REPORT_SCHEMA_VERSION = 1


def render_json(review: "Review") -> str:
    return json.dumps(to_data(review), indent=2) + "\n"


def to_data(review: "Review") -> dict:
    a = review.architecture
    return {
        "schema": REPORT_SCHEMA_VERSION,
        "version": review.version,
        "project": review.title,
        "files": review.files,
        "findings": review.findings,
        "architecture": {
            "processes": [_process(p) for p in a.processes],
            "database": {**_fact(a.database), "dialect": a.dialect},
            "pools": [
                {
                    "library": pool.library,
                    "path": pool.path,
                    "line": pool.line,
                    "capacity": pool.capacity,
                    "sized_by": pool.what,
                    "library_defaults": pool.defaults,
                    "processes": [p.where for p in pool.processes],
                    "one_off": pool.one_off,
                }
                for pool in a.pools
            ],
            "frameworks": [_named(n) for n in a.frameworks],
            "orms": [_named(n) for n in a.orms],
            "caches": [_named(n) for n in a.caches],
            "workers": [_named(n) for n in a.workers],
        },
        "capacity": {
            "max_connections": _number(review.capacity.max_connections),
            "processes": [
                {
                    "process": c.process.where,
                    "per_process": _number(c.per_process),
                    "workers": _number(c.workers),
                    "per_instance": _number(c.per_instance),
                    "instances": _number(c.instances),
                    "fleet": _number(c.fleet),
                    "pools": [
                        {
                            "pool": d.pool.where,
                            "per_process": _number(d.per_process),
                            "per_instance": _number(d.per_instance),
                            "fleet": _number(d.fleet),
                            "binds": d.binds,
                            "instances_to_max_connections": _number(d.instances_to_max),
                            "growth": [
                                {"factor": g.factor, "instances": _number(g.instances), "connections": _number(g.connections), "over_max_connections": g.over_max}
                                for g in d.growth
                            ],
                        }
                        for d in c.pools
                    ],
                }
                for c in review.capacity.processes
            ],
        },
        "bottlenecks": [
            {
                "title": g.title,
                "route": g.route,
                "path": g.path,
                "line": g.line,
                "findings": [{**diagnostic_to_dict(b.diagnostic), "estimate": b.estimate} for b in g.findings],
            }
            for g in review.bottlenecks
        ],
        "strengths": [{"what": s.what, "path": s.path, "line": s.line} for s in review.strengths],
        "internal_errors": review.internal_errors,
        "notes": review.notes,
    }


def _fact(fact: "Fact | None") -> dict | None:
    if fact is None:  # a setting this server does not have
        return None
    return {"value": fact.value, "source": fact.source or None, "path": fact.path, "line": fact.line}


def _number(n: "Number") -> dict:
    return {"value": n.value, "formula": n.formula or None, "decided_by": list(n.decided_by)}


def _named(n: "Named") -> dict:
    return {"name": n.name, "detail": n.detail, "path": n.path, "line": n.line}


def _process(p: "Process") -> dict:
    return {
        "server": p.server,
        "name": p.name,
        "path": p.path,
        "line": p.line,
        "launched_by": p.launched_by,
        "deployed": p.deployed,
        "production": p.production,
        "app": p.app,
        "workers": _fact(p.workers),
        "threads": _fact(p.threads),
        "worker_class": _fact(p.worker_class),
        "instances": _fact(p.instances),
        "concurrency": p.concurrency,
    }
