"""What one function computes, as symbolic values: the facts the query rules evaluate.

Local variables are substituted by what was assigned to them, in statement order, so the
Project can ask "what is iterated here?" without re-reading the function: after

    qs = Event.objects.filter(live=True)
    if featured:
        qs = qs.select_related("venue")
    for e in qs:
        print(e.organizer.name)

the read is `SAttr(SAttr(SEach(qs-symbol, 0), "organizer"), "name")` where the qs-symbol is a
`SOneOf` of both querysets. Branches merge into `SOneOf`; a loop body is read once and its
assignments merged with the values before the loop; the loop variable is unknown after it.

Deliberately simple: no alias analysis of attributes (what a method assigns to `self.x` is
recorded for the type inference, not substituted where `self.x` is read), no exceptions,
lambdas are opaque. Parameter and return annotations, and defaults that are calls
(`Depends(get_db)`), are kept as symbols too. Sizes are bounded (expression depth, alternatives per name,
uses per function) so generated code cannot make the facts large.
"""

from __future__ import annotations

import ast
import builtins

from ..facts import (
    FunctionFacts,
    LoopDef,
    SAttr,
    SCall,
    SComp,
    SConst,
    SDict,
    SelfAttr,
    SEach,
    SIndex,
    SName,
    SOp,
    SParam,
    SSeq,
    SSlice,
    Span,
    SUnknown,
    Sym,
    Use,
)
from ..sql import looks_like_statement
from ..symbols import global_name, merge_after_loop, merge_paths, record_use
from ..symbols import merge as _merge
from .fold import SourceText
from .names import ImportMap, dotted
from .syntax import SCOPE_TYPES, TRY_TYPES

__all__ = ["FunctionReader", "module_definitions"]

UNKNOWN = SUnknown()
_BUILTINS = frozenset(dir(builtins))
_MAX_DEPTH = 40  # expression nesting converted; deeper is unknown
_MAX_DISPLAY = 24  # elements of a list/tuple/dict display converted
_MAX_STR = 4000  # longer string constants are kept as unknown (raw SQL is shorter)
_MAX_SELF_ATTRS = 48  # `self.x = ...` recorded per method
_MAX_ANNOTATION = 200  # characters of a string annotation parsed
_MAX_FLAG_BRANCHES = 32  # `if flag:` branches recorded per function
_COMP_KINDS = {ast.ListComp: "list", ast.SetComp: "set", ast.DictComp: "dict", ast.GeneratorExp: "generator"}
_SEQ_KINDS = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set"}


def module_definitions(body: list[ast.stmt]) -> frozenset[str]:
    """Names a module binds at top level (functions, classes, assignments), through `if`/`try`."""
    names: set[str] = set()
    stack = list(body)
    while stack:
        st = stack.pop()
        t = type(st)
        if t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            names.add(st.name)  # type: ignore[attr-defined]
        elif t is ast.Assign:
            for tgt in st.targets:  # type: ignore[attr-defined]
                if type(tgt) is ast.Name:
                    names.add(tgt.id)
        elif t is ast.AnnAssign and type(st.target) is ast.Name:  # type: ignore[attr-defined]
            names.add(st.target.id)  # type: ignore[attr-defined]
        elif t is ast.If:
            stack.extend(st.body)  # type: ignore[attr-defined]
            stack.extend(st.orelse)  # type: ignore[attr-defined]
        elif t in TRY_TYPES:
            stack.extend(st.body)  # type: ignore[attr-defined]
            for h in st.handlers:  # type: ignore[attr-defined]
                stack.extend(h.body)
            stack.extend(st.orelse)  # type: ignore[attr-defined]
    return frozenset(names)


