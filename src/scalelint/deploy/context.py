"""Whether a deployment file (or one process in it) is meant for production or development.

Rules about servers must not fire on `Procfile.dev` or `make dev`, so the file's own name
is the best evidence we have. Development markers win over production ones: an
`examples/deploy/...` file is still an example.
"""

from __future__ import annotations

import posixpath
import re

from scalelint.facts import Context

_DEV = {
    "dev", "develop", "development", "local", "debug", "test", "tests", "testing",
    "ci", "e2e", "sample", "example", "examples", "demo",
}  # fmt: skip
_PROD = {"prod", "production", "live", "release", "deploy", "prd"}
_DEV_MAKE_TARGETS = {"run", "dev", "serve-dev", "watch", "test", "debug", "local"}
_COMPOSE_OVERRIDE = re.compile(r"^(docker-)?compose\.override\.ya?ml$")
_MAKEFILE = re.compile(r"^(makefile|gnumakefile|.*\.mk)$")
_SPLIT = re.compile(r"[./_\-]+")


def _segments(text: str) -> set[str]:
    return {s for s in _SPLIT.split(text.lower()) if s}


def context_of(path: str, process: str | None = None) -> Context:
    name = posixpath.basename(path).lower()
    if _COMPOSE_OVERRIDE.match(name):
        return "development"
    if process and _MAKEFILE.match(name) and process.lower() in _DEV_MAKE_TARGETS:
        return "development"
    segments = _segments(path) | (_segments(process) if process else set())
    if segments & _DEV:
        return "development"
    if segments & _PROD:
        return "production"
    return "unknown"
