"""Per-file Python fact extraction: one pass over an already-parsed module.

The pass walks *statements* (every statement of the module, its classes and functions, once)
and hands each fact-bearing statement to the collectors that read it: `apps` (app objects and
the calls that serve them), `pools` (pool constructors, Flask-SQLAlchemy config), `checkouts`
(connections taken from a pool and whether they go back), `django_settings` (DATABASES,
environment defaults) and `orm` (models). Expressions are only looked into where a fact can
live: assignment values, script-level calls, `return`/`with` of functions. A deep walk of every
expression is done only for files whose text names a pool constructor or `environ.setdefault`
(pool sites and `os.environ.setdefault` can hide anywhere in an expression); that is a cheap
substring test and keeps the common file at statement cost. `routes` (what the file wires as
request handlers) reads the module in a statement pass of its own, once the imports are known.

Module-level function bodies are visited after the module body, so that imports and
constants written below a function are known when its body is read, and so that
`create_app()` factories and `main()` called from the main guard are known.
"""

from __future__ import annotations

import ast

from ..facts import Assignment, Expr, PoolSite, PythonFacts
from ..frameworks.django import DATABASE_URL_PARSERS
from .apps import APP_CONSTRUCTORS, RUN_FUNCTIONS, RUN_TOKENS, SOCKETIO_CONSTRUCTORS, AppCollector
from .checkouts import CheckoutCollector
from .django_settings import DjangoSettingsCollector, names_development
from .flow import FunctionReader, module_definitions
from .field_classes import field_class
from .members import class_members
from .migrations import looks_like_migration, read_composite_keys, read_migration
from .names import ImportMap
from .orm import ModelCollector
from .pools import POOL_CONSTRUCTORS, PoolCollector
from .routes import RouteCollector
from .scope import ModuleContext, Scope
from .syntax import TRY_TYPES

__all__ = ["extract_python_facts", "STRICT"]

# Tests set this to re-raise errors from a statement's handler instead of skipping it.
STRICT = False

_MAX_SQL_VALUES = 200  # module-level SQL constants kept per module
_LOOP_TYPES = (ast.For, ast.AsyncFor, ast.While)
_DEF_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
_DICT_MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__"})

# callees a star import may have brought in: only these are claimed for `from x import *`
_KNOWN_CALLEES = (
    frozenset(APP_CONSTRUCTORS)
    | frozenset(POOL_CONSTRUCTORS)
    | frozenset(RUN_FUNCTIONS)
    | SOCKETIO_CONSTRUCTORS
    | DATABASE_URL_PARSERS
)


def _main_guard(test: ast.AST) -> bool | None:
    """True: `__name__ == "__main__"` (the body is the guard); False: `!=` (the orelse is)."""
    if type(test) is not ast.Compare or len(test.ops) != 1:  # type: ignore[attr-defined]
        return None
    left, right = test.left, test.comparators[0]  # type: ignore[attr-defined]

    def is_name(n: ast.AST) -> bool:
        return type(n) is ast.Name and n.id == "__name__"  # type: ignore[attr-defined]

    def is_main(n: ast.AST) -> bool:
        return type(n) is ast.Constant and n.value == "__main__"  # type: ignore[attr-defined]

    if (is_name(left) and is_main(right)) or (is_main(left) and is_name(right)):
        op = type(test.ops[0])  # type: ignore[attr-defined]
        if op is ast.Eq:
            return True
        if op is ast.NotEq:
            return False
    return None


