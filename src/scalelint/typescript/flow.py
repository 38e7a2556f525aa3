"""What one TypeScript / JavaScript function computes, as the same symbolic values the Python
front-end writes (`facts.Sym`), so the evaluator, the call graph and the rules read both alike.

Locals are substituted by what was assigned to them, branches merge into `SOneOf`, a loop body
is read once (see `scalelint.python.flow`). What is JavaScript's own:

- a callback given to an array method is a loop over the receiver: `rows.map(r => ...)` is a
  comprehension (`SComp`), `rows.forEach(r => {...})` a `for` loop, so `Promise.all(rows.map(
  async r => db.select()...))` runs its query once per row like a Python loop would;
- other callbacks run where they are written (`db.transaction(async tx => ...)`, `.then(...)`)
  and are read inline, their first parameter of a `transaction` the receiver; callbacks that
  run later (`setTimeout`, `emitter.on`) are not read: they are not this call's work;
- a function written inside another (a handler given to `app.get`, a local helper) is a
  function of its own; it sees the enclosing locals that do not depend on the caller;
- `await x` records the call it waits for (`FunctionFacts.awaited`): a query builder runs
  when awaited; so does what an array callback returns (Promise.all awaits it);
- `res.json(x)` / `res.send(x)` on a parameter is the handler's answer: recorded as a return;
- a method's `this` is parameter 0, as `self` is in Python.
"""

from __future__ import annotations

from ..facts import FunctionFacts, LoopDef, SAttr, SCall, SComp, SConst, SDict, SEach, SIndex, SName, SOp, SParam, SSeq, SUnknown, Sym, Use
from ..frameworks import express
from ..symbols import global_name, merge_after_loop, merge_paths, record_use
from ..symbols import merge as _merge
from .modules import JS_GLOBALS, ImportTable

__all__ = ["FunctionReader", "FUNCTION_NODES", "param_names"]

UNKNOWN = SUnknown()
FUNCTION_NODES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion"})
_MAX_DEPTH = 40
_MAX_DISPLAY = 24
_MAX_STR = 4000
# array methods whose callback runs once per element: (index of the element parameter, builds a value)
_ITERATION = {
    "map": (0, True), "flatMap": (0, True), "filter": (0, True), "find": (0, True), "findIndex": (0, True),
    "some": (0, True), "every": (0, True), "forEach": (0, False), "reduce": (1, True), "sort": (0, True),
}
# callbacks that run later, not as part of this call
_DEFERRED = frozenset({"setTimeout", "setInterval", "setImmediate", "nextTick", "queueMicrotask", "on", "once", "addListener", "listen", "schedule"})
_COMPARE = {"===": "Eq", "==": "Eq", "!==": "NotEq", "!=": "NotEq", "<": "Lt", "<=": "LtE", ">": "Gt", ">=": "GtE", "in": "In", "instanceof": "Is"}
_BOOL = frozenset({"&&", "||", "??"})


def param_names(params) -> list[tuple[str, object, object]]:
    """(name, pattern node or None, type annotation node or None) per parameter, in order."""
    out: list[tuple[str, object, object]] = []
    if params is None:
        return out
    if params.type == "identifier":  # `x => ...`
        return [(params.text.decode(), None, None)]
    for i, p in enumerate(params.named_children):
        node, annotation = p, None
        if p.type in ("required_parameter", "optional_parameter"):
            node = p.child_by_field_name("pattern") or p
            annotation = p.child_by_field_name("type")
        if node.type == "assignment_pattern":
            node = node.child_by_field_name("left") or node
        if node.type == "rest_pattern":
            out.append((f"...{i}", None, None))
        elif node.type == "identifier":
            out.append((node.text.decode(), None, annotation))
        elif node.type in ("this",):
            continue  # TypeScript's `this: T` declares, it is not passed
        else:
            out.append((f"<arg{i}>", node, annotation))
    return out


