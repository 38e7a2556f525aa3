"""`.sql` files the code loads by name: `open("queries/report.sql").read()`,
`(Path(__file__).parent / "sql" / "report.sql").read_text()`, `os.path.join(HERE, "report.sql")`,
`importlib.resources.read_text(package, "report.sql")`, `pkgutil.get_data(...)`. What such a
file holds is the statement's text, read as raw SQL where it runs (`project.raw_sql`).

A name is matched to the one project `.sql` file whose path ends with it; none or several: not
known, and nothing is said."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.project.libraries import PASS, Library
from scalelint.project.libraries import _sql
from scalelint.project.values import HOLE, UNKNOWN, Bound, Const, Query, Site, Text

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY", "SqlPath"]

_PATHS = frozenset({"builtins.open", "pathlib.Path", "pathlib.PurePath", "os.path.join", "io.open", "importlib.resources.files", "importlib_resources.files"})
_READ_TEXT = frozenset({"importlib.resources.read_text", "importlib_resources.read_text", "pkgutil.get_data"})
_READS = frozenset({"read", "read_text", "read_bytes"})
_KEEPS = frozenset({"open", "parent", "absolute", "resolve", "expanduser"})
_SUFFIX = ".sql"


@dataclass(frozen=True)
class SqlPath:
    """A path being built, or an open file; `name`: the `.sql` file name it ends with, if known."""

    name: str | None = None


class SqlFiles(Library):
    name = "sql-files"
    values = (SqlPath,)

    def external(self, frame: "Frame", qual: str, args: list, kwargs: dict, sym, site: Site) -> object:
        named = _named(args)
        if qual in _READ_TEXT:
            return _contents(frame, named) if named else PASS
        if qual in _PATHS and (named or qual != "builtins.open"):
            return SqlPath(named)
        return PASS

    def attr(self, frame: "Frame", value: object, name: str, site: Site) -> object:
        return value if name in _KEEPS else Bound(value, name, site)

    def binop(self, frame: "Frame", ops: tuple[str, ...], left: object, right: object) -> object:
        return SqlPath(_named([right])) if ops == ("Div",) else PASS

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        path: SqlPath = bound.recv  # type: ignore[assignment]
        if bound.name in _READS:
            return _contents(frame, path.name) if path.name else UNKNOWN
        if bound.name in _KEEPS:
            return path
        if bound.name == "joinpath":
            return SqlPath(_named(args))
        return UNKNOWN


LIBRARY = SqlFiles()


def _named(values: list) -> str | None:
    """The `.sql` file name the last of `values` that names one gives."""
    for v in reversed(values):
        text = _sql.text_of(v) if type(v) in (Const, Text) else v.name if type(v) is SqlPath else None
        if text and text.endswith(_SUFFIX) and HOLE not in text.rsplit("/", 1)[-1]:
            return text
    return None


def _contents(frame: "Frame", name: str | None) -> object:
    """The text of the one project file `name` can mean, as a constant."""
    if not name:
        return UNKNOWN
    memo = frame.a.library_memo("sql-files")
    if name not in memo:
        known = name.split(HOLE)[-1].replace("\\", "/").lstrip("./")  # what follows the last unknown part
        files = frame.a.project.files
        found = [p for p in files if p == known or p.endswith("/" + known)]
        if not found and "/" in known:
            base = known.rsplit("/", 1)[-1]
            found = [p for p in files if p.endswith("/" + base) or p == base]
        text = frame.a.project.source(found[0]) if len(found) == 1 else None
        memo[name] = Const(text) if text is not None else UNKNOWN
    return memo[name]
