"""Module names and imports for TypeScript / JavaScript, in the dotted form every fact uses.

A project file's module name comes from its path the way Python's does (a leading `src/` is
dropped, `index` names its directory): `src/db/index.ts` is `db`, `server/routes/users.ts` is
`server.routes.users`. An import is resolved from the importing file's path alone (per-file
work stays pure): `./db` and `../db.js` next to it, `@/lib/db` and `~/lib/db` (the usual
tsconfig `paths` aliases) from the source root, which `Project.find_module` matches by suffix
when the root is deeper. A package keeps its name, `/` read as `.`: `drizzle-orm/pg-core` is
`drizzle-orm.pg-core`, `node:http` is `http`.

What a name imports: `import x from "pkg"` and `const x = require("pkg")` are the package
itself (`express()`, `axios.get`); `import x from "./mod"` is that module's `default` export;
`import { a as b }` and `const { a: b } = require(...)` are `<module>.a`.
"""

from __future__ import annotations

import posixpath

__all__ = ["module_name_for", "resolve_specifier", "ImportTable", "is_project_module", "JS_GLOBALS"]

_SUFFIXES = (".d.ts", ".tsx", ".ts", ".mts", ".cts", ".jsx", ".js", ".mjs", ".cjs")
_ALIASES = ("@/", "~/", "#/", "@@/", "$lib/")
# names every script sees without an import: qualified as `globalThis.<name>`
JS_GLOBALS = frozenset(
    {
        "fetch", "Promise", "JSON", "console", "process", "setTimeout", "setInterval", "setImmediate", "queueMicrotask",
        "Math", "Date", "Array", "Object", "Number", "String", "Boolean", "Map", "Set", "Error", "AbortSignal",
        "AbortController", "Buffer", "URL", "URLSearchParams", "require", "module", "exports", "structuredClone",
        "parseInt", "parseFloat", "encodeURIComponent", "decodeURIComponent", "Response", "Request", "Headers",
    }
)
PROJECT_MARK = "\x00"  # never in a package name: marks a module resolved inside the project


def _strip_suffix(path: str) -> str:
    for suffix in _SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def module_name_for(rel: str) -> str:
    """`src/db/index.ts` -> `db`; `server/routes/users.ts` -> `server.routes.users`."""
    p = rel.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    if p.startswith("src/"):
        p = p[4:]
    p = _strip_suffix(p)
    parts = [x for x in p.split("/") if x]
    if parts and parts[-1] == "index":
        parts.pop()
    return ".".join(parts)


def _package(spec: str) -> str:
    spec = spec[5:] if spec.startswith("node:") else spec
    return spec.replace("/", ".")


def resolve_specifier(spec: str, importer: str) -> tuple[str, bool]:
    """(dotted module, whether it is a project module) for an import written in file `importer`."""
    if spec.startswith("."):
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
        if joined.startswith(".."):
            return _package(spec.lstrip("./")), False
        return module_name_for(joined + ("" if joined.endswith(_SUFFIXES) else ".ts")), True
    for alias in _ALIASES:
        if spec.startswith(alias):
            return module_name_for(spec[len(alias) :] + ".ts"), True
    return _package(spec), False


def is_project_module(qual: str, table: "ImportTable") -> bool:
    return qual in table.project_modules


class ImportTable:
    """Local name -> qualified name, for one file's module-level imports and requires."""

    def __init__(self, rel: str):
        self.rel = rel
        self.names: dict[str, str] = {}
        self.modules: dict[str, None] = {}  # every module imported, in order
        self.project_modules: set[str] = set()
        self.star: list[str] = []  # `export * from "./x"`

    def _module(self, spec: str) -> tuple[str, bool]:
        module, own = resolve_specifier(spec, self.rel)
        self.modules[module] = None
        if own:
            self.project_modules.add(module)
        return module, own

    def default(self, local: str, spec: str) -> None:
        module, own = self._module(spec)
        self.names[local] = f"{module}.default" if own else module

    def namespace(self, local: str, spec: str) -> None:
        self.names[local] = self._module(spec)[0]

    def named(self, local: str, imported: str, spec: str) -> None:
        module, own = self._module(spec)
        if imported == "default":
            self.names[local] = f"{module}.default" if own else module
        else:
            self.names[local] = f"{module}.{imported}"

    def resolved(self, spec: str, imported: str) -> str:
        """The qualified name `import { imported } from spec` gives, without binding a local."""
        module, own = resolve_specifier(spec, self.rel)
        return (f"{module}.default" if own else module) if imported == "default" else f"{module}.{imported}"

    def require(self, local: str, spec: str) -> None:
        # CommonJS: what `module.exports` holds; a project module's names are reached through it
        self.names[local] = self._module(spec)[0]

    def star_export(self, spec: str) -> None:
        self.star.append(self._module(spec)[0])

    def get(self, name: str) -> str | None:
        return self.names.get(name)
