"""The call graph's light type inference: what object a method is called on, so that
`topic.update_read(user)` finds `Topic.update_read` and `self.repo.page_all()` finds the method
of the class `__init__` put in `self.repo`.

A value is an instance of a project class, a project class itself, a project function, the rows
of a query (or a list) of a project class, or a SQLAlchemy `Result` of them. It is worked out
from what the function shows and what the project defines, no more:

- a call of a class (`Repo(db)`), of a function or method with what it returns (its annotation
  when it names a project class, else its return values: `return Service(repo)`, `yield session`),
  a classmethod returning `cls(...)`;
- a parameter's annotation (`user: User`, `Optional["User"]`, `Annotated[Service, Depends(...)]`,
  an `Annotated` alias such as `CurrentUser`), a FastAPI `Depends(provider)` default, `self`/`cls`;
- an attribute: a `@property`'s value, what methods assign to `self.x` (a constructor argument:
  what the code that builds the object passes, also through `as_view(x=...)`), a class-level
  `x = Repo()` / `x: Repo` / `form = LoginForm`, an ORM relation (`post.topic`, `topic.posts`);
- module-level singletons (`service = Service()`), imported or not;
- ORM queries: `Model.query` / `Model.objects` / `session.query(Model)` / `select(Model)` are rows
  of the model through chained filters; `.get()` / `.first()` / `.one()` / `get_object_or_404(Model)`
  / `session.get(Model, id)` / `session.scalars(stmt).first()` an instance; iterating rows gives
  instances; flask-login's `current_user` is what the `user_loader` returns and Django's
  `request.user` the project's user model.

Anything else is unknown, and an unknown receiver is no edge: a method is never guessed by its
name alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from scalelint.facts import FunctionFacts, SAttr, SCall, SConst, SEach, SelfAttr, SIndex, SName, SOneOf, SOp, SParam, SSeq, SSlice, Sym
from scalelint.frameworks import django as dj
from scalelint.frameworks import fastapi, flask_login
from scalelint.frameworks import sqlalchemy as sa
from scalelint.project.bindings import Bindings, dotted
from scalelint.project.names import follow

if TYPE_CHECKING:
    from scalelint.project.callgraph import CallGraph

__all__ = ["Value", "Types", "INSTANCE", "CLASS", "FUNCTION", "ROWS", "RESULT", "binds_self", "dotted"]

INSTANCE, CLASS, FUNCTION, ROWS, RESULT = "instance", "class", "function", "rows", "result"
_MAX_DEPTH = 24  # nested inferences (calls into functions, attributes of attributes)
_MAX_VALUES = 8  # a union wider than this says nothing
_EMPTY: frozenset = frozenset()
_PROPERTY_DECORATORS = ("property", "cached_property")
_MANY = frozenset({"list", "List", "Sequence", "Iterable", "Iterator", "Collection", "set", "Set", "frozenset", "FrozenSet", "QuerySet", "Query", "tuple", "Tuple"})
_UNWRAP = frozenset({"Optional", "Annotated", "Mapped", "Final", "ClassVar", "Required", "NotRequired", "ReadOnly"})
_TYPE_OF = frozenset({"type", "Type"})


class Value(NamedTuple):
    kind: str  # instance | class | function | rows | result
    name: str  # the class (or model) qualname; the function's qualname


def binds_self(fn: FunctionFacts) -> bool:
    """A method whose first parameter is the instance (or the class): not a staticmethod."""
    return bool(fn.class_name and fn.params) and not any(d.rsplit(".", 1)[-1] == "staticmethod" for d in fn.decorators)


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


class Types:
    """Values of the symbols of project functions (see the module doc), memoised per project."""

    def __init__(self, graph: "CallGraph"):
        self.g = graph
        self.project = graph.project
        self._memo: dict[tuple[str, int, str | None], frozenset[Value]] = {}
        self._returns: dict[tuple[str, str | None], frozenset[Value]] = {}
        self._active: set[tuple] = set()
        self._depth = 0
        self.bindings = Bindings(graph)
        self._loaders: frozenset[Value] | None = None
        self._user: str | None | bool = False

    # --- entry points ---------------------------------------------------------------------

    def of(self, fn: FunctionFacts, sym: Sym, ctx: str | None = None) -> frozenset[Value]:
        """What `sym`, evaluated in `fn` with `self` an instance of `ctx` (default: the class
        that defines `fn`), may be."""
        ctx = ctx or fn.class_name

        def compute() -> frozenset[Value]:
            found = self._of(fn, sym, ctx)
            if not found and fn.local_types:  # `topic: Topic = load(...)`: the annotation says
                found = frozenset(v for value, ann in fn.local_types if value is sym for v in self.annotation(ann))
            return found

        return self._memoised(self._memo, (fn.qualname, id(sym), ctx), compute)

    def returns(self, qualname: str, ctx: str | None = None) -> frozenset[Value]:
        """What calling the project function `qualname` gives (`self` an instance of `ctx`)."""
        found = self.g.functions.get(qualname)
        if found is None:
            return _EMPTY
        fn = found[1]
        ctx = ctx or fn.class_name

        def compute() -> frozenset[Value]:
            out = self.annotation(fn.return_annotation) if fn.return_annotation is not None else _EMPTY
            return out or frozenset(v for r in fn.returns for v in self.of(fn, r, ctx))

        return self._memoised(self._returns, (qualname, ctx), compute)

    def _memoised(self, memo: dict, key: tuple, compute) -> frozenset[Value]:
        """`compute()` once per key; a key met again while it is computed (recursion), or past
        the depth bound, is unknown."""
        hit = memo.get(key)
        if hit is not None:
            return hit
        if key in self._active or self._depth >= _MAX_DEPTH:
            return _EMPTY
        self._active.add(key)
        self._depth += 1
        try:
            found = compute()
        finally:
            self._depth -= 1
            self._active.discard(key)
        if len(found) > _MAX_VALUES:
            found = _EMPTY
        memo[key] = found
        return found

    def attribute(self, value: Value, name: str) -> frozenset[Value]:
        """What `obj.name` is for an object `value`."""
        kind, cls = value
        out: set[Value] = set()
        if kind == INSTANCE:
            method = self.g.lookup(cls, name)
            if method is not None:
                decorators = self.g.functions[method][1].decorators
                if any(_last(d) in _PROPERTY_DECORATORS for d in decorators):
                    return self.returns(method, cls)
                return _EMPTY  # a bound method: calls of it are resolved as method calls
            for owner, attr in self.bindings.assignments(cls, name):
                out |= self._assigned(owner, attr, cls)
            out |= self._member(cls, name)
            for caller, call, _ in self.bindings.constructions(cls):
                out |= self._keyword(caller, call, name)
            rel = self.project.orm.relation(cls, name)
            if rel is not None and rel.target:
                out.add(Value(ROWS if rel.many else INSTANCE, rel.target))
        elif kind == CLASS:
            out |= self._member(cls, name)
            model = self.project.orm.model(cls)
            if model is not None and name in (*model.managers, dj.DEFAULT_MANAGER if model.framework == "django" else "query"):
                out.add(Value(ROWS, model.qualname))  # a project manager class's own methods resolve too
        elif kind == ROWS and name in sa.PAGE_ROWS_ATTRIBUTES:
            out.add(value)
        return frozenset(out)

    def annotation(self, sym: Sym | None, depth: int = 0) -> frozenset[Value]:
        """The values an annotation says a name holds (project classes only)."""
        if sym is None or depth > 6:
            return _EMPTY
        t = type(sym)
        if t is SName or t is SAttr:
            q = dotted(sym)
            if q is None:
                return _EMPTY
            cls = self.g.project_class(q)
            if cls is not None:
                return frozenset({Value(INSTANCE, cls)})
            return self.annotation(self.bindings.alias(q), depth + 1)
        if t is SOp and sym.op == "BinOp":  # type: ignore[union-attr]
            return frozenset(v for o in sym.operands for v in self.annotation(o, depth + 1))  # type: ignore[union-attr]
        if t is SIndex:
            head = dotted(sym.obj)  # type: ignore[union-attr]
            key = sym.key  # type: ignore[union-attr]
            items = key.elts if type(key) is SSeq else (key,)  # type: ignore[union-attr]
            if head is None or not items:
                return _EMPTY
            last = _last(head)
            if last in _UNWRAP:
                found = self.annotation(items[0], depth + 1)
                if not found and last == "Annotated":
                    for extra in items[1:]:
                        found |= self._depends(extra)
                return found
            if last == "Union":
                return frozenset(v for i in items for v in self.annotation(i, depth + 1))
            if last in _TYPE_OF:
                return frozenset(Value(CLASS, v.name) for v in self.annotation(items[0], depth + 1) if v.kind == INSTANCE)
            if last in _MANY:
                return frozenset(Value(ROWS, v.name) for v in self.annotation(items[0], depth + 1) if v.kind == INSTANCE)
        return _EMPTY

    # --- symbols --------------------------------------------------------------------------

    def _of(self, fn: FunctionFacts, sym: Sym, ctx: str | None) -> frozenset[Value]:
        t = type(sym)
        if t is SOneOf:
            return frozenset(v for o in sym.options for v in self.of(fn, o, ctx))  # type: ignore[union-attr]
        if t is SParam:
            return self._param(fn, sym.index, ctx)  # type: ignore[union-attr]
        if t is SName:
            return self._name(sym.qual)  # type: ignore[union-attr]
        if t is SAttr:
            q = dotted(sym)
            if q is not None:
                found = self._name(q)
                if found:
                    return found
            if sym.name == "user" and self._is_request(fn, sym.obj):  # type: ignore[union-attr]
                return self._django_user()
            return frozenset(v for obj in self.of(fn, sym.obj, ctx) for v in self.attribute(obj, sym.name))  # type: ignore[union-attr]
        if t is SCall:
            return self._call(fn, sym, ctx)  # type: ignore[arg-type]
        if t is SEach:
            return frozenset(Value(INSTANCE, v.name) for v in self.of(fn, sym.of, ctx) if v.kind == ROWS)  # type: ignore[union-attr]
        if t is SIndex:
            return self._index(fn, sym, ctx)  # type: ignore[arg-type]
        if t is SOp and sym.op == "BoolOp":  # type: ignore[union-attr]
            return frozenset(v for o in sym.operands for v in self.of(fn, o, ctx))  # type: ignore[union-attr]  # `repo or Repo()`
        return _EMPTY

    def _param(self, fn: FunctionFacts, index: int, ctx: str | None) -> frozenset[Value]:
        if index == 0 and binds_self(fn) and ctx is not None:
            if any(_last(d) == "classmethod" for d in fn.decorators):
                return frozenset({Value(CLASS, ctx)})
            return frozenset({Value(INSTANCE, ctx)})
        for i, ann in fn.annotations:
            if i == index:
                found = self.annotation(ann)
                if found:
                    return found
        for i, default in fn.defaults:
            if i == index:
                return self._depends(default)
        return _EMPTY

    def _depends(self, sym: Sym) -> frozenset[Value]:
        """`Depends(provider)`: what the provider gives (a class provider builds an instance)."""
        if type(sym) is not SCall or not sym.args:  # type: ignore[union-attr]
            return _EMPTY
        name = dotted(sym.func)  # type: ignore[union-attr]
        if name is None or follow(self.project, name).qual not in fastapi.DEPENDS:
            return _EMPTY
        provider = sym.args[0]  # type: ignore[union-attr]
        q = dotted(provider)
        if q is not None:
            return self._called(self._name(q))
        factory = dotted(provider.func) if type(provider) is SCall else None  # type: ignore[union-attr]
        # `Depends(get_repository(UserRepository))`: the factory's returned provider, called
        return self._called(self._called(self._name(factory))) if factory is not None else _EMPTY

    def _name(self, q: str) -> frozenset[Value]:
        cls = self.g.project_class(q)
        if cls is not None:
            return frozenset({Value(CLASS, cls)})
        found = self.g.function(q)
        if found is not None:
            return frozenset({Value(FUNCTION, found[1].qualname)})
        if follow(self.project, q).qual in flask_login.CURRENT_USER:
            return self._user_loaders()
        value = self.g.module_value(q)
        if value is not None:
            return self._called(self._name(value.callee)) if value.callee != q else _EMPTY
        return _EMPTY

    def _called(self, callees: frozenset[Value]) -> frozenset[Value]:
        """What calling each of `callees` gives: a class an instance, a function its returns."""
        out: set[Value] = set()
        for kind, name in callees:
            if kind == CLASS:
                out.add(Value(INSTANCE, name))
            elif kind == FUNCTION:
                out |= self.returns(name)
        return frozenset(out)

    def _call(self, fn: FunctionFacts, call: SCall, ctx: str | None) -> frozenset[Value]:
        func = call.func
        name = dotted(func)
        if name is not None:
            found = self._query_function(fn, call, follow(self.project, name).qual, ctx)
            if found is not None:
                return found
        out: set[Value] = set()
        if type(func) is SAttr:
            method = func.name  # type: ignore[union-attr]
            for value in self.of(fn, func.obj, ctx):  # type: ignore[union-attr]
                out |= self._method_result(value, method)
            if not out and call.args and method in (sa.SESSION_ROW_METHODS | sa.SESSION_ROWS_METHODS | sa.SESSION_RESULT_METHODS):
                out |= self._session_call(fn, call, method, ctx)
        if not out:
            out |= self._called(self.of(fn, func, ctx))
        return frozenset(out)

    def _method_result(self, value: Value, method: str) -> frozenset[Value]:
        kind, cls = value
        if kind in (INSTANCE, CLASS):
            target = self.g.lookup(cls, method)
            return self.returns(target, cls) if target is not None else _EMPTY
        if kind == ROWS:
            if method in dj.QUERYSET_CHAIN_METHODS or method in sa.QUERY_CHAIN_METHODS or method in sa.ROWS_METHODS:
                return frozenset({value})
            if method in sa.ROW_METHODS or (method in dj.SINGLE_OBJECT_METHODS and method not in dj.PAIR_METHODS):
                return frozenset({Value(INSTANCE, cls)})
        if kind == RESULT:
            if method in sa.RESULT_ROWS_METHODS:
                return frozenset({Value(ROWS, cls)})
            if method in sa.RESULT_ROW_METHODS:
                return frozenset({Value(INSTANCE, cls)})
        return _EMPTY

    def _session_call(self, fn: FunctionFacts, call: SCall, method: str, ctx: str | None) -> frozenset[Value]:
        """`session.get(User, id)`, `session.query(User)`, `session.scalars(select(User))`,
        `db.get_or_404(User, id)`: the first argument is a model class or a select of one."""
        models = {v.name for v in self.of(fn, call.args[0], ctx) if v.kind in (CLASS, ROWS) and self.project.orm.model(v.name) is not None}
        if not models:
            return _EMPTY
        kind = INSTANCE if method in sa.SESSION_ROW_METHODS else ROWS if method in sa.SESSION_ROWS_METHODS else RESULT
        return frozenset(Value(kind, m) for m in models)

    def _query_function(self, fn: FunctionFacts, call: SCall, name: str, ctx: str | None) -> frozenset[Value] | None:
        """`select(User)`, `get_object_or_404(User, ...)`: None when `name` is neither."""
        if name in sa.SELECT_FUNCTIONS or (_last(name) == "select" and self._is_flask_sqlalchemy(name.rpartition(".")[0])):
            kind = ROWS
        elif name in dj.OBJECT_SHORTCUTS:
            kind = INSTANCE
        elif name in dj.LIST_SHORTCUTS:
            kind = ROWS
        else:
            return None
        if not call.args:
            return _EMPTY
        return frozenset(Value(kind, v.name) for v in self.of(fn, call.args[0], ctx) if v.kind in (CLASS, ROWS) and self.project.orm.model(v.name) is not None)

    def _is_flask_sqlalchemy(self, q: str) -> bool:
        value = self.g.module_value(q) if q else None
        return value is not None and value.callee in ("flask_sqlalchemy.SQLAlchemy", "flask_sqlalchemy.extension.SQLAlchemy")

    def _index(self, fn: FunctionFacts, sym: SIndex, ctx: str | None) -> frozenset[Value]:
        key = sym.key
        obj = sym.obj
        if type(key) is SConst and key.value == 0 and type(obj) is SCall and type(obj.func) is SAttr and obj.func.name in dj.PAIR_METHODS:  # type: ignore[union-attr]
            return frozenset(Value(INSTANCE, v.name) for v in self.of(fn, obj.func.obj, ctx) if v.kind == ROWS)  # type: ignore[union-attr]
        values = self.of(fn, obj, ctx)
        if type(key) is SSlice:
            return frozenset(v for v in values if v.kind == ROWS)
        if type(key) is SConst and type(key.value) is int:  # type: ignore[union-attr]
            return frozenset(Value(INSTANCE, v.name) for v in values if v.kind == ROWS)
        return _EMPTY

    # --- attributes -----------------------------------------------------------------------

    def _assigned(self, owner: str, attr: SelfAttr, ctx: str) -> frozenset[Value]:
        """What `self.x = value` in the method `owner` puts there; a constructor argument
        with nothing to say about it: what the code that builds the object passes."""
        found = self.annotation(attr.annotation) if attr.annotation is not None else _EMPTY
        if found:
            return found
        fn = self.g.functions[owner][1]
        found = self.of(fn, attr.value, ctx)
        value = attr.value
        if found or type(value) is not SParam or fn.name != "__init__":
            return found
        out: set[Value] = set()
        for caller, call, as_view in self.bindings.constructions(ctx):
            if self.g.lookup(ctx, "__init__") != owner:
                continue
            arg = self._keyword(caller, call, value.name)  # type: ignore[union-attr]
            position = value.index - (0 if as_view else 1)  # type: ignore[union-attr]
            caller_fn = self.g.functions[caller][1]
            if not arg and 0 <= position < len(call.args) and not any(type(a) is SOp for a in call.args[: position + 1]):
                arg = self.of(caller_fn, call.args[position])
            out |= arg
        return frozenset(out)

    def _keyword(self, caller: str, call: SCall, name: str) -> frozenset[Value]:
        for k, v in call.kwargs:
            if k == name:
                return self.of(self.g.functions[caller][1], v)
        return _EMPTY

    def _member(self, cls: str, name: str) -> frozenset[Value]:
        m = self.bindings.member(cls, name)
        if m is None:
            return _EMPTY
        if m.kind == "annotation":
            return self.annotation(m.sym)
        q = dotted(m.sym)
        values = self._name(q) if q is not None else _EMPTY
        return self._called(values) if m.kind == "call" else values

    def form_class(self, cls: str) -> str | None:
        """The project form class a Django class-based view names in `form_class = ...`."""
        found = [v.name for v in self._member(cls, dj.FORM_CLASS_ATTRIBUTE) if v.kind == CLASS]
        return found[0] if len(found) == 1 else None

    # --- names the frameworks give --------------------------------------------------------

    def _user_loaders(self) -> frozenset[Value]:
        """flask-login's `current_user`: what the project's `@login_manager.user_loader` returns."""
        if self._loaders is None:
            self._loaders = _EMPTY
            loaders = [q for q, (_, fn) in self.g.functions.items() if any(_last(d) in flask_login.LOADER_DECORATORS for d in fn.decorators)]
            self._loaders = frozenset(v for q in loaders for v in self.returns(q) if v.kind == INSTANCE)
        return self._loaders

    def _is_request(self, fn: FunctionFacts, sym: Sym) -> bool:
        """Django's request object: a view's `request` parameter or `self.request`."""
        if type(sym) is SParam:
            return sym.name == "request"  # type: ignore[union-attr]
        return type(sym) is SAttr and sym.name == "request" and type(sym.obj) is SParam and sym.obj.index == 0 and binds_self(fn)  # type: ignore[union-attr]

    def _django_user(self) -> frozenset[Value]:
        if self._user is False:
            self._user = None
            from scalelint.project.orm import _auth_user_model

            label, _, name = _auth_user_model(self.project).partition(".")
            found = [m.qualname for m in self.project.orm.models.values() if m.app_label == label and m.name == name and m.framework == "django"]
            self._user = found[0] if len(found) == 1 else None
        return frozenset({Value(INSTANCE, self._user)}) if self._user else _EMPTY
