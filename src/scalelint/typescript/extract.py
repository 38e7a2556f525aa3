"""Per-file facts of one TypeScript / JavaScript file: the same `PythonFacts` the Python
front-end fills (the name is historical: every field is language-neutral), so the project
model and the rules read a `.ts` file as they read a `.py` one.

One pass over the module's top-level statements, after a first one for its imports and the
names it defines (JavaScript hoists them):
- imports and requires (`modules`), re-exports as imports of the names they forward;
- functions: declarations, `const f = (...) => ...`, class methods (with `this`), CommonJS
  `exports.f = ...`, each read by `flow`; functions written inside them (route handlers given
  as callbacks) become functions of their own, named after their route or their variable;
- module-level `const x = callee(...)` / `new X(...)` as an `Assignment` whose text starts with
  the callee (what the call graph reads as "what built `x`") and a `RouteObject` (what the
  handlers model reads as "is `x` an Express app?");
- route registrations (`app.get("/x", handler)`, `router.route("/x").post(...)`) as
  `RouteSite`s, wherever they are written (module level or inside `registerRoutes(app)`);
- Drizzle tables (`typescript.drizzle`) and `pg` pools (`typescript.pools`).
"""

from __future__ import annotations

from ..facts import Assignment, ClassFacts, FunctionFacts, PythonFacts, RouteObject, RouteSite, SAttr, SCall, SName, SParam, Sym, Unknown
from ..frameworks import express
from . import drizzle, pools
from .flow import FUNCTION_NODES, FunctionReader, _Function, param_names
from .modules import ImportTable, module_name_for
from .syntax import Source

__all__ = ["extract_script_facts"]

_MAX_FUNCTIONS = 2000


def extract_script_facts(tree, data: bytes, rel: str, *, functions: bool = True) -> PythonFacts:
    module = module_name_for(rel)
    collector = _Collector(Source(data), rel, module, functions)
    collector.run(tree.root_node)
    return collector.facts()


