"""Node.js start commands: what `npm start` / `yarn start` / `pnpm run serve` runs, read from
the `package.json` beside the deployment file (else at the repository root), so a Dockerfile's
`CMD ["npm", "start"]` is known to be `node dist/index.js`. npm's own default for `start` with
no script is `node server.js`."""

from __future__ import annotations

import json
import posixpath
import shlex
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["PACKAGE_MANAGERS", "script_name", "package_script"]

PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm", "bun"})
_SEPARATORS = frozenset({"&&", "||", ";", "|"})


def script_name(texts: list[str]) -> str | None:
    """`npm start` -> "start", `npm run serve` / `yarn serve` / `pnpm run start:prod` -> the script."""
    if not texts or posixpath.basename(texts[0]) not in PACKAGE_MANAGERS or len(texts) < 2:
        return None
    rest = [t for t in texts[1:] if not t.startswith("-")]
    if not rest:
        return None
    if rest[0] in ("start", "run-script", "run") and rest[0] != "start":
        return rest[1] if len(rest) > 1 else None
    if rest[0] == "start":
        return "start"
    return rest[0] if texts[0] != "npm" else None  # yarn / pnpm / bun run a script by its name


def package_script(project: "Project", near: str, name: str) -> list[list[str]] | None:
    """The simple commands (split at `&&`, `;`) of script `name` of the package.json nearest
    to `near` (a project-relative file), None when there is none; npm's default `start`."""
    directory = posixpath.dirname(near)
    while True:
        path = posixpath.join(directory, "package.json") if directory else "package.json"
        text = project.source(path)
        if text is not None:
            break
        if not directory:
            return None
        directory = posixpath.dirname(directory)
    try:
        scripts = json.loads(text).get("scripts") or {}
    except (ValueError, AttributeError):
        return None
    script = scripts.get(name) if isinstance(scripts, dict) else None
    if not isinstance(script, str):
        return [["node", "server.js"]] if name == "start" else None
    try:
        tokens = shlex.split(script)
    except ValueError:
        return None
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in _SEPARATORS:
            commands.append([])
        else:
            commands[-1].append(token)
    return [c for c in commands if c]