def _holds_sql(sym: Sym, depth: int) -> bool:
    """A string constant in the value reads as SQL or names a `.sql` file."""
    if depth > 6:
        return False
    t = type(sym)
    if t is SConst:
        v = sym.value  # type: ignore[union-attr]
        return isinstance(v, str) and (looks_like_statement(v) or v.endswith(".sql"))
    if t is SOp:
        return any(_holds_sql(o, depth + 1) for o in sym.operands)  # type: ignore[union-attr]
    if t is SCall:
        return any(_holds_sql(a, depth + 1) for a in sym.args) or _holds_sql(sym.func, depth + 1)  # type: ignore[union-attr]
    if t is SAttr:
        return _holds_sql(sym.obj, depth + 1)  # type: ignore[union-attr]
    return False


class FunctionReader:
    """Reads the functions of one module (one instance per module)."""

    def __init__(self, src: SourceText, module: str, defined: frozenset[str], star_imports: list[str]):
        self.src = src
        self.module = module
        self.defined = defined
        self.star_imports = star_imports

    def read(self, fn: ast.AST, qualname: str, imap: ImportMap, class_name: str | None) -> FunctionFacts:
        return _Function(self, fn, imap).run(qualname, class_name)

    def module_value(self, node: ast.AST, imap: ImportMap) -> Sym | None:
        """A module-level value the query evaluation reads where the name is used: SQL text
        (`GET_USER = "SELECT ..."`, `text("...")`, a concatenation) or a `.sql` file's path."""
        sym = _Function(self, node, imap).sym(node)
        return sym if _holds_sql(sym, 0) else None