class _Collector:
    def __init__(self, src: Source, rel: str, module: str, read_functions: bool):
        self.src = src
        self.rel = rel
        self.module = module
        self.read_functions = read_functions
        self.imports = ImportTable(rel)
        self.types: dict[str, str] = {}  # type-only imports, for parameter annotations
        self.functions: list[FunctionFacts] = []
        self.qualnames: set[str] = set()
        self.assignments: dict[str, Assignment] = {}
        self.route_sites: list[RouteSite] = []
        self.route_objects: dict[str, RouteObject] = {}
        self.classes: list[ClassFacts] = []
        self.models: list = []
        self.pools: list = []
        self.reader: FunctionReader | None = None

    # --- driver -------------------------------------------------------------------------

    def run(self, root) -> None:
        statements = [_unexport(st) for st in root.named_children]
        defined: set[str] = set()
        for st, original in zip(statements, root.named_children):
            self._imports(original)
            defined.update(_defines(st))
        self.reader = FunctionReader(self.src, self.module, self.imports, frozenset(defined), self)
        self.top = _Function(self.reader, root, f"{self.module}.<module>", None, None)
        for st, original in zip(statements, root.named_children):
            try:
                self._statement(st, original)
            except Exception:  # noqa: BLE001 - one odd statement never loses the file
                continue

    def facts(self) -> PythonFacts:
        return PythonFacts(
            module=self.module,
            imports=tuple(self.imports.names.items()),
            imported_modules=tuple(self.imports.modules),
            star_imports=tuple(self.imports.star),
            assignments=tuple(self.assignments.values()),
            functions=tuple(self.functions),
            routes=tuple(self.route_sites),
            route_objects=tuple(self.route_objects.values()),
            classes=tuple(self.classes),
            models=tuple(self.models),
            pools=tuple(self.pools),
        )

    def qualify(self, sym: Sym) -> str | None:
        """A name or a dotted chain on one (`express.Router`), as the imports qualify it."""
        if type(sym) is SName:
            return sym.qual  # type: ignore[union-attr]
        if type(sym) is SAttr:
            inner = self.qualify(sym.obj)  # type: ignore[union-attr]
            return f"{inner}.{sym.name}" if inner else None  # type: ignore[union-attr]
        return None

    # --- imports ------------------------------------------------------------------------

    def _imports(self, st) -> None:
        t = st.type
        spec = self._source(st) if t in ("import_statement", "export_statement") else None
        if t == "import_statement" and spec is not None:
            clause = next((c for c in st.named_children if c.type == "import_clause"), None)
            if clause is not None and any(c.type == "type" for c in st.children):
                self._type_imports(clause, spec)
                return
            if clause is None:
                self.imports._module(spec)  # `import "./side-effect"`
                return
            for c in clause.named_children:
                if c.type == "identifier":
                    self.imports.default(c.text.decode(), spec)
                elif c.type == "namespace_import":
                    name = next((n for n in c.named_children if n.type == "identifier"), None)
                    if name is not None:
                        self.imports.namespace(name.text.decode(), spec)
                elif c.type == "named_imports":
                    for s in c.named_children:
                        if s.type != "import_specifier":
                            continue
                        name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
                        if name is None:
                            continue
                        local, imported = (alias or name).text.decode(), self.src.text(name).strip("'\"")
                        if any(x.type == "type" for x in s.children):
                            self.types[local] = self.imports.resolved(spec, imported)
                        else:
                            self.imports.named(local, imported, spec)
        elif t == "export_statement" and spec is not None:
            clause = next((c for c in st.named_children if c.type == "export_clause"), None)
            if clause is None:
                self.imports.star_export(spec)
                return
            for s in clause.named_children:
                name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
                if name is not None:
                    self.imports.named((alias or name).text.decode(), name.text.decode(), spec)
        elif t in ("lexical_declaration", "variable_declaration"):
            for decl in st.named_children:
                spec = _required(decl, self.src)
                if spec is None:
                    continue
                target = decl.child_by_field_name("name")
                if target.type == "identifier":
                    self.imports.require(target.text.decode(), spec)
                elif target.type == "object_pattern":
                    for p in target.named_children:
                        if p.type == "shorthand_property_identifier_pattern":
                            self.imports.named(p.text.decode(), p.text.decode(), spec)
                        elif p.type == "pair_pattern":
                            key, value = p.child_by_field_name("key"), p.child_by_field_name("value")
                            if key is not None and value is not None and value.type == "identifier":
                                self.imports.named(value.text.decode(), key.text.decode(), spec)

    def _source(self, st) -> str | None:
        """The module an `import` / `export ... from` statement names."""
        source = st.child_by_field_name("source")
        return self.src.text(source).strip("'\"`") if source is not None else None

    def _type_imports(self, clause, spec: str) -> None:
        """`import type { Express } from "express"`: no value, but parameter annotations name it."""
        for c in clause.named_children:
            for s in c.named_children if c.type == "named_imports" else ():
                name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
                if name is not None:
                    self.types[(alias or name).text.decode()] = self.imports.resolved(spec, name.text.decode())

    # --- module-level statements --------------------------------------------------------

    def _statement(self, st, original) -> None:
        t = st.type
        if t in ("import_statement",) or st is None:
            return
        if t in ("function_declaration", "generator_function_declaration"):
            name = st.child_by_field_name("name")
            if name is not None:
                self.define(st, f"{self.module}.{name.text.decode()}", name.text.decode(), None)
            if _default_export(original):
                self._alias("default", name.text.decode() if name is not None else None, original)
        elif t == "class_declaration" or t == "class":
            self._class(st)
        elif t in ("lexical_declaration", "variable_declaration"):
            for decl in st.named_children:
                if decl.type == "variable_declarator" and _required(decl, self.src) is None:
                    self._declarator(decl)
        elif t == "export_statement":
            self._export(st)
        elif t == "expression_statement" and self._exports_assignment(st):
            return
        elif t in FUNCTION_NODES or t == "arrow_function":  # `export default async (req, res) => ...`
            self.define(st, f"{self.module}.default", "default", None)
        elif t == "identifier" and _default_export(original):
            self._alias("default", st.text.decode(), original)
        else:
            self.top._stmt(st)

    def _export(self, st) -> None:
        clause = next((c for c in st.named_children if c.type == "export_clause"), None)
        for s in clause.named_children if clause is not None else ():
            name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
            if name is not None and alias is not None and alias.text != name.text:
                self._alias(alias.text.decode(), name.text.decode(), s)

    def _alias(self, name: str, target: str | None, node) -> None:
        if target:
            self.assignments[name] = Assignment(name, Unknown(target), self.src.span(node))

    def _declarator(self, decl) -> None:
        target, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
        if target is None or target.type != "identifier" or value is None:
            if value is not None:
                self.top._use(value)
            return
        name = target.text.decode()
        while value.type in ("as_expression", "satisfies_expression", "parenthesized_expression", "non_null_expression") and value.named_children:
            value = value.named_children[0]
        if value.type in FUNCTION_NODES:
            self.define(value, f"{self.module}.{name}", name, None)
            return
        span = self.src.span(target)
        sym = self.top.sym(value)
        if type(sym) is SCall:
            text = self.src.text(value)
            text = text[4:].lstrip() if text.startswith("new ") else text
            self.assignments[name] = Assignment(name, Unknown(text[:300]), span)
            ctor = self.qualify(sym.func)  # type: ignore[union-attr]
            if ctor:
                self.route_objects[f"{self.module}.{name}"] = RouteObject(f"{self.module}.{name}", ctor, span)
            table = drizzle.table(self, name, sym, ctor, value, target)
            if table is not None:
                self.models.append(table)
            pool = pools.pool_site(self, sym, ctor, value, None)
            if pool is not None:
                self.pools.append(pool)
        else:
            self.assignments[name] = Assignment(name, Unknown(self.src.text(value)[:300]), span)

    def _exports_assignment(self, st) -> bool:
        """CommonJS: `module.exports = x`, `module.exports = { a, b }`, `exports.f = (...) => ...`."""
        node = st.named_children[0] if st.named_children else None
        if node is None or node.type != "assignment_expression":
            return False
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        chain = self.src.text(left) if left is not None else ""
        if chain == "module.exports":
            if right is not None and right.type == "identifier":
                self._alias("default", right.text.decode(), st)
            elif right is not None and right.type in FUNCTION_NODES:
                self.define(right, f"{self.module}.default", "default", None)
            return right is not None and right.type in ("identifier", "object") or (right is not None and right.type in FUNCTION_NODES)
        for prefix in ("module.exports.", "exports."):
            if chain.startswith(prefix) and right is not None:
                name = chain[len(prefix) :]
                if right.type in FUNCTION_NODES and name.isidentifier():
                    self.define(right, f"{self.module}.{name}", name, None)
                    return True
                if right.type == "identifier":
                    self._alias(name, right.text.decode(), st)
                    return True
        return False

    def _class(self, st) -> None:
        name_node = st.child_by_field_name("name")
        if name_node is None:
            return
        name = name_node.text.decode()
        qual = f"{self.module}.{name}"
        bases: list[str] = []
        heritage = next((c for c in st.named_children if c.type == "class_heritage"), None)
        for clause in heritage.named_children if heritage is not None else ():
            for b in clause.named_children:
                if b.type in ("identifier", "member_expression"):
                    found = self.qualify(self.top.sym(b))
                    bases.append(found or b.text.decode())
        self.classes.append(ClassFacts(qual, name, self.src.span(name_node), tuple(bases)))
        body = st.child_by_field_name("body")
        for member in body.named_children if body is not None else ():
            if member.type == "method_definition":
                mname = member.child_by_field_name("name")
                if mname is not None:
                    static = any(c.type == "static" for c in member.children)
                    self.define(member, f"{qual}.{mname.text.decode()}", mname.text.decode(), None if static else qual)
            elif member.type == "public_field_definition":
                fname, value = member.child_by_field_name("name"), member.child_by_field_name("value")
                if fname is not None and value is not None and value.type in FUNCTION_NODES:
                    self.define(value, f"{qual}.{fname.text.decode()}", fname.text.decode(), qual)

    # --- functions ----------------------------------------------------------------------

    def _unique(self, qual: str, node) -> str:
        if qual in self.qualnames:
            qual = f"{qual}@{node.start_point[0] + 1}"
        self.qualnames.add(qual)
        return qual

    def define(self, node, qual: str, name: str, class_name: str | None, outer: dict | None = None) -> str:
        qual = self._unique(qual, node)
        if self.read_functions and len(self.functions) < _MAX_FUNCTIONS and self.reader is not None:
            try:
                self.functions.append(self.reader.read(node, qual, name, class_name, outer))
            except RecursionError:
                pass
        return qual

    def nested(self, node, parent: str, name: str, env: dict) -> str:
        """A function written inside `parent` (its qualname): read now, with the parent's locals."""
        return self.define(node, f"{parent}.{name}" if not parent.endswith(".<module>") else f"{self.module}.{name}", name, None, env)

    # --- route registrations ------------------------------------------------------------

    def route_call(self, fn: _Function, node, func_node, method: str, args) -> bool:
        """`app.get("/x", auth, async (req, res) => ...)`: each function argument is wired.
        True when the call was read as a registration (its callbacks are functions of their own)."""
        receiver_node = func_node.child_by_field_name("object")
        route: str | None = None
        if receiver_node is not None and receiver_node.type == "call_expression":  # router.route("/x").get(...)
            inner = receiver_node.child_by_field_name("function")
            prop = inner.child_by_field_name("property") if inner is not None and inner.type == "member_expression" else None
            if prop is None or prop.text.decode() != express.ROUTE_CHAIN:
                return False
            route = _first_string(receiver_node.child_by_field_name("arguments"), self.src)
            receiver_node = inner.child_by_field_name("object")
        items = [a for a in args.named_children if a.type != "comment"]
        if route is None and items and items[0].type in ("string", "template_string"):
            route = self.src.text(items[0]).strip("'\"`")
            items = items[1:]
        handlers = [a for a in items if a.type in FUNCTION_NODES or a.type in ("identifier", "member_expression", "call_expression")]
        kind = express.ROUTE_DECORATORS[method][0]
        if kind == "route" and route is None:
            return False  # `map.get(key)`, `params.get("x")`: a route names its path
        if not handlers or receiver_node is None or receiver_node.type not in ("identifier", "member_expression"):
            return False
        receiver = self._receiver(fn, receiver_node, handlers)
        if receiver is None:
            return False
        label = f"{method.upper()} {route}" if kind == "route" and route else f"{method} handler"
        span = self.src.span(node)
        for h in handlers:
            target = self._handler_target(fn, h, label)
            if target is not None:
                self.route_sites.append(RouteSite(method, target, span, receiver=receiver, route=route))
        # its callbacks are functions of their own now, not code this function runs
        return any(h.type in FUNCTION_NODES or h.type == "call_expression" for h in handlers)

    def _receiver(self, fn: _Function, node, handlers) -> str | None:
        if node.type == "identifier":
            name = node.text.decode()
            value = fn.env.get(name)
            if type(value) is SParam:  # `function registerRoutes(app: Express)`
                qual = f"{fn.qualname}.{name}"
                annotation = fn.annotations.get(name, "")
                written = annotation.split("<")[0].strip()
                ctor = (self.imports.get(written) or self.types.get(written)) if annotation else None
                ctor = express.ROUTE_TYPES.get(ctor or "")
                if ctor is None and any(_handler_shaped(h) for h in handlers):
                    ctor = "express"  # no type: the `(req, res)` callbacks say what it is
                if ctor is not None:
                    self.route_objects.setdefault(qual, RouteObject(qual, ctor, self.src.span(node)))
                    return qual
                return None
        sym = fn.sym(node)
        found = self.qualify(sym)
        if found is None and type(sym) is SCall:
            return None
        return found

    def _handler_target(self, fn: _Function, h, label: str) -> str | None:
        if h.type in FUNCTION_NODES:
            return self.define(h, f"{self.module}.{label.replace('.', '_')}", label, None, fn.env)
        if h.type == "call_expression":  # asyncHandler(async (req, res) => ...)
            inner_args = h.child_by_field_name("arguments")
            inner = [a for a in inner_args.named_children if a.type in FUNCTION_NODES] if inner_args is not None else []
            if inner:
                return self.define(inner[-1], f"{self.module}.{label.replace('.', '_')}", label, None, fn.env)
            return None
        return self.qualify(fn.sym(h))


