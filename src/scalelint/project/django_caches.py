"""What a Django project's production settings say about its caches, read from the settings
modules' source (star-imported modules first, later ones win): the rules that judge a cache
(process-local-state) and the report's architecture ask the same question here."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from scalelint.facts import Span
from scalelint.frameworks import caching

if TYPE_CHECKING:
    from scalelint.project import Project


def parse_source(project: "Project", path: str):
    """The module's tree, parsed once per project: SCL402, the report and the settings model
    each read settings modules through here."""
    trees = project.__dict__.setdefault("_settings_trees", {})
    if path not in trees:
        text = project.callgraph.source(path)
        try:
            trees[path] = ast.parse(text) if text is not None else None
        except (SyntaxError, ValueError, RecursionError):
            trees[path] = None
    return trees[path]


def node_span(node) -> Span:
    return Span(node.lineno, node.col_offset + 1, node.end_lineno or node.lineno, (node.end_col_offset or 0) + 1)


def settings_values(project, path: str, facts, seen: set[str]):
    """NAME -> ((path, span), value node) of the settings module's top-level assignments,
    star-imported modules first (later ones win); None when its source cannot be read."""
    if facts.module in seen or len(seen) > 10:
        return {}
    seen.add(facts.module)
    values: dict = {}
    for module in facts.star_imports:
        found = project.find_module(module)
        if found is not None:
            values.update(settings_values(project, found[0], found[1], seen) or {})
    tree = parse_source(project, path)
    if tree is None:
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values[node.targets[0].id] = ((path, node_span(node.targets[0])), node.value)
        elif isinstance(node, (ast.AugAssign, ast.Expr, ast.If, ast.Try)) and "CACHES" in ast.dump(node):
            values["CACHES"] = ((path, node_span(node)), None)  # changed in a way we do not follow
    return values


def cache_backend(caches, alias: str):
    """((path, span) of the BACKEND value or None when implicit, backend) for a cache alias;
    None when CACHES is not a literal we can read."""
    if caches is None:
        return None, caching.DJANGO_DEFAULT_CACHE
    (path, _), value = caches
    if not isinstance(value, ast.Dict):
        return None
    for k, v in zip(value.keys, value.values):
        if isinstance(k, ast.Constant) and k.value == alias:
            if not isinstance(v, ast.Dict):
                return None
            for kk, vv in zip(v.keys, v.values):
                if isinstance(kk, ast.Constant) and kk.value == "BACKEND":
                    return ((path, node_span(vv)), vv.value) if isinstance(vv, ast.Constant) else None
            return None
    return None


def configured_caches(project: "Project") -> list[tuple[str, str, str, int]]:
    """(alias, backend, path, line) of every cache alias a production settings module sets in a
    CACHES literal: `("default", "django_redis.cache.RedisCache", "app/settings.py", 281)`."""
    found: dict[str, tuple[str, str, str, int]] = {}
    for settings in project.django.production_settings:
        values = settings_values(project, settings.path, settings.facts, set())
        caches = (values or {}).get("CACHES")
        if caches is None or not isinstance(caches[1], ast.Dict):
            continue
        for key in caches[1].keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value not in found:
                backend = cache_backend(caches, key.value)
                if backend is not None and backend[0] is not None:
                    (path, span), name = backend
                    found[key.value] = (key.value, name, path, span.line)
    return sorted(found.values())