class _Function:
    def __init__(self, reader: FunctionReader, fn: ast.AST, imap: ImportMap):
        self.r = reader
        self.fn = fn
        self.imap = imap
        self.own_imap = False
        self.span = reader.src.span
        self.env: dict[str, Sym] = {}
        self.loops: list[LoopDef] = []
        self.uses: list[Use] = []
        self.returns: list[Sym] = []
        self.awaited: list[Span] = []
        self.excepts: list[tuple[int, int]] = []
        self.flag_branches: list[tuple[int, bool, int, int]] = []
        self.globals: list[str] = []
        self.self_attrs: list[SelfAttr] = []
        self.local_types: list[tuple[Sym, Sym]] = []
        self.self_name: str | None = None  # the method's `self`, whose attribute assignments are recorded
        self.qualname = ""  # the function's own qualname, for the functions defined in it
        self.loop: int | None = None  # innermost loop of the statement being read
        self.depth = 0

    # --- driver -------------------------------------------------------------------------

    def run(self, qualname: str, class_name: str | None) -> FunctionFacts:
        fn = self.fn
        self.qualname = qualname
        a = fn.args  # type: ignore[attr-defined]
        args = [*a.posonlyargs, *a.args, *a.kwonlyargs]
        params = [x.arg for x in args]
        # annotations and defaults are evaluated where the `def` is, before the parameters exist
        annotations = tuple((i, self._annotation(x.annotation)) for i, x in enumerate(args) if x.annotation is not None)
        positional = len(a.posonlyargs) + len(a.args)
        defaults = [(positional - len(a.defaults) + i, d) for i, d in enumerate(a.defaults)]
        defaults += [(positional + i, d) for i, d in enumerate(a.kw_defaults) if d is not None]
        calls = tuple((i, self.sym(d)) for i, d in defaults if type(d) is ast.Call)
        returns = self._annotation(fn.returns) if fn.returns is not None else None  # type: ignore[attr-defined]
        static = any(self._decorator(d).rsplit(".", 1)[-1] == "staticmethod" for d in fn.decorator_list)  # type: ignore[attr-defined]
        if class_name is not None and params and not static:
            self.self_name = params[0]
        for i, name in enumerate(params):
            self.env[name] = SParam(i, name)
        for extra in (a.vararg, a.kwarg):
            if extra is not None:
                self.env[extra.arg] = UNKNOWN
        self._block(fn.body)  # type: ignore[attr-defined]
        name = fn.name  # type: ignore[attr-defined]
        return FunctionFacts(
            qualname=qualname,
            name=name,
            span=self._name_span(fn, name),
            params=tuple(params),
            is_async=type(fn) is ast.AsyncFunctionDef,
            decorators=tuple(self._decorator(d) for d in fn.decorator_list),  # type: ignore[attr-defined]
            guards=_guard_names(fn.decorator_list),  # type: ignore[attr-defined]
            class_name=class_name,
            loops=tuple(self.loops),
            uses=tuple(self.uses),
            returns=tuple({id(r): r for r in self.returns}.values()),
            awaited=tuple(dict.fromkeys(self.awaited)),
            excepts=tuple(self.excepts),
            flag_branches=tuple(self.flag_branches),
            globals=tuple(dict.fromkeys(self.globals)),
            annotations=annotations,
            defaults=calls,
            return_annotation=returns,
            self_attrs=tuple(self.self_attrs),
            local_types=tuple(self.local_types),
        )

    def _annotation(self, node: ast.AST) -> Sym:
        """An annotation as a symbol; a string annotation (`"User"`, `"Optional[User]"`) parsed first."""
        if type(node) is ast.Constant and type(node.value) is str and len(node.value) <= _MAX_ANNOTATION:  # type: ignore[attr-defined]
            try:
                node = ast.parse(node.value.strip(), mode="eval").body  # type: ignore[attr-defined]
            except (SyntaxError, ValueError):
                return UNKNOWN
        return self.sym(node)

    def _self_attr(self, tgt: ast.AST) -> str | None:
        """The attribute name of a `self.NAME` target of the method's own `self`."""
        if type(tgt) is ast.Attribute and type(tgt.value) is ast.Name and tgt.value.id == self.self_name:  # type: ignore[attr-defined]
            return tgt.attr  # type: ignore[attr-defined]
        return None

    def _record_self_attr(self, name: str, value: Sym | None, annotation: Sym | None = None) -> None:
        if len(self.self_attrs) < _MAX_SELF_ATTRS:
            self.self_attrs.append(SelfAttr(name, value if value is not None else UNKNOWN, annotation))

    def _name_span(self, fn: ast.AST, name: str):
        # `def` / `async def` then the name, on the line of the def (after decorators)
        line = self.r.src.line(fn.lineno)  # type: ignore[attr-defined]
        col = self.r.src.col(fn.lineno, fn.col_offset)  # type: ignore[attr-defined]
        at = line.find(name, col)
        if at < 0:
            at = col
        return Span(fn.lineno, at + 1, fn.lineno, at + 1 + len(name))  # type: ignore[attr-defined]

    def _decorator(self, node: ast.AST) -> str:
        if type(node) is ast.Call:
            node = node.func  # type: ignore[attr-defined]
        q = self.imap.qualify(node)  # type: ignore[arg-type]
        if q is not None:
            return q
        d = dotted(node)
        return d if d is not None else ""

    # --- statements ---------------------------------------------------------------------

    def _block(self, body: list[ast.stmt]) -> None:
        for st in body:
            self._stmt(st)

    def _use(self, node: ast.AST | None, binding: bool = False) -> Sym | None:
        if node is None:
            return None
        s = self.sym(node)
        record_use(self.uses, s, self.loop, binding)
        return s

    def _test(self, node: ast.AST) -> None:
        # a condition is read for its truth: `if qs.count():` asks whether any row exists
        record_use(self.uses, self.sym(node), self.loop, truth=self.span(node))

    def _stmt(self, st: ast.stmt) -> None:
        t = type(st)
        if t is ast.Expr:
            self._use(st.value)  # type: ignore[attr-defined]
        elif t is ast.Assign:
            names_only = all(type(tgt) is ast.Name for tgt in st.targets)  # type: ignore[attr-defined]
            value = self._use(st.value, binding=names_only)  # type: ignore[attr-defined]
            for tgt in st.targets:  # type: ignore[attr-defined]
                self._bind(tgt, value, st.value)  # type: ignore[attr-defined]
        elif t is ast.AnnAssign:
            value = None
            if st.value is not None:  # type: ignore[attr-defined]
                value = self._use(st.value, binding=type(st.target) is ast.Name)  # type: ignore[attr-defined]
            attr = self._self_attr(st.target) if self.self_name is not None else None  # type: ignore[attr-defined]
            if attr is not None:
                self._record_self_attr(attr, value, self._annotation(st.annotation))  # type: ignore[attr-defined]
            elif st.value is not None:  # type: ignore[attr-defined]
                self._bind(st.target, value, st.value)  # type: ignore[attr-defined]
                if value is not None and type(st.target) is ast.Name and len(self.local_types) < _MAX_SELF_ATTRS:  # type: ignore[attr-defined]
                    self.local_types.append((value, self._annotation(st.annotation)))  # type: ignore[attr-defined]
        elif t is ast.AugAssign:
            value = self._use(st.value)  # type: ignore[attr-defined]
            tgt = st.target  # type: ignore[attr-defined]
            if type(tgt) is ast.Name:
                self.env[tgt.id] = SOp("BinOp", (self.env.get(tgt.id, UNKNOWN), value or UNKNOWN), (type(st.op).__name__,))  # type: ignore[attr-defined]
        elif t is ast.Return:
            value = self._use(st.value)  # type: ignore[attr-defined]
            if value is not None and type(value) not in (SConst, SUnknown):
                self.returns.append(value)
        elif t is ast.If:
            self._test(st.test)  # type: ignore[attr-defined]
            self._flag_branches(st)  # type: ignore[arg-type]
            self._branches([st.body, st.orelse])  # type: ignore[attr-defined]
        elif t is ast.For or t is ast.AsyncFor:
            self._for(st, "async_for" if t is ast.AsyncFor else "for")
        elif t is ast.While:
            self._while(st)  # type: ignore[arg-type]
        elif t is ast.With or t is ast.AsyncWith:
            for item in st.items:  # type: ignore[attr-defined]
                value = self._use(item.context_expr)
                if item.optional_vars is not None:
                    # `with Session() as s`: most context managers return themselves
                    self._bind(item.optional_vars, value, item.context_expr)
            self._block(st.body)  # type: ignore[attr-defined]
        elif t in TRY_TYPES:
            self._block(st.body)  # type: ignore[attr-defined]
            for h in st.handlers:  # type: ignore[attr-defined]
                if h.name:
                    self.env[h.name] = UNKNOWN
                if h.body:
                    self.excepts.append((h.body[0].lineno, h.body[-1].end_lineno or h.body[-1].lineno))
                self._block(h.body)
            self._block(st.orelse)  # type: ignore[attr-defined]
            self._block(st.finalbody)  # type: ignore[attr-defined]
        elif t is ast.Match:
            self._use(st.subject)  # type: ignore[attr-defined]
            self._branches([c.body for c in st.cases])  # type: ignore[attr-defined]
        elif t is ast.Assert:
            self._test(st.test)  # type: ignore[attr-defined]
        elif t is ast.Raise:
            self._use(st.exc)  # type: ignore[attr-defined]
        elif t in SCOPE_TYPES:
            # a nested `def` is a function of the project (`outer.inner`): calling it, or
            # returning it from a decorator or a dependency factory, names it
            nested = t is not ast.ClassDef and self.qualname
            self.env[st.name] = SName(f"{self.qualname}.{st.name}") if nested else UNKNOWN  # type: ignore[attr-defined]
        elif t is ast.Import or t is ast.ImportFrom:
            if not self.own_imap:
                self.imap = self.imap.child()
                self.own_imap = True
            self.imap.add(st)
            for alias in st.names:  # type: ignore[attr-defined]
                self.env.pop(alias.asname or alias.name.partition(".")[0], None)
        elif t is ast.Delete:
            for tgt in st.targets:  # type: ignore[attr-defined]
                if type(tgt) is ast.Name:
                    self.env[tgt.id] = UNKNOWN
        elif t is ast.Global:
            self.globals.extend(st.names)  # type: ignore[attr-defined]

    def _flag_branches(self, st: ast.If) -> None:
        """`if flag:` / `if not flag:` where `flag` is still the parameter: which lines run
        only when the caller passes a true (or a false) value."""
        test, needs = st.test, True
        if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
            test, needs = test.operand, False
        if type(test) is not ast.Name or len(self.flag_branches) >= _MAX_FLAG_BRANCHES:
            return
        param = self.env.get(test.id)
        if type(param) is not SParam:
            return
        for body, truth in ((st.body, needs), (st.orelse, not needs)):
            if body:
                self.flag_branches.append((param.index, truth, body[0].lineno, body[-1].end_lineno or body[-1].lineno))

    def _branches(self, bodies: list[list[ast.stmt]]) -> None:
        before = self.env
        results = []
        for body in bodies:
            self.env = dict(before)
            self._block(body)
            results.append(self.env)
        if len(bodies) == 1 or not bodies[-1]:
            results.append(before)
        self.env = merge_paths(results)

    def _for(self, st: ast.AST, kind: str) -> None:
        # the iterable is recorded with the loop (evaluated once, in the enclosing loop)
        it = self.sym(st.iter)  # type: ignore[attr-defined]
        if _ends_first_pass(st.body):  # type: ignore[attr-defined]
            # `for row in rows: ...; return row`: the body runs once at most, on the first row,
            # as `row = rows[0]` would: nothing in it is per row
            before = dict(self.env)
            self._bind(st.target, SIndex(it, SConst(0), self.span(st.iter)), st.iter)  # type: ignore[attr-defined]
            self._block(st.body)  # type: ignore[attr-defined]
            self._after_loop(before, st.target)  # type: ignore[attr-defined]
            self._block(st.orelse)  # type: ignore[attr-defined]
            return
        loop_id = self._new_loop(it, st.iter, kind)  # type: ignore[attr-defined]
        before = dict(self.env)
        outer = self.loop
        self.loop = loop_id
        self._bind(st.target, SEach(it, loop_id), st.iter)  # type: ignore[attr-defined]
        self._block(st.body)  # type: ignore[attr-defined]
        self.loop = outer
        self._after_loop(before, st.target)  # type: ignore[attr-defined]
        self._block(st.orelse)  # type: ignore[attr-defined]

    def _while(self, st: ast.While) -> None:
        loop_id = self._new_loop(self.sym(st.test), st.test, "while")
        before = dict(self.env)
        outer = self.loop
        self.loop = loop_id
        self._block(st.body)
        self.loop = outer
        self._after_loop(before, None)
        self._block(st.orelse)

    def _after_loop(self, before: dict[str, Sym], target: ast.AST | None) -> None:
        self.env = merge_after_loop(before, self.env)
        if target is not None:
            for name in _target_names(target):
                self.env[name] = UNKNOWN

    def _new_loop(self, it: Sym, node: ast.AST, kind: str) -> int:
        loop_id = len(self.loops)
        self.loops.append(LoopDef(loop_id, it, self.span(node), self.loop, kind))
        return loop_id

    def _bind(self, tgt: ast.AST, value: Sym | None, value_node: ast.AST) -> None:
        t = type(tgt)
        if t is ast.Name:
            self.env[tgt.id] = value if value is not None else UNKNOWN  # type: ignore[attr-defined]
        elif t is ast.Tuple or t is ast.List:
            elts = tgt.elts  # type: ignore[attr-defined]
            starred = any(type(e) is ast.Starred for e in elts)
            for i, elt in enumerate(elts):
                if type(elt) is ast.Starred:
                    self._bind(elt.value, UNKNOWN, value_node)  # type: ignore[attr-defined]
                elif value is None or starred:
                    self._bind(elt, UNKNOWN, value_node)
                elif type(value) is SSeq and len(value.elts) == len(elts):
                    self._bind(elt, value.elts[i], value_node)
                else:
                    self._bind(elt, SIndex(value, SConst(i), self.span(value_node)), value_node)
        elif t is ast.Attribute and self.self_name is not None:
            attr = self._self_attr(tgt)
            if attr is not None:
                self._record_self_attr(attr, value)
        # other attribute targets and subscript targets are not tracked

    # --- expressions --------------------------------------------------------------------

    def sym(self, node: ast.AST) -> Sym:
        if self.depth >= _MAX_DEPTH:
            return UNKNOWN
        self.depth += 1
        try:
            return self._sym(node)
        finally:
            self.depth -= 1

    def _sym(self, node: ast.AST) -> Sym:
        t = type(node)
        if t is ast.Name:
            return self._name(node.id)  # type: ignore[attr-defined]
        if t is ast.Attribute:
            return SAttr(self.sym(node.value), node.attr, self.span(node))  # type: ignore[attr-defined]
        if t is ast.Call:
            args = tuple(self.sym(a) for a in node.args)  # type: ignore[attr-defined]
            kwargs = tuple((k.arg or "**", self.sym(k.value)) for k in node.keywords)  # type: ignore[attr-defined]
            return SCall(self.sym(node.func), args, kwargs, self.span(node), self.loop)  # type: ignore[attr-defined]
        if t is ast.Constant:
            v = node.value  # type: ignore[attr-defined]
            if type(v) in (str, bytes) and len(v) > _MAX_STR:
                return UNKNOWN
            return SConst(v if v is not Ellipsis else None)
        if t is ast.Subscript:
            sl = node.slice  # type: ignore[attr-defined]
            if type(sl) is ast.Slice:
                key: Sym = SSlice(
                    self.sym(sl.lower) if sl.lower is not None else None,
                    self.sym(sl.upper) if sl.upper is not None else None,
                )
            else:
                key = self.sym(sl)
            return SIndex(self.sym(node.value), key, self.span(node))  # type: ignore[attr-defined]
        if t is ast.Await or t is ast.Starred or t is ast.FormattedValue:
            if t is ast.Await and type(node.value) is ast.Call:  # type: ignore[attr-defined]
                self.awaited.append(self.span(node.value))  # type: ignore[attr-defined]
            return self.sym(node.value)  # type: ignore[attr-defined]
        if t in _SEQ_KINDS:
            elts = node.elts  # type: ignore[attr-defined]
            if len(elts) > _MAX_DISPLAY:
                return SSeq(_SEQ_KINDS[t], ())  # a long literal: bounded, and what it holds is data
            return SSeq(_SEQ_KINDS[t], tuple(self.sym(e) for e in elts))
        if t is ast.Dict:
            if len(node.keys) > _MAX_DISPLAY:  # type: ignore[attr-defined]
                return SDict(())
            return SDict(
                tuple(
                    (self.sym(k) if k is not None else SConst(None), self.sym(v))
                    for k, v in zip(node.keys, node.values)  # type: ignore[attr-defined]
                )
            )
        if t in _COMP_KINDS:
            return self._comprehension(node, _COMP_KINDS[t])
        if t is ast.IfExp:
            self._test(node.test)  # type: ignore[attr-defined]
            return _merge(self.sym(node.body), self.sym(node.orelse))  # type: ignore[attr-defined]
        if t is ast.NamedExpr:
            value = self.sym(node.value)  # type: ignore[attr-defined]
            self.env[node.target.id] = value  # type: ignore[attr-defined]
            return value
        if t is ast.Lambda:
            return UNKNOWN
        if t is ast.BinOp:
            # the operator is kept: `+` / `%` / `.format()` build SQL text, `/` a path
            return SOp("BinOp", (self.sym(node.left), self.sym(node.right)), (type(node.op).__name__,))  # type: ignore[attr-defined]
        if t is ast.BoolOp:
            return SOp("BoolOp", tuple(self.sym(v) for v in node.values))  # type: ignore[attr-defined]
        if t is ast.Compare:
            ops = tuple(type(o).__name__ for o in node.ops)  # type: ignore[attr-defined]
            return SOp("Compare", (self.sym(node.left), *(self.sym(c) for c in node.comparators)), ops)  # type: ignore[attr-defined]
        if t is ast.UnaryOp:
            return SOp(type(node.op).__name__, (self.sym(node.operand),))  # type: ignore[attr-defined]
        if t is ast.JoinedStr:
            return SOp("JoinedStr", tuple(self.sym(v) for v in node.values))  # type: ignore[attr-defined]
        if t is ast.Yield or t is ast.YieldFrom:
            if node.value is not None:  # type: ignore[attr-defined]
                v = self.sym(node.value)  # type: ignore[attr-defined]
                if type(v) not in (SConst, SUnknown):
                    self.returns.append(v)
                return v
            return UNKNOWN
        return UNKNOWN

    def _name(self, name: str) -> Sym:
        return global_name(name, self.env, self.imap.get(name), self.r.defined, self.r.module, _BUILTINS, "builtins")

    def _comprehension(self, node: ast.AST, kind: str) -> Sym:
        saved_env = self.env
        saved_loop = self.loop
        self.env = dict(saved_env)  # comprehension variables do not leak
        parts: list[Sym] = []
        loop_id = None
        for i, gen in enumerate(node.generators):  # type: ignore[attr-defined]
            it = self.sym(gen.iter)
            if i == 0:
                # the first iterable is evaluated outside the comprehension
                parts.append(it)
            loop_id = self._new_loop(it, gen.iter, "comprehension")
            self.loop = loop_id
            self._bind(gen.target, SEach(it, loop_id), gen.iter)
            parts.extend(SOp("Truth", (self.sym(c),)) for c in gen.ifs)
        if kind == "dict":
            parts.append(self.sym(node.key))  # type: ignore[attr-defined]
            parts.append(self.sym(node.value))  # type: ignore[attr-defined]
        else:
            parts.append(self.sym(node.elt))  # type: ignore[attr-defined]
        self.env = saved_env
        self.loop = saved_loop
        return SComp(kind, loop_id if loop_id is not None else -1, tuple(parts), self.span(node))