def _handler_shaped(node) -> bool:
    if node.type == "call_expression":  # asyncHandler(async (req, res) => ...)
        args = node.child_by_field_name("arguments")
        return any(_handler_shaped(a) for a in args.named_children) if args is not None else False
    if node.type not in FUNCTION_NODES:
        return False
    names = [n for n, _, _ in param_names(node.child_by_field_name("parameters") or node.child_by_field_name("parameter"))]
    return len(names) >= 2 and names[0] in express.REQUEST_PARAMS and names[1] in express.RESPONSE_PARAMS


def _unexport(st):
    """The declaration an `export` statement wraps (`export const`, `export default function`)."""
    if st.type != "export_statement":
        return st
    declaration = st.child_by_field_name("declaration")
    if declaration is not None:
        return declaration
    value = st.child_by_field_name("value")
    return value if value is not None else st


def _default_export(st) -> bool:
    return st.type == "export_statement" and any(c.type == "default" for c in st.children)


def _defines(st) -> set[str]:
    t = st.type
    if t in ("function_declaration", "generator_function_declaration", "class_declaration"):
        name = st.child_by_field_name("name")
        return {name.text.decode()} if name is not None else set()
    if t in ("lexical_declaration", "variable_declaration"):
        out = set()
        for decl in st.named_children:
            target = decl.child_by_field_name("name") if decl.type == "variable_declarator" else None
            if target is not None and target.type == "identifier":
                out.add(target.text.decode())
        return out
    return set()


def _required(decl, src: Source) -> str | None:
    """`const x = require("m")` (possibly `require("m").default`): the specifier."""
    value = decl.child_by_field_name("value") if decl.type == "variable_declarator" else None
    if value is None:
        return None
    if value.type == "member_expression":
        value = value.child_by_field_name("object")
    if value is None or value.type != "call_expression":
        return None
    func = value.child_by_field_name("function")
    if func is None or func.text != b"require":
        return None
    return _first_string(value.child_by_field_name("arguments"), src)


def _first_string(args, src: Source) -> str | None:
    first = args.named_children[0] if args is not None and args.named_children else None
    if first is None or first.type not in ("string", "template_string"):
        return None
    return src.text(first).strip("'\"`")

