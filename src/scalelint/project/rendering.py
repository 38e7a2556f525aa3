"""Templates a view renders, seen as functions of their context.

`render(request, "events/list.html", {"events": qs})` runs the template with `events` bound to
the queryset: a `{% for e in events %}{{ e.organizer.name }}{% endfor %}` in it is a loop over
query rows like any Python loop. A template becomes a `FunctionFacts` whose parameters are the
names it reads from its context, so the evaluator that judges Python loops judges it too, with
the view's values bound to those parameters.

Django calls whatever callable a lookup reaches (`{{ e.tags.count }}`, `{{ e.ticket_total }}`);
Jinja2 calls what the template calls. Template facts keep a call as its name, so both are
evaluated the Django way: a method reached by a lookup is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint import limits
from scalelint.facts import FunctionFacts, LoopDef, SAttr, SConst, SEach, SIndex, SParam, Span, Sym, TemplateFacts, Use
from scalelint.facts import SUnknown
from scalelint.project.values import UNKNOWN, Const, Mapping, Obj, Query, Site

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.evaluator import Frame

__all__ = ["RENDER_CALLS", "template_function", "find_template", "render", "render_template"]

# qualified render function -> (index of the template name, index of the context, its keyword);
# a context index of None: the keyword arguments are the context (Flask's render_template)
RENDER_CALLS: dict[str, tuple[int, int | None, str | None]] = {
    "django.shortcuts.render": (1, 2, "context"),
    "django.shortcuts.render_to_response": (0, 1, "context"),
    "django.template.loader.render_to_string": (0, 1, "context"),
    "django.template.response.TemplateResponse": (1, 2, "context"),
    "flask.render_template": (0, None, None),
    "flask.templating.render_template": (0, None, None),
    "quart.render_template": (0, None, None),
    "quart.templating.render_template": (0, None, None),
}

_UNKNOWN = SUnknown()
_TEMPLATE_BUILTINS = frozenset({"forloop", "loop", "request", "user", "perms", "csrf_token", "messages", "self", "super", "varargs", "kwargs", "caller"})


def find_template(project: "Project", name: str) -> str | None:
    """The project file a template name means: the one template whose path ends with
    `templates/<name>` (app directories, `DIRS`, a Flask app's folder). None when no file or
    several files (a theme overriding another) could be meant."""
    index = project.__dict__.get("_templates_by_name")
    if index is None:
        index = {}
        for path, facts in project.files.items():
            if facts.template is None:
                continue
            parts = path.split("/")
            for i, part in enumerate(parts[:-1]):
                if part in ("templates", "jinja2"):
                    index.setdefault("/".join(parts[i + 1 :]), []).append(path)
        project.__dict__["_templates_by_name"] = index
    found = index.get(name.lstrip("/"), [])
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class SpanIn(Span):
    """A place in another template than the one being evaluated (an included snippet, an
    extended base): findings there are reported in that file."""

    path: str = ""


MAX_INCLUDES = 4  # include / extends levels followed from one template
_MAX_PIECES = 64  # templates inlined into one (a page of many snippets), each once per include site


class _Piece:
    """One template's part of the function: its loops start at `base` in the whole function's
    loop list; a name it does not bind itself is looked up where it is included (`parent` at
    `outer`, the includer's loop around the tag), through the tag's `with` bindings."""

    def __init__(self, facts: TemplateFacts, base: int, parent: "_Piece | None", outer: int | None, binds: dict, only: bool, path: str | None):
        self.facts = facts
        self.base = base
        self.parent = parent
        self.outer = outer  # the includer's own loop index around the tag
        self.binds = binds
        self.only = only
        self.path = path  # an included template's file: its reads are reported there
        self.loop_names: list[dict[str, Sym]] = []
        self.include_span: Span = Span(1, 1, 1, 1)

    def at(self, span: Span) -> Span:
        if self.path is None:
            return span
        return SpanIn(span.line, span.column, span.end_line, span.end_column, self.path)

    def global_loop(self, local: int | None) -> int | None:
        if local is not None:
            return self.base + local
        return self.parent.global_loop(self.outer) if self.parent is not None else None


def template_function(path: str, facts: TemplateFacts, included=None) -> FunctionFacts:
    """The template as a function of the context names it reads. `included(name)` gives the
    TemplateFacts of another template by name (None: not found): `{% include %}` tags and the
    `{% extends %}` base are inlined, so a snippet included in a loop reads each row."""
    params: dict[str, SParam] = {}
    free: list[str] = []
    loops: list[LoopDef] = []
    uses: list[Use] = []
    pieces = 0

    def root(piece: _Piece, name: str, loop: int | None) -> Sym:
        depth = 0
        while loop is not None and 0 <= loop < len(piece.loop_names):
            found = piece.loop_names[loop].get(name)
            if found is not None:
                return found
            depth += 1
            if depth > limits.NESTING.value:
                # more loops around one read than any real template has (a generated file):
                # unknown, so each read costs a bounded walk instead of one per enclosing loop
                return _UNKNOWN
            loop = piece.facts.loops[loop].parent
        if piece.parent is not None:
            if name in piece.binds:
                return chain(piece.parent, piece.binds[name], piece.outer, piece.parent.include_span)  # type: ignore[arg-type]
            return _UNKNOWN if piece.only else root(piece.parent, name, piece.outer)
        if name in _TEMPLATE_BUILTINS:
            return _UNKNOWN
        if name not in params:
            params[name] = SParam(len(free), name)
            free.append(name)
        return params[name]

    def chain(piece: _Piece, names: tuple[str, ...], loop: int | None, span: Span) -> Sym:
        sym = root(piece, names[0], loop)
        for name in names[1:]:
            if name.isdigit():
                sym = SIndex(sym, SConst(int(name)), span)
            else:
                sym = SAttr(sym, name, span)
        return sym

    def add(piece: _Piece, depth: int) -> None:
        nonlocal pieces
        pieces += 1
        f = piece.facts
        for i, loop in enumerate(f.loops):
            span = piece.at(loop.span)
            it = chain(piece, loop.iter, loop.parent, span) if loop.iter else _UNKNOWN
            loops.append(LoopDef(piece.base + i, it, span, piece.global_loop(loop.parent), "template"))
            each = SEach(it, piece.base + i)
            if len(loop.targets) == 1:
                piece.loop_names.append({loop.targets[0]: each})
            else:
                piece.loop_names.append({t: SIndex(each, SConst(k), span) for k, t in enumerate(loop.targets)})
        for read in f.reads:
            if read.chain:
                uses.append(Use(chain(piece, read.chain, read.loop, piece.at(read.span)), piece.global_loop(read.loop)))
        if included is None or depth >= MAX_INCLUDES:
            return
        tags = [(inc.name, inc.span, inc.loop, dict(inc.binds), inc.only) for inc in f.includes]
        if f.extends:
            tags.append((f.extends, Span(1, 1, 1, 1), None, {}, False))  # the base renders with the same context
        for name, span, loop, binds, only in tags:
            found = included(name)
            if found is None or pieces >= _MAX_PIECES:
                continue
            other_path, other = found
            piece.include_span = piece.at(span)  # where a `with` binding's value is read
            add(_Piece(other, len(loops), piece, loop, binds, only, other_path), depth + 1)

    add(_Piece(facts, 0, None, None, {}, False, None), 0)
    return FunctionFacts(
        qualname=f"<template {path}>",
        name=path.rsplit("/", 1)[-1],
        span=Span(1, 1, 1, 1),
        params=tuple(free),
        is_async=False,
        loops=tuple(loops),
        uses=tuple(uses),
    )


def render(frame: "Frame", qual: str, args: list, kwargs: dict, site: "Site") -> None:
    """A view renders a template (`qual` is one of RENDER_CALLS, called with `args`, `kwargs`
    evaluated in `frame`): evaluate the template with the view's context."""
    name_at, context_at, context_kw = RENDER_CALLS[qual]
    name = args[name_at] if len(args) > name_at else kwargs.get("template_name")
    if type(name) is not Const or not isinstance(name.value, str):
        return
    path = find_template(frame.a.project, name.value)
    if path is None:
        return
    if context_at is None:
        context = {k: v for k, v in kwargs.items() if k != "**"}
    else:
        value = args[context_at] if len(args) > context_at else kwargs.get(context_kw or "")
        if type(value) is not Mapping:
            return
        context = {k.value: v for k, v in value.items if type(k) is Const and isinstance(k.value, str)}
    render_template(frame, path, name.value, context, site)


def render_template(frame: "Frame", path: str, name: str, context: dict, site: "Site") -> None:
    """Evaluate the template at `path` as a function of `context`, from `frame` (the view)."""
    from scalelint.project.evaluator import MAX_DEPTH

    fn = frame.a.template(path)
    if fn is None or frame.depth >= MAX_DEPTH:
        return
    binds = [context.get(p, UNKNOWN) for p in fn.params]
    if not any(type(b) in (Query, Obj) for b in binds):
        return
    inner = frame.nested(path, fn, binds, frame.anchor)
    inner.template = True
    inner.read_loops = frame.a.template_read_loops(fn)
    inner.notes = [*frame.notes, (site, f"renders `{name}` with these rows")]
    inner.handler = frame.handler
    inner.evaluate_body()