def _ends_first_pass(body: list[ast.stmt]) -> bool:
    """The loop body leaves the loop on every path of its first pass: a `return`, `break` or
    `raise` among its own statements (not under an `if`), with no `continue` before it."""
    for st in body:
        t = type(st)
        if t is ast.Continue:
            return False
        if t in (ast.Return, ast.Break, ast.Raise):
            return True
    return False


def _target_names(tgt: ast.AST) -> list[str]:
    t = type(tgt)
    if t is ast.Name:
        return [tgt.id]  # type: ignore[attr-defined]
    if t is ast.Tuple or t is ast.List:
        out: list[str] = []
        for e in tgt.elts:  # type: ignore[attr-defined]
            out.extend(_target_names(e.value if type(e) is ast.Starred else e))  # type: ignore[attr-defined]
        return out
    return []




def read_value(reader: FunctionReader, node: ast.AST, imap: ImportMap) -> Sym:
    """An expression outside any function (a class attribute such as `queryset = ...`), as
    a function of the module would see it: names qualified, no locals."""
    return _Function(reader, node, imap).sym(node)


def _guard_names(decorators: list[ast.expr], limit: int = 24) -> tuple[str, ...]:
    """The names a decorator's arguments mention (`@requires(IsAdmin)`, `@user_passes_test(lambda
    u: u.is_superuser)` -> "IsAdmin", "is_superuser"): who the guard lets through."""
    found: dict[str, None] = {}
    for d in decorators:
        if type(d) is not ast.Call:
            continue
        for node in (n for arg in (*d.args, *(k.value for k in d.keywords)) for n in ast.walk(arg)):
            if type(node) is ast.Name:
                found[node.id] = None
            elif type(node) is ast.Attribute:
                found[node.attr] = None
            elif type(node) is ast.Constant and type(node.value) is str and len(node.value) < 60:
                found[node.value] = None
            if len(found) >= limit:
                return tuple(found)
    return tuple(found)