def _portable(sym: Sym, depth: int = 0) -> bool:
    """A value that means the same in a nested function: built from globals and constants."""
    if depth > 12:
        return False
    t = type(sym)
    if t is SName or t is SConst:
        return True
    if t is SAttr:
        return _portable(sym.obj, depth + 1)  # type: ignore[union-attr]
    if t is SCall:
        return sym.loop is None and _portable(sym.func, depth + 1) and all(_portable(a, depth + 1) for a in sym.args)  # type: ignore[union-attr]
    if t is SDict:
        return all(_portable(v, depth + 1) for _, v in sym.items)  # type: ignore[union-attr]
    return False


class FunctionReader:
    """Reads the functions of one file: `collector` (scalelint.typescript.extract) is told of
    every nested function and every route registration met while reading."""

    def __init__(self, src, module: str, imports: ImportTable, defined: frozenset[str], collector):
        self.src = src
        self.module = module
        self.imports = imports
        self.defined = defined
        self.collector = collector

    def read(self, node, qualname: str, name: str, class_name: str | None, outer: dict | None = None, is_async: bool | None = None) -> FunctionFacts:
        return _Function(self, node, qualname, class_name, outer).run(name, is_async)


class _Function:
    def __init__(self, reader: FunctionReader, node, qualname: str, class_name: str | None, outer: dict | None):
        self.r = reader
        self.node = node
        self.qualname = qualname
        self.class_name = class_name
        self.span = reader.src.span
        self.text = reader.src.text
        self.env: dict[str, Sym] = {k: v for k, v in (outer or {}).items() if _portable(v)}
        self.annotations: dict[str, str] = {}
        self.loops: list[LoopDef] = []
        self.uses: list[Use] = []
        self.returns: list[Sym] = []
        self.awaited: list = []
        self.loop: int | None = None
        self.depth = 0

    # --- driver -------------------------------------------------------------------------

    def run(self, name: str, is_async: bool | None) -> FunctionFacts:
        node = self.node
        params: list[str] = []
        if self.class_name is not None:
            params.append("this")
            self.env["this"] = SParam(0, "this")
        for pname, pattern, annotation in param_names(node.child_by_field_name("parameters") or node.child_by_field_name("parameter")):
            index = len(params)
            params.append(pname)
            self.env[pname] = SParam(index, pname)
            if annotation is not None:
                self.annotations[pname] = self.text(annotation).lstrip(":").strip()
            if pattern is not None:
                self._bind(pattern, SParam(index, pname))
        body = node.child_by_field_name("body")
        if body is not None:
            if body.type == "statement_block":
                self._block(body)
            else:  # an arrow's expression body is its return value
                value = self._use(body)
                if value is not None and type(value) not in (SConst, SUnknown):
                    self.returns.append(value)
        if is_async is None:
            is_async = any(c.type == "async" for c in node.children)
        name_node = node.child_by_field_name("name")
        return FunctionFacts(
            qualname=self.qualname,
            name=name,
            span=self.span(name_node) if name_node is not None else self.r.src.line_span(node),
            params=tuple(params),
            is_async=is_async,
            class_name=self.class_name,
            loops=tuple(self.loops),
            uses=tuple(self.uses),
            returns=tuple({id(r): r for r in self.returns}.values()),
            awaited=tuple(dict.fromkeys(self.awaited)),
        )

    # --- statements ---------------------------------------------------------------------

    def _block(self, node) -> None:
        for st in node.named_children:
            self._stmt(st)

    def _use(self, node, binding: bool = False) -> Sym | None:
        if node is None:
            return None
        s = self.sym(node)
        record_use(self.uses, s, self.loop, binding)
        return s

    def _test(self, node) -> None:
        if node is None:
            return
        record_use(self.uses, self.sym(node), self.loop, truth=self.span(node))

    def _stmt(self, st) -> None:
        t = st.type
        if t == "expression_statement":
            for child in st.named_children:
                self._use(child)
        elif t in ("lexical_declaration", "variable_declaration"):
            for decl in st.named_children:
                if decl.type == "variable_declarator":
                    self._declare(decl)
        elif t == "return_statement":
            for child in st.named_children:
                value = self._use(child)
                if value is not None and type(value) not in (SConst, SUnknown):
                    self.returns.append(value)
        elif t == "if_statement":
            self._test(st.child_by_field_name("condition"))
            alternative = st.child_by_field_name("alternative")
            bodies = [st.child_by_field_name("consequence")]
            if alternative is not None:
                bodies.append(alternative.named_children[0] if alternative.named_children else None)
            self._branches(bodies)
        elif t == "for_in_statement":
            self._for_in(st)
        elif t == "for_statement":
            for part in ("initializer",):
                init = st.child_by_field_name(part)
                if init is not None:
                    self._stmt(init) if init.type.endswith("declaration") else self._use(init)
            self._while(st.child_by_field_name("condition"), st.child_by_field_name("body"), st.child_by_field_name("increment"))
        elif t in ("while_statement", "do_statement"):
            self._while(st.child_by_field_name("condition"), st.child_by_field_name("body"), None)
        elif t == "statement_block":
            self._block(st)
        elif t == "try_statement":
            self._stmt_opt(st.child_by_field_name("body"))
            handler = st.child_by_field_name("handler")
            if handler is not None:
                param = handler.child_by_field_name("parameter")
                if param is not None and param.type == "identifier":
                    self.env[param.text.decode()] = UNKNOWN
                self._stmt_opt(handler.child_by_field_name("body"))
            finalizer = st.child_by_field_name("finalizer")
            if finalizer is not None:
                self._stmt_opt(finalizer.child_by_field_name("body"))
        elif t == "switch_statement":
            self._use(st.child_by_field_name("value"))
            body = st.child_by_field_name("body")
            cases = [c for c in body.named_children] if body is not None else []
            self._branches(cases, case=True)
        elif t == "throw_statement":
            for child in st.named_children:
                self._use(child)
        elif t in ("function_declaration", "generator_function_declaration"):
            name_node = st.child_by_field_name("name")
            if name_node is not None:
                name = name_node.text.decode()
                self.env[name] = SName(self.r.collector.nested(st, self.qualname, name, self.env))
        elif t == "labeled_statement":
            self._stmt_opt(st.child_by_field_name("body"))

    def _stmt_opt(self, node) -> None:
        if node is not None:
            self._stmt(node)

    def _declare(self, decl) -> None:
        target = decl.child_by_field_name("name")
        value = decl.child_by_field_name("value")
        if target is None:
            return
        if value is not None and value.type in FUNCTION_NODES and target.type == "identifier":
            name = target.text.decode()
            self.env[name] = SName(self.r.collector.nested(value, self.qualname, name, self.env))
            return
        sym = self._use(value, binding=target.type == "identifier") if value is not None else UNKNOWN
        self._bind(target, sym if sym is not None else UNKNOWN)

    def _bind(self, target, value: Sym) -> None:
        t = target.type
        if t == "identifier" or t == "shorthand_property_identifier_pattern":
            self.env[target.text.decode()] = value
        elif t == "object_pattern":
            for p in target.named_children:
                if p.type == "shorthand_property_identifier_pattern":
                    self.env[p.text.decode()] = SAttr(value, p.text.decode(), self.span(p))
                elif p.type == "pair_pattern":
                    key, inner = p.child_by_field_name("key"), p.child_by_field_name("value")
                    if key is not None and inner is not None:
                        self._bind(inner, SAttr(value, self.text(key).strip("'\""), self.span(p)))
                elif p.type == "object_assignment_pattern":
                    left = p.child_by_field_name("left")
                    if left is not None:
                        self._bind(left, SAttr(value, left.text.decode(), self.span(p)))
                elif p.type == "rest_pattern":
                    for n in p.named_children:
                        self._bind(n, UNKNOWN)
        elif t == "array_pattern":
            for i, p in enumerate(target.named_children):
                if p.type == "rest_pattern":
                    continue
                self._bind(p, SIndex(value, SConst(i), self.span(p)))
        elif t == "assignment_pattern":
            left = target.child_by_field_name("left")
            if left is not None:
                self._bind(left, value)

    def _branches(self, bodies: list, case: bool = False) -> None:
        before = self.env
        results = []
        for body in bodies:
            self.env = dict(before)
            if body is not None:
                if case:
                    for st in body.named_children:
                        if st != body.child_by_field_name("value"):
                            self._stmt(st)
                else:
                    self._stmt(body)
            results.append(self.env)
        if len(bodies) == 1 or bodies[-1] is None or case:
            results.append(before)
        self.env = merge_paths(results)

    def _loop(self, it: Sym, node, kind: str) -> int:
        loop_id = len(self.loops)
        self.loops.append(LoopDef(loop_id, it, self.span(node), self.loop, kind))
        return loop_id

    def _for_in(self, st) -> None:
        left, right, body = st.child_by_field_name("left"), st.child_by_field_name("right"), st.child_by_field_name("body")
        if right is None:
            return
        tokens = {c.type for c in st.children if not c.is_named}
        it = self.sym(right)
        keys = "in" in tokens and "of" not in tokens
        loop_id = self._loop(SOp("Keys", (it,)) if keys else it, right, "async_for" if "await" in tokens else "for")
        before = dict(self.env)
        outer, self.loop = self.loop, loop_id
        if left is not None:
            self._bind(left, UNKNOWN if keys else SEach(it, loop_id))
        self._stmt_opt(body)
        self.loop = outer
        self._after_loop(before, left)

    def _while(self, condition, body, increment) -> None:
        loop_id = self._loop(self.sym(condition) if condition is not None else UNKNOWN, condition or body, "while")
        before = dict(self.env)
        outer, self.loop = self.loop, loop_id
        self._stmt_opt(body)
        if increment is not None:
            self._use(increment)
        self.loop = outer
        self._after_loop(before, None)

    def _after_loop(self, before: dict, target) -> None:
        self.env = merge_after_loop(before, self.env)
        if target is not None and target.type == "identifier":
            self.env[target.text.decode()] = UNKNOWN

    # --- expressions --------------------------------------------------------------------

    def sym(self, node) -> Sym:
        if node is None or self.depth >= _MAX_DEPTH:
            return UNKNOWN
        self.depth += 1
        try:
            return self._sym(node)
        finally:
            self.depth -= 1

    def _sym(self, node) -> Sym:
        t = node.type
        if t == "identifier" or t == "shorthand_property_identifier":
            return self._name(node.text.decode())
        if t == "this":
            return self.env.get("this", UNKNOWN)
        if t == "member_expression":
            prop = node.child_by_field_name("property")
            return SAttr(self.sym(node.child_by_field_name("object")), prop.text.decode() if prop is not None else "", self.span(node))
        if t == "subscript_expression":
            return SIndex(self.sym(node.child_by_field_name("object")), self.sym(node.child_by_field_name("index")), self.span(node))
        if t == "call_expression":
            return self._call(node)
        if t == "new_expression":
            args = node.child_by_field_name("arguments")
            return SCall(self.sym(node.child_by_field_name("constructor")), self._args(args, None, None), (), self.span(node), self.loop)
        if t == "await_expression":
            inner = self.sym(node.named_children[0]) if node.named_children else UNKNOWN
            if type(inner) is SCall:
                self.awaited.append(inner.span)  # type: ignore[union-attr]
            return inner
        if t == "string":
            text = "".join(c.text.decode("utf-8", "replace") for c in node.named_children if c.type in ("string_fragment", "escape_sequence"))
            return SConst(text) if len(text) <= _MAX_STR else UNKNOWN
        if t == "template_string":
            return self._template(node)
        if t == "number":
            return _number(node.text.decode())
        if t in ("true", "false"):
            return SConst(t == "true")
        if t in ("null", "undefined"):
            return SConst(None)
        if t == "object":
            return self._object(node)
        if t == "array":
            elts = node.named_children
            if len(elts) > _MAX_DISPLAY:
                return SSeq("list", ())
            return SSeq("list", tuple(self.sym(e) for e in elts))
        if t == "binary_expression":
            op = node.child_by_field_name("operator")
            op_text = op.text.decode() if op is not None else ""
            left, right = self.sym(node.child_by_field_name("left")), self.sym(node.child_by_field_name("right"))
            if op_text in _COMPARE:
                return SOp("Compare", (left, right), (_COMPARE[op_text],))
            return SOp("BoolOp" if op_text in _BOOL else "BinOp", (left, right))
        if t == "unary_expression":
            op = node.child_by_field_name("operator")
            arg = self.sym(node.child_by_field_name("argument"))
            return SOp("Not" if op is not None and op.text == b"!" else "UnaryOp", (arg,))
        if t == "ternary_expression":
            self._test(node.child_by_field_name("condition"))
            return _merge(self.sym(node.child_by_field_name("consequence")), self.sym(node.child_by_field_name("alternative")))
        if t in _WRAPPERS:
            inner = next((c for c in node.named_children if not c.type.endswith("type") and c.type not in ("type_identifier", "type_arguments", "generic_type", "object_type")), None)
            return self.sym(inner) if inner is not None else UNKNOWN
        if t == "assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if right is not None and right.type in FUNCTION_NODES and left is not None and left.type == "identifier":
                name = left.text.decode()
                self.env[name] = SName(self.r.collector.nested(right, self.qualname, name, self.env))
                return UNKNOWN
            value = self.sym(right)
            if left is not None and left.type == "identifier":
                self.env[left.text.decode()] = value
            return value
        if t == "augmented_assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            value = self.sym(right)
            if left is not None and left.type == "identifier":
                name = left.text.decode()
                self.env[name] = SOp("BinOp", (self.env.get(name, UNKNOWN), value))
            return value
        if t == "sequence_expression":
            last = UNKNOWN
            for child in node.named_children:
                last = self.sym(child)
            return last
        if t == "spread_element":
            return self.sym(node.named_children[0]) if node.named_children else UNKNOWN
        return UNKNOWN

    def _name(self, name: str) -> Sym:
        return global_name(name, self.env, self.r.imports.get(name), self.r.defined, self.r.module, JS_GLOBALS, "globalThis")

    def _template(self, node) -> Sym:
        parts: list[Sym] = []
        for c in node.named_children:
            if c.type == "template_substitution":
                parts.append(self.sym(c.named_children[0]) if c.named_children else UNKNOWN)
            else:
                parts.append(SConst(c.text.decode("utf-8", "replace")))
        if all(type(p) is SConst for p in parts):
            text = "".join(p.value for p in parts)  # type: ignore[union-attr]
            return SConst(text) if len(text) <= _MAX_STR else UNKNOWN
        return SOp("JoinedStr", tuple(parts))

    def _object(self, node) -> Sym:
        items: list[tuple[Sym, Sym]] = []
        for c in node.named_children[:_MAX_DISPLAY]:
            if c.type == "pair":
                key, value = c.child_by_field_name("key"), c.child_by_field_name("value")
                if key is None:
                    continue
                k = self.text(key).strip("'\"`") if key.type != "computed_property_name" else None
                if value is not None and value.type in FUNCTION_NODES:
                    items.append((SConst(k), UNKNOWN))
                else:
                    items.append((SConst(k), self.sym(value)))
            elif c.type == "shorthand_property_identifier":
                items.append((SConst(c.text.decode()), self._name(c.text.decode())))
            elif c.type == "spread_element":
                items.append((SConst(None), self.sym(c)))
        return SDict(tuple(items))

    # --- calls --------------------------------------------------------------------------

    def _call(self, node) -> Sym:
        func_node = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        span = self.span(node)
        if args is not None and args.type == "template_string":  # a tagged template: sql`...`
            return SCall(self.sym(func_node), (self._template(args),), (), span, self.loop)
        if func_node is not None and func_node.type == "identifier" and func_node.text == b"require" and args is not None:
            spec = args.named_children[0] if args.named_children else None
            if spec is not None and spec.type == "string":
                from .modules import resolve_specifier

                return SName(resolve_specifier(self.text(spec).strip("'\"`"), self.r.collector.rel)[0])
        method = None
        if func_node is not None and func_node.type == "member_expression":
            prop = func_node.child_by_field_name("property")
            method = prop.text.decode() if prop is not None else None
        callbacks = [a for a in args.named_children if a.type in FUNCTION_NODES] if args is not None else []
        if method in _ITERATION and callbacks and func_node is not None:
            return self._iteration(node, func_node, method, args, callbacks[0])
        if method in express.ROUTE_DECORATORS and args is not None and self.r.collector.route_call(self, node, func_node, method, args):
            return SCall(self.sym(func_node), (), (), span, self.loop)
        func = self.sym(func_node)
        call = SCall(func, self._args(args, method, func_node), (), span, self.loop)
        if method in express.RESPONSE_METHODS and call.args and _on_parameter(func):
            self.returns.append(call.args[0])  # `res.json(rows)`, `res.status(200).send(rows)`
        return call

    def _args(self, args, method: str | None, func_node) -> tuple[Sym, ...]:
        if args is None:
            return ()
        out: list[Sym] = []
        for a in args.named_children:
            if a.type in FUNCTION_NODES:
                if method in _DEFERRED or (func_node is not None and func_node.type == "identifier" and func_node.text.decode() in _DEFERRED):
                    out.append(UNKNOWN)
                    continue
                receiver = func_node.child_by_field_name("object") if method == "transaction" and func_node is not None else None
                out.append(self._inline(a, self.sym(receiver) if receiver is not None else None))
            elif a.type != "comment":
                out.append(self.sym(a))
        return tuple(out)

    def _inline(self, fn, first: Sym | None) -> Sym:
        """A callback that runs during the call: its statements are this function's."""
        for i, (pname, pattern, _) in enumerate(param_names(fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter"))):
            value = first if i == 0 and first is not None else UNKNOWN
            self.env[pname] = value
            if pattern is not None:
                self._bind(pattern, value)
        return self._callback_body(fn)

    def _callback_body(self, fn) -> Sym:
        body = fn.child_by_field_name("body")
        if body is None:
            return UNKNOWN
        if body.type != "statement_block":
            value = self._use(body)
            if type(value) is SCall:
                self.awaited.append(value.span)  # a returned promise is awaited by the caller
            return value or UNKNOWN
        saved = self.returns
        self.returns = []
        self._block(body)
        found, self.returns = self.returns, saved
        for r in found:
            if type(r) is SCall:
                self.awaited.append(r.span)
        return _merge(found[0], found[1]) if len(found) == 2 else (found[0] if len(found) == 1 else UNKNOWN)

    def _iteration(self, node, func_node, method: str, args, callback) -> Sym:
        element, builds = _ITERATION[method]
        recv = func_node.child_by_field_name("object")
        it = self.sym(recv)
        loop_id = self._loop(it, recv, "comprehension" if builds else "for")
        saved_env, saved_loop = self.env, self.loop
        self.env = dict(saved_env)
        self.loop = loop_id
        for i, (pname, pattern, _) in enumerate(param_names(callback.child_by_field_name("parameters") or callback.child_by_field_name("parameter"))):
            value: Sym = SEach(it, loop_id) if i == element else UNKNOWN
            self.env[pname] = value
            if pattern is not None:
                self._bind(pattern, value)
        value = self._callback_body(callback)
        self.env, self.loop = saved_env, saved_loop
        for a in args.named_children:
            if a is not callback and a.type not in FUNCTION_NODES and a.type != "comment":
                self._use(a)
        if not builds:
            return UNKNOWN
        return SComp("list", loop_id, (it, value), self.span(node))

    # --- Express: the answer ------------------------------------------------------------

    def response_value(self, sym: Sym) -> None:
        self.returns.append(sym)


def _on_parameter(func: Sym) -> bool:
    """`res.json` / `res.status(404).json`: a method of a parameter (the response object)."""
    node = func.obj if type(func) is SAttr else None  # type: ignore[union-attr]
    for _ in range(4):
        if type(node) is SParam:
            return True
        if type(node) is SCall and type(node.func) is SAttr:  # type: ignore[union-attr]
            node = node.func.obj  # type: ignore[union-attr]
        else:
            return False
    return False


def _number(text: str) -> Sym:
    clean = text.replace("_", "").rstrip("n")
    try:
        return SConst(int(clean, 0) if clean[:2].lower() in ("0x", "0o", "0b") or clean.isdigit() else float(clean))
    except ValueError:
        return UNKNOWN