class _Extractor:
    def __init__(self, source: str, module: str, is_package: bool):
        self.names_set_dynamically = False
        self.ctx = ctx = ModuleContext(source, module, is_package, _KNOWN_CALLEES)
        self.src = ctx.src
        self.module = module
        self.imap = ctx.imap
        self.consts = ctx.consts
        self.folder = ctx.folder
        self.imported_modules: dict[str, None] = {}
        self.assignments: dict[str, Assignment] = {}
        # module-level functions called from script code -> only from the main guard
        self.script_funcs: dict[str, bool] = {}
        self.has_main_guard = False
        self.deferred: list[tuple[ast.AST, str, ImportMap, bool]] = []
        self.method_class: dict[int, str] = {}  # id(def node) -> the class it is a method of
        self.functions: list = []
        self.class_members: list = []
        self.field_classes: list = []
        self.flow: FunctionReader | None = None
        self.read_functions = True
        self.apps = AppCollector(ctx)
        self.pools = PoolCollector(ctx, source, self._pool_site)
        self.checkouts = CheckoutCollector(ctx, self.pools)
        self.settings = DjangoSettingsCollector(ctx, source)
        self.orm = ModelCollector(ctx.src, module, ctx.mod_nodes, ctx.star_imports)
        self.routes = RouteCollector(ctx)
        self.scan_pools = self.pools.scan_calls
        self.scan_runs = any(tok in source for tok in RUN_TOKENS)
        # collectors that need every call of a statement (only in files whose text may hold one)
        self.call_visitors = []
        if self.scan_pools:
            self.call_visitors.append(self.pools.visit_call)
        if self.settings.scan_env:
            self.call_visitors.append(self.settings.visit_call)
        self.deep = bool(self.call_visitors)
        self.scan_config = self.pools.scan_config
        self.mod_nodes = ctx.mod_nodes
        self.sql_dialect = "postgres"
        self.migration = None
        self.composite_keys: tuple = ()
        self.sql_values: dict[str, object] = {}

    # --- driver ---------------------------------------------------------------------------

    def run(self, tree: ast.Module) -> PythonFacts:
        mod = Scope("module", "", None, self.imap)
        mod.folder = self.folder
        if self.read_functions:
            self.flow = FunctionReader(self.src, self.module, module_definitions(tree.body), self.ctx.star_imports)
        self._block(tree.body, mod, False)
        self.names_set_dynamically = _sets_names_dynamically(tree.body)
        self._guarded(self.orm.visit_module, tree.body, self.imap)
        if looks_like_migration(self.src.source or ""):
            self._guarded(self._read_migration, tree)
        if "ForeignKeyConstraint" in (self.src.source or ""):
            self._guarded(self._read_composite_keys, tree)
        if self.flow is not None:  # request handlers, like what functions compute, only where requests are served
            self._guarded(self.routes.visit_module, tree.body, self.flow, self.flow.defined)
        self._guarded(self._finish_scope, mod)
        for fn, qualname, imap, top in self.deferred:
            script = self.script_funcs.get(fn.name) if top else None  # type: ignore[attr-defined]
            self._guarded(self._function, fn, qualname, imap, top, script)
        self._guarded(self._finish_module)
        return self._facts()

    @staticmethod
    def _guarded(fn, *args) -> None:
        try:
            fn(*args)
        except Exception:
            if STRICT:
                raise

    def _finish_scope(self, sc: Scope) -> None:
        # tested here: most scopes have neither, and this runs for every function and class
        if sc.cfg:
            self.pools.finish_scope(sc)
        if sc.checkouts:
            self.checkouts.finish_scope(sc)

    def _finish_module(self) -> None:
        self.apps.finish()
        self.checkouts.finish()

    def _facts(self) -> PythonFacts:
        def pos(x) -> tuple[int, int]:
            return (x.span.line, x.span.column)

        settings = self.settings
        return PythonFacts(
            module=self.module,
            imports=tuple(self.imap.items()),
            imported_modules=tuple(self.imported_modules),
            star_imports=tuple(dict.fromkeys(self.ctx.star_imports)),
            assignments=tuple(self.assignments.values()),
            apps=tuple(sorted(self.apps.apps, key=pos)),
            run_calls=tuple(sorted(self.apps.run_calls, key=pos)),
            pools=tuple(sorted(self.pools.pools, key=pos)),
            pool_config_hint=self.pools.config_hint,
            checkouts=tuple(sorted(self.checkouts.checkouts, key=pos)),
            databases=tuple(settings.databases.values()) if settings.databases else (),
            databases_mutated=settings.databases_mutated,
            names_set_dynamically=self.names_set_dynamically,
            env_defaults=tuple(settings.env_defaults),
            has_main_guard=self.has_main_guard,
            models=self.orm.models(),
            functions=tuple(self.functions),
            sql_values=tuple(self.sql_values.items()),
            routes=tuple(self.routes.sites),
            route_objects=self.routes.objects(),
            classes=tuple(self.routes.classes),
            setting_entries=tuple(self.routes.entries),
            migration=self.migration,
            composite_keys=self.composite_keys,
            class_members=tuple(self.class_members),
            field_classes=tuple(self.field_classes),
        )

    def _read_migration(self, tree: ast.Module) -> None:
        self.migration = read_migration(tree, self.orm, self.imap, self.sql_dialect)

    def _read_composite_keys(self, tree: ast.Module) -> None:
        self.composite_keys = read_composite_keys(tree, self.src, self.module)

    def _pool_site(self, call: ast.Call, spec: tuple[str, bool, str], sc: Scope) -> PoolSite:
        # A seam: the robustness tests replace it to make one handler fail.
        return self.pools.read_site(call, spec, sc)

    # --- statements -----------------------------------------------------------------------

    def _block(self, body: list[ast.stmt], sc: Scope, script: bool | None) -> None:
        for st in body:
            try:
                self._stmt(st, sc, script)
            except Exception:
                if STRICT:
                    raise

    def _stmt(self, st: ast.stmt, sc: Scope, script: bool | None) -> None:
        t = type(st)
        if t is ast.Expr:
            if script is not None or self.scan_config or sc.kind == "module":
                self._expr_stmt(st, sc, script)  # type: ignore[arg-type]
        elif t is ast.Assign or t is ast.AnnAssign:
            self._assign(st, sc, script)
        elif t is ast.Return:
            if sc.top and st.value is not None:  # type: ignore[attr-defined]
                self.apps.visit_return(st.value, sc)  # type: ignore[attr-defined]
        elif t is ast.If:
            guard = _main_guard(st.test) if sc.kind == "module" else None  # type: ignore[attr-defined]
            if guard is not None:
                self.has_main_guard = True
            test = st.test  # type: ignore[attr-defined]
            negated = type(test) is ast.UnaryOp and type(test.op) is ast.Not
            dev = guard is None and sc.kind == "module" and names_development(test.operand if negated else test)
            # `if os.environ.get("GITHUB_WORKFLOW"):` settings are CI's; `if not DEBUG:` is production's
            self.settings.dev_branch += dev and not negated
            self._block(st.body, sc, True if guard is True else script)  # type: ignore[attr-defined]
            self.settings.dev_branch += (dev and negated) - (dev and not negated)
            self._block(st.orelse, sc, True if guard is False else script)  # type: ignore[attr-defined]
            self.settings.dev_branch -= dev and negated
        elif t in _DEF_TYPES:
            self._def(st, sc)
        elif t is ast.ClassDef:
            self._class(st, sc)  # type: ignore[arg-type]
        elif t is ast.Import or t is ast.ImportFrom:
            self._import(st, sc)
        elif t is ast.With or t is ast.AsyncWith:
            if sc.kind == "function":
                self.checkouts.visit_with(st, sc)
            self._block(st.body, sc, script)  # type: ignore[attr-defined]
        elif t in _LOOP_TYPES:
            self._block(st.body, sc, script)  # type: ignore[attr-defined]
            self._block(st.orelse, sc, script)  # type: ignore[attr-defined]
        elif t in TRY_TYPES:
            self._block(st.body, sc, script)  # type: ignore[attr-defined]
            for h in st.handlers:  # type: ignore[attr-defined]
                self._block(h.body, sc, script)
            self._block(st.orelse, sc, script)  # type: ignore[attr-defined]
            self._block(st.finalbody, sc, script)  # type: ignore[attr-defined]
        elif t is ast.AugAssign:
            self._augassign(st, sc)  # type: ignore[arg-type]
        elif t is ast.Match:
            for case in st.cases:  # type: ignore[attr-defined]
                self._block(case.body, sc, script)
        elif t is ast.Delete:
            if sc.kind == "module":
                self.settings.visit_delete(st)  # type: ignore[arg-type]
        elif t is ast.Raise:
            if script and st.exc is not None:  # type: ignore[attr-defined]
                self._script_expr(st.exc, sc, script)  # type: ignore[attr-defined]
        if script and (t is ast.Assign or t is ast.AnnAssign) and st.value is not None:  # type: ignore[attr-defined]
            self._script_expr(st.value, sc, script)  # type: ignore[attr-defined]
        if self.deep:
            self._deep(st, sc)

    def _def(self, st: ast.AST, sc: Scope) -> None:
        name = st.name  # type: ignore[attr-defined]
        if sc.kind == "module":
            self.ctx.mod_funcs[name] = st
            self.consts.pop(name, None)
            self.deferred.append((st, name, sc.imap, True))
        elif sc.kind == "class" and sc.function is None:
            self.method_class[id(st)] = sc.qualname
            self.deferred.append((st, f"{sc.qualname}.{name}", sc.imap, False))
        else:
            self._function(st, f"{sc.qualname}.{name}", sc.imap, False, None)

    def _function(self, fn: ast.AST, qualname: str, imap: ImportMap, top: bool, script: bool | None) -> None:
        fs = Scope("function", qualname, qualname, imap)
        fs.node = fn
        fs.top = top
        entry = None
        if script is None and top and self.scan_runs:
            script, entry = False, (f"{self.module}.{qualname}" if self.module else qualname)  # a CLI command may start a server: `uvicorn.run(...)` in `def serve()`
        if script is not None:
            a = fn.args  # type: ignore[attr-defined]
            fs.local_names = {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg) if x is not None}
            fs.local_consts = {}
        self.apps.current_function = entry
        self._block(fn.body, fs, script)  # type: ignore[attr-defined]
        self.apps.current_function = None
        self._finish_scope(fs)
        if self.flow is not None:
            self._guarded(self._read_function, fn, qualname, imap)

    def _read_function(self, fn: ast.AST, qualname: str, imap: ImportMap) -> None:
        prefix = f"{self.module}." if self.module else ""
        cls = self.method_class.get(id(fn))
        self.functions.append(self.flow.read(fn, prefix + qualname, imap, prefix + cls if cls else None))  # type: ignore[union-attr]

    def _class(self, st: ast.ClassDef, sc: Scope) -> None:
        qual = f"{sc.qualname}.{st.name}" if sc.qualname else st.name
        cs = Scope("class", qual, sc.function, sc.imap)
        cs.class_consts = {}
        cs.class_nodes = {}
        if sc.kind == "module":
            self.consts.pop(st.name, None)
            self._guarded(self.orm.visit_class, st, sc.imap)
            self._guarded(self._field_class, st)
            if self.flow is not None:
                self._guarded(self._class_members, st, sc.imap)
            if self.scan_runs:
                self.apps.visit_class(st, sc)
        self._block(st.body, cs, None)
        self._finish_scope(cs)

    def _field_class(self, st: ast.ClassDef) -> None:
        found = field_class(st, f"{self.module}.{st.name}" if self.module else st.name)
        if found is not None:
            self.field_classes.append(found)

    def _class_members(self, st: ast.ClassDef, imap: ImportMap) -> None:
        qual = f"{self.module}.{st.name}" if self.module else st.name
        found = class_members(self.flow, st, qual, imap)  # type: ignore[arg-type]
        if found is not None:
            self.class_members.append(found)

    def _import(self, st: ast.AST, sc: Scope) -> None:
        if not sc.own_imap:
            sc.imap = sc.imap.child()
            sc.own_imap = True
        mods, star = sc.imap.add(st)
        for m in mods:
            self.imported_modules[m] = None
        self.apps.note_imports(mods)
        if star:
            self.ctx.star_imports.append(star)
        if sc.kind == "module":
            for alias in st.names:  # type: ignore[attr-defined]
                if alias.name != "*":
                    self.consts.pop(alias.asname or alias.name.partition(".")[0], None)

    # --- assignments ----------------------------------------------------------------------

    def _assign(self, st: ast.AST, sc: Scope, script: bool | None) -> None:
        value = st.value  # type: ignore[attr-defined]
        if value is None:
            return
        targets = st.targets if type(st) is ast.Assign else [st.target]  # type: ignore[attr-defined]
        v = value.value if type(value) is ast.Await else value
        call = v if type(v) is ast.Call else None
        kind = sc.kind
        expr: Expr | None = None
        for tgt in targets:
            tt = type(tgt)
            if tt is ast.Subscript and kind == "module":
                self._mutated(tgt.value)
            if tt is ast.Name:
                name = tgt.id
                if kind == "module":
                    if expr is None:
                        expr = self.folder.fold(value)
                    self._record_assignment(name, expr, tgt)
                    if self.flow is not None and len(self.sql_values) < _MAX_SQL_VALUES:
                        sql = self.flow.module_value(value, sc.imap)
                        if sql is not None:
                            self.sql_values[name] = sql
                    self.mod_nodes[name] = value
                    if call is not None:
                        self._module_call_binding(name, call, tgt, sc)
                    if name == self.settings.DATABASES:
                        self.settings.assign_databases(value, tgt)
                    if self.scan_config:
                        self.pools.config_name(sc, name, value, tgt, st)
                elif kind == "class":
                    if self.scan_config:
                        # class-level config (`class Config: SQLALCHEMY_ENGINE_OPTIONS = {...}`)
                        # may refer to the class's own constants
                        sc.class_consts[name] = self.ctx.folder_for(sc).fold(value)  # type: ignore[index]
                        sc.class_nodes[name] = value  # type: ignore[index]
                        self.pools.config_name(sc, name, value, tgt, st)
                    if call is not None and self.scan_pools:
                        self.pools.bind_class_name(name, call, sc)
                else:
                    if sc.local_names is not None:
                        sc.local_names.add(name)
                        sc.local_consts[name] = self.ctx.folder_for(sc).fold(value)  # type: ignore[index]
                    if call is not None:
                        self._function_call_binding(name, call, sc, len(targets) == 1)
            elif tt is ast.Subscript:
                if not self.pools.config_item(tgt, value, sc, st) and kind == "module":
                    self.settings.mutate_item(tgt, value)
            elif tt is ast.Attribute:
                if call is not None and self.scan_pools:
                    self.pools.bind_attribute(tgt, call, sc)
            elif tt is ast.Tuple or tt is ast.List:
                if kind == "module":
                    self._unpack(tgt, value)
                elif sc.local_names is not None:
                    for elt in tgt.elts:
                        if type(elt) is ast.Name:
                            sc.local_names.add(elt.id)

    def _record_assignment(self, name: str, expr: Expr, tgt: ast.AST) -> None:
        if self.settings.dev_branch > 0:
            # `if env.bool("DEBUG"): reload = True` in gunicorn.conf.py, `if DEBUG:` in
            # settings: not what production runs, so not what it ends up with
            return
        self.assignments.pop(name, None)
        self.assignments[name] = Assignment(name, expr, self.src.span(tgt))
        self.consts[name] = expr

    def _unpack(self, tgt: ast.AST, value: ast.AST) -> None:
        elts = tgt.elts  # type: ignore[attr-defined]
        vt = type(value)
        paired = (
            (vt is ast.Tuple or vt is ast.List)
            and len(value.elts) == len(elts)  # type: ignore[attr-defined]
            and not any(type(e) is ast.Starred for e in elts)
            and not any(type(e) is ast.Starred for e in value.elts)  # type: ignore[attr-defined]
        )
        whole: Expr | None = None
        for i, elt in enumerate(elts):
            if type(elt) is not ast.Name:
                continue
            if paired:
                expr = self.folder.fold(value.elts[i])  # type: ignore[attr-defined]
            else:
                if whole is None:
                    whole = self.folder.unknown(value)
                expr = whole
            self._record_assignment(elt.id, expr, elt)

    def _mutated(self, target: ast.AST) -> None:
        """`opts.update(...)`, `opts["pool_size"] = n` at module level: `opts` no longer holds
        only the literal it was bound to (honcho fills its engine options in an `if`)."""
        if type(target) is ast.Name:
            self.ctx.mutated.add(target.id)

    def _augassign(self, st: ast.AugAssign, sc: Scope) -> None:
        tgt = st.target
        if sc.kind != "module":
            if sc.local_names is not None and type(tgt) is ast.Name:
                sc.local_names.add(tgt.id)
                sc.local_consts.pop(tgt.id, None)  # type: ignore[union-attr]
            return
        if type(tgt) is ast.Name:
            self._mutated(tgt)  # `opts |= {...}`
            # fold `X += y` as `X = X + y`
            left = ast.Name(id=tgt.id, ctx=ast.Load())
            node = ast.BinOp(left=left, op=st.op, right=st.value)
            ast.copy_location(left, tgt)
            ast.copy_location(node, st)
            self._record_assignment(tgt.id, self.folder.fold(node), tgt)
        self.settings.mutate_augassign(tgt)

    def _module_call_binding(self, name: str, call: ast.Call, tgt: ast.AST, sc: Scope) -> None:
        if self.apps.bind_module_name(name, call, tgt, sc):
            return
        self.pools.bind_module_name(name, call, sc)
        self.settings.bind_env_reader(name, call, sc)

    def _function_call_binding(self, name: str, call: ast.Call, sc: Scope, single: bool) -> None:
        if self.checkouts.bind_local_name(name, call, sc, single):
            return
        if self.apps.bind_local_name(name, call, sc):
            return
        if self.scan_pools:
            self.pools.bind_local_name(name, call, sc)

    # --- expression statements and script-level calls -----------------------------------

    def _expr_stmt(self, st: ast.Expr, sc: Scope, script: bool | None) -> None:
        v = st.value
        if script is not None and sc.kind != "class":
            self._script_expr(v, sc, script)
        if type(v) is ast.Call and type(v.func) is ast.Attribute:
            if sc.kind == "module" and v.func.attr in _DICT_MUTATORS:
                self._mutated(v.func.value)
            if not self.pools.config_call(v, sc) and sc.kind == "module":
                if not (v.func.attr == "update" and self.settings.merge_update(v)):
                    self.settings.mutate_chain(v.func.value)

    def _script_expr(self, node: ast.AST, sc: Scope, in_guard: bool) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            if type(n) is ast.Call:
                self.apps.visit_script_call(n, sc, in_guard)
                func = n.func
                if sc.kind == "module" and type(func) is ast.Name:
                    self.script_funcs[func.id] = self.script_funcs.get(func.id, True) and in_guard
            if type(n) is ast.Lambda:
                continue
            stack.extend(ast.iter_child_nodes(n))

    def _deep(self, st: ast.stmt, sc: Scope) -> None:
        """Every call in the statement's own expressions (not in nested statements)."""
        visitors = self.call_visitors
        stack = [c for c in ast.iter_child_nodes(st) if not isinstance(c, ast.stmt)]
        while stack:
            n = stack.pop()
            if type(n) is ast.Call:
                try:
                    for visit in visitors:
                        visit(n, sc)
                except Exception:
                    if STRICT:
                        raise
            for c in ast.iter_child_nodes(n):
                if not isinstance(c, ast.stmt):
                    stack.append(c)


