"""tsconfig.json `paths`: the import aliases a TypeScript project resolves (`@shared/schema`
-> `shared/schema.ts`), read once for the repository. Per-file facts qualify such an import as a
package (`@shared.schema`); `Project.find_module` maps it to the project module here."""

from __future__ import annotations

import json
import posixpath
import re
from typing import TYPE_CHECKING

from scalelint.typescript.modules import module_name_for

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["aliases"]

_LINE_COMMENT = re.compile(r"(?m)^\s*//.*$|(?<=[,{\[\s])//[^\n\"]*$")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def aliases(project: "Project") -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for path in sorted({p for p in _candidates(project) if p.rsplit("/", 1)[-1].startswith("tsconfig")}):
        data = _load(project.source(path))
        options = data.get("compilerOptions") if isinstance(data, dict) else None
        paths = options.get("paths") if isinstance(options, dict) else None
        if not isinstance(paths, dict):
            continue
        base = posixpath.normpath(posixpath.join(posixpath.dirname(path), str(options.get("baseUrl") or ".")))
        for pattern, targets in paths.items():
            if not isinstance(targets, list) or not targets or not isinstance(targets[0], str):
                continue
            prefix = pattern.rstrip("*").rstrip("/")
            target = posixpath.normpath(posixpath.join(base, targets[0].rstrip("*").rstrip("/")))
            if not prefix or target.startswith(".."):
                continue
            dotted_prefix = prefix.replace("/", ".")
            found.setdefault(dotted_prefix, "" if target == "." else module_name_for(target + ".ts"))
    # the longest alias first: `@/components` before `@`
    return tuple(sorted(found.items(), key=lambda item: -len(item[0])))


def _candidates(project: "Project"):
    yield "tsconfig.json"
    for path in project.files:
        directory = posixpath.dirname(path)
        if directory.count("/") < 2:
            yield posixpath.join(directory, "tsconfig.json") if directory else "tsconfig.json"


def _load(text: str | None):
    if not text:
        return None
    clean = _TRAILING_COMMA.sub(r"\1", _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", text)))
    try:
        return json.loads(clean)
    except ValueError:
        return None
