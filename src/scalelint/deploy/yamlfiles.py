"""YAML deployment files, told apart by name: compose, render, heroku.yml, Cloud Foundry
manifests, App Engine, Kubernetes."""

from __future__ import annotations

import posixpath
import re

import yaml

from scalelint.deploy import appengine, cloudfoundry, compose, heroku, kubernetes, render
from scalelint.deploy import yamlnodes as yn
from scalelint.facts import DeployCommand, ImageRun, ParseProblem, Span

_COMPOSE = re.compile(r"^(docker-)?compose[^/]*\.ya?ml$")
_RENDER = re.compile(r"^render\.ya?ml$")
_APP_ENGINE_VARIANT = re.compile(r"^app\..+\.yaml$")
_HEROKU = re.compile(r"^heroku\.ya?ml$")
_CF_MANIFEST = re.compile(r"^manifest([._-][^/]*)?\.ya?ml$")

Result = tuple[list[DeployCommand], list[ImageRun], list[ParseProblem]]


def flavour(path: str, text: str) -> str | None:
    """Which deployment format a YAML file is by its name; None for "maybe Kubernetes"."""
    name = posixpath.basename(path).lower()
    if _COMPOSE.match(name):
        return "compose"
    if _RENDER.match(name):
        return "render"
    if _HEROKU.match(name):
        return "heroku"
    if _CF_MANIFEST.match(name) and re.search(r"(?m)^applications\s*:", text):
        return "cloudfoundry"
    if name == "app.yaml" or (_APP_ENGINE_VARIANT.match(name) and re.search(r"(?m)^runtime\s*:", text)):
        return "appengine"
    return None


_TOP_SERVICES = re.compile(r"(?m)^services\s*:\s*(#.*)?$")
_SERVICE_KEYS = re.compile(r"(?m)^\s+(image|build)\s*:")


def _looks_like_compose(text: str) -> bool:
    """A top-level `services:` block with `image:` or `build:` under it (a cheap first look)."""
    return "{{" not in text and bool(_TOP_SERVICES.search(text)) and bool(_SERVICE_KEYS.search(text))


def _compose_shaped(docs: list) -> bool:
    """The first document maps `services` to services, one of which has an image or a build
    (GitLab CI's top-level `services:` is a list; an Actions workflow's sits under a job)."""
    if not docs or not isinstance(docs[0], yaml.MappingNode):
        return False
    for key, value in docs[0].value:
        if getattr(key, "value", None) == "services" and isinstance(value, yaml.MappingNode):
            return any(
                isinstance(service, yaml.MappingNode) and any(getattr(k, "value", None) in ("image", "build") for k, _ in service.value)
                for _, service in value.value
            )
    return False


def extract(path: str, text: str) -> Result:
    kind = flavour(path, text)
    if kind is None and _looks_like_compose(text):
        # cookiecutter-django names them `local.yml` and `production.yml`: a compose file by
        # its shape, not its name, so one that does not parse is not ours to call broken
        try:
            docs = yn.compose_documents(text)
            if _compose_shaped(docs):
                return (*compose.extract(path, yn.Source(text), docs), [])
        except (yaml.YAMLError, yn.TooManyMerges):
            return [], [], []
    if kind is None:
        # Anything else is read only if it looks like a manifest; a Helm template is not
        # YAML until rendered, so it is skipped without complaint.
        if "{{" in text or "apiVersion" not in text or "kind" not in text:
            return [], [], []
        try:
            docs = yn.compose_documents(text)
        except yaml.YAMLError:
            return [], [], []
        try:
            commands, runs = kubernetes.extract(path, yn.Source(text), docs)
        except yn.TooManyMerges:
            return [], [], []  # not a file we are sure is a deployment file: not ours to call broken
        return commands, runs, []
    try:
        docs = yn.compose_documents(text)
    except yaml.YAMLError as exc:
        return [], [], [yn.yaml_problem(exc)]
    src = yn.Source(text)
    try:
        if kind == "compose":
            commands, runs = compose.extract(path, src, docs)
        elif kind == "render":
            commands, runs = render.extract(path, src, docs)
        elif kind == "heroku":
            commands, runs = heroku.extract(path, src, docs)
        elif kind == "cloudfoundry":
            commands, runs = cloudfoundry.extract(path, src, docs)
        else:
            commands, runs = appengine.extract(path, src, docs), []
    except yn.TooManyMerges as exc:
        return [], [], [ParseProblem(f"not analysed: {exc}", Span(1, 1, 1, 2))]
    return commands, runs, []