_NAMESPACES = frozenset({"locals", "globals", "vars"})
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers")


def _sets_names_dynamically(body: list[ast.stmt]) -> bool:
    """Module-level statements (in ifs, loops, `with` and `try`, not in functions) that set
    names through `locals()`/`globals()`/`vars()`: `locals()[k] = v`, `globals().update(...)`;
    or run code we do not read into the module: `exec(...)` of a file's text (settings split
    into `.conf` files), django-split-settings' `include(...)`; or hand the namespace to a
    helper that sets what it likes (`django_heroku.settings(locals())`)."""
    splits = any(type(st) is ast.ImportFrom and (st.module or "").startswith("split_settings") for st in body)
    stack = list(body)
    while stack:
        st = stack.pop()
        t = type(st)
        if t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            continue
        if t is ast.Assign:
            for tgt in st.targets:  # type: ignore[attr-defined]
                if type(tgt) is ast.Subscript and _namespace_call(tgt.value):
                    return True
        elif t is ast.Expr and type(st.value) is ast.Call:  # type: ignore[attr-defined]
            func = st.value.func  # type: ignore[attr-defined]
            if type(func) is ast.Attribute and func.attr in ("update", "setdefault", "__setitem__") and _namespace_call(func.value):
                return True
            if type(func) is ast.Name and (func.id in ("exec", "execfile") or (splits and func.id == "include")):
                return True
            if any(_namespace_call(a) for a in st.value.args):  # type: ignore[attr-defined]
                return True  # `django_heroku.settings(locals())`: a helper rewrites the settings
        for name in _BLOCK_FIELDS:
            for child in getattr(st, name, ()) or ():
                if isinstance(child, ast.ExceptHandler):
                    stack.extend(child.body)
                elif isinstance(child, ast.stmt):
                    stack.append(child)
    return False


def _namespace_call(node: ast.AST) -> bool:
    return type(node) is ast.Call and type(node.func) is ast.Name and node.func.id in _NAMESPACES and not node.args  # type: ignore[attr-defined]


def extract_python_facts(
    tree: ast.Module, source: str, module: str, *, is_package: bool = False, functions: bool = True, sql_dialect: str = "postgres"
) -> PythonFacts:
    """Facts of one parsed Python file. `module` is its dotted name (`module_name_for`);
    pass `is_package=True` for a package's `__init__.py` so relative imports resolve right.
    `functions=False` skips what each function computes (`PythonFacts.functions`)."""
    ex = _Extractor(source, module, is_package)
    ex.read_functions = functions
    ex.sql_dialect = sql_dialect
    try:
        return ex.run(tree)
    except Exception:
        if STRICT:
            raise
        return PythonFacts(module=module)
    finally:
        _release(ex)


def _release(ex: _Extractor) -> None:
    """Break the extractor's reference cycles (collectors hold its bound methods and each
    other), so the tree and everything read from it is freed by reference counting as soon as
    the facts are built, not by a cyclic collection that walks every live object."""
    vars(ex).clear()
