"""The project's ORM models, resolved: which classes are models, what they inherit, and every
relation accessor with the model at its other end and how it loads.

Per-file facts (ModelDef / FieldDef) are as written: `ForeignKey("shop.Tag")`, a base class
`BaseModel` imported from elsewhere, `relationship("Tag", backref="posts")`. Here, with every
file in hand, they become what Django and SQLAlchemy make of them at run time:
- inheritance: fields, relations, methods and managers of abstract bases, mixins and concrete
  parents (Django multi-table inheritance adds the parent link and the parent's reverse o2o);
- targets: `"self"`, `"Tag"`, `"app_label.Model"`, `settings.AUTH_USER_MODEL`, qualified names
  through re-exports (Django); class names among the SQLAlchemy models (SQLAlchemy);
- the accessors the other side gets: Django reverse accessors (`event_set`, related_name,
  `%(class)s`), SQLAlchemy backrefs;
- whether an accessor yields many rows and, for SQLAlchemy, the loader strategy.

A target outside the repository (or one we cannot pin down) is None: rules stay silent on it.
A model with a base we cannot see (a third-party abstract model) is `partial`: it may have
attributes we do not know of, and rules treat unknown attributes on it as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable

from scalelint.facts import FieldClass, FieldDef, ModelDef, PythonFacts, Span
from scalelint.frameworks import django as dj
from scalelint.frameworks import peewee as pw
from scalelint.frameworks import sqlalchemy as sa
from scalelint.project import is_non_production_path
from scalelint.project.names import follow

from scalelint.python.orm import METHOD_KINDS

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["Relation", "OrmModel", "Orm", "build_orm", "DJANGO_ROOT_FIELDS"]


@dataclass
class Relation:
    owner: str  # qualname of the model the accessor is on
    name: str  # the accessor ("organizer", "tags", "event_set", "comments")
    target: str | None  # the model at the other end; None: outside the repository / unresolved
    kind: str  # fk | o2o | m2m | reverse_fk | reverse_o2o | reverse_m2m | generic_fk | generic_relation | relationship
    many: bool  # reading it yields many rows
    lazy: str  # Django "select"; SQLAlchemy strategy (select|joined|selectin|...), "unknown" when unreadable
    attname: str | None  # local column holding the key, readable without a query ("organizer_id")
    opposite: str | None  # the accessor on the target that leads back; None when unknown / hidden
    path: str  # the file declaring the (forward) field
    span: Span  # the field's name there
    certain: bool = True  # False: `many` is a guess (SQLAlchemy relationship with no evidence either way)


@dataclass
class OrmModel:
    qualname: str
    name: str
    framework: str  # django | sqlalchemy | sqlmodel
    path: str
    span: Span
    abstract: bool
    proxy: bool
    table: str | None  # effective table name
    app_label: str | None  # Django only
    bases: tuple[str, ...]  # resolved model bases (qualnames)
    fields: dict[str, FieldDef]  # own + inherited, by attribute name
    columns: frozenset[str]  # attributes readable without a query
    relations: dict[str, Relation]  # forward and reverse, own + inherited
    methods: dict[str, tuple[str, str]]  # name -> (function qualname, MethodDef kind), own + inherited
    managers: tuple[str, ...]  # Django managers; ("query",) for Flask-SQLAlchemy models
    partial: bool = False  # some base lies outside the repository and is not a framework root we know


@dataclass
class Orm:
    models: dict[str, OrmModel] = field(default_factory=dict)  # concrete + abstract, by canonical qualname
    tables: dict[str, str] = field(default_factory=dict)  # effective table name -> the model that maps it
    _project: "Project | None" = field(default=None, repr=False, compare=False)

    def model(self, qual: str) -> OrmModel | None:
        found = self.models.get(qual)
        if found is None and self._project is not None and qual:
            resolved = self._project.resolve(qual)
            if resolved is not None:
                found = self.models.get(resolved)
        return found

    def user_model(self) -> OrmModel | None:
        """The project's model `get_user_model()` returns (settings.AUTH_USER_MODEL), if it is one."""
        if self._project is None:
            return None
        ref = _auth_user_model(self._project)
        if ref.count(".") != 1:
            return None
        label, name = ref.split(".")
        named = [m for m in self.models.values() if m.name.lower() == name.lower() and not m.abstract and m.framework == "django"]
        found = [m for m in named if m.app_label == label] or named  # an AppConfig may relabel the app
        return found[0] if len(found) == 1 else None

    def relation(self, model_qual: str, name: str) -> Relation | None:
        m = self.model(model_qual)
        return m.relations.get(name) if m is not None else None

    def is_key(self, model_qual: str, name: str) -> bool:
        """`name` is a primary key or unique column of the model (`pk`; Django's implicit `id`):
        a condition on it selects a known few rows."""
        model = self.models.get(model_qual)
        if model is None:
            return False
        f = model.fields.get(name)
        if f is not None:
            return bool(f.primary_key or f.unique)
        return name == "pk" or (name == "id" and model.framework in ("django", "peewee"))


def build_orm(project: "Project") -> Orm:
    return _Builder(project).build()


# --- framework roots -----------------------------------------------------------------------
# Bases outside the repository that a model may have. Their fields are known (the tables
# below) or they have none worth knowing (models.Model, declarative bases): not partial.

_F = tuple[str, str, str | None]  # (attribute, kind, Django target)
_BASE_USER: tuple[_F, ...] = (("password", "column", None), ("last_login", "column", None))
_PERMISSIONS: tuple[_F, ...] = (
    ("is_superuser", "column", None),
    ("groups", "m2m", "auth.Group"),
    ("user_permissions", "m2m", "auth.Permission"),
)
_ABSTRACT_USER: tuple[_F, ...] = (
    *_BASE_USER,
    *_PERMISSIONS,
    *((n, "column", None) for n in ("username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined")),
)
# django.contrib.auth: the fields a custom user model inherits (Django 5.x). PermissionsMixin's
# M2Ms hide nothing: their reverse accessors live on auth.Group / auth.Permission (not ours).
DJANGO_ROOT_FIELDS: dict[str, tuple[_F, ...]] = {
    "django.contrib.auth.models.AbstractBaseUser": _BASE_USER,
    "django.contrib.auth.base_user.AbstractBaseUser": _BASE_USER,
    "django.contrib.auth.models.PermissionsMixin": _PERMISSIONS,
    "django.contrib.auth.models.AbstractUser": _ABSTRACT_USER,
    "django.contrib.auth.models.User": (("id", "column", None), *_ABSTRACT_USER),
}
_DJANGO_EMPTY_ROOTS = frozenset({"django.db.models.Model", "django.db.models.base.Model", "django.contrib.gis.db.models.Model"})
# other contrib models (Site, Session, FlatPage...) are roots whose fields we do not list: partial
_SA_ROOTS = (
    sa.DECLARATIVE_BASE_CLASSES
    | sa.DECLARATIVE_MIXINS
    | sa.SQLMODEL_BASES
    | frozenset(f"{m}.{f}" for m in ("sqlalchemy.orm", "sqlalchemy.ext.declarative", "sqlalchemy.orm.decl_api") for f in sa.DECLARATIVE_BASE_FACTORIES)
)
# bases that add nothing an ORM rule cares about
_NEUTRAL_PREFIXES = ("typing.", "typing_extensions.", "abc.", "collections.abc.")
_NEUTRAL = frozenset({"object", "builtins.object", "Generic", "ABC"})

_DJANGO_KINDS = {"fk": "fk", "o2o": "o2o", "m2m": "m2m"}
_REVERSE_KINDS = {"fk": "reverse_fk", "o2o": "reverse_o2o", "m2m": "reverse_m2m"}


def _root_framework(name: str) -> str | None:
    """The ORM a base outside the repository roots, or None when it is no root we know."""
    if name in dj.MODEL_BASES:
        return "django"
    if name in pw.MODEL_BASES:
        return "peewee"
    if name in sa.SQLMODEL_BASES:
        return "sqlmodel"
    if name in _SA_ROOTS:
        return "sqlalchemy"
    if name.rsplit(".", 1)[-1] in sa.DECLARATIVE_BASE_FACTORIES:
        return "sqlalchemy"  # the base a `Base = declarative_base()` model def records
    if name == "models.Model" or name.endswith(".models.Model"):
        return "django"  # `models.Model` through a star import
    if name.endswith(".Model") or name == "Model":
        return "flask"  # Flask-SQLAlchemy `db.Model` (any SQLAlchemy() object's Model)
    return None


def _root_partial(name: str) -> bool:
    return name in dj.MODEL_BASES and name not in _DJANGO_EMPTY_ROOTS and name not in DJANGO_ROOT_FIELDS


# --- the builder -------------------------------------------------------------------------


@dataclass
class _Def:
    path: str
    d: ModelDef
    facts: PythonFacts


@dataclass
class _Base:
    kind: str  # model | root | plain | neutral | unknown
    name: str  # the model qualname / canonical name
    # roots: django | sqlalchemy | sqlmodel | flask (`db.Model`, db = SQLAlchemy(...) seen) |
    # flask? (`<something>.Model` we cannot check: trusted only for a class the file calls SQLAlchemy's)
    framework: str | None = None


class _Builder:
    def __init__(self, project: "Project"):
        self.project = project
        self.defs: dict[str, _Def] = {}
        self.framework: dict[str, str] = {}
        self.bases: dict[str, list[_Base]] = {}
        self.models: dict[str, OrmModel] = {}
        self._mro: dict[str, list[str]] = {}
        self._local: dict[str, list[str]] = {}
        self._auth_user: str | None = None
        self.by_label: dict[tuple[str, str], list[str]] = {}
        self.sa_by_name: dict[str, list[str]] = {}
        self.tables: dict[str, str] = {}
        self._own: dict[str, dict[str, FieldDef]] = {}
        self._field_classes: dict[str, FieldClass] | None = None

    # --- which classes are models ---------------------------------------------------------

    def build(self) -> Orm:
        self._collect()
        self._classify()
        for q in self.framework:
            self._shell(q)
        self._index()
        forward = {q: self._forward(q) for q in self.models}
        reverse = self._reverse(forward)
        for q, m in self.models.items():
            self._assemble(m, forward, reverse)
        return Orm(self.models, self.tables, self.project)

    def _collect(self) -> None:
        # one file per module name, the one `project.modules` (and so name resolution) uses
        chosen = {path for path, _ in self.project.modules.values()}
        for path in sorted(self.project.files):
            facts = self.project.files[path].python
            if facts is None or (facts.module and path not in chosen):
                continue
            for d in facts.models:
                if d.kind in ("class", "base") and d.qualname not in self.defs:
                    self.defs[d.qualname] = _Def(path, d, facts)

    def _classify_base(self, text: str) -> _Base:
        if text in self.defs:
            return _Base("model", text)
        target = follow(self.project, text)
        if target.qual in self.defs:
            return _Base("model", target.qual)
        for name in (target.qual, text):
            fw = self._root(name)
            if fw is not None:
                return _Base("root", name, fw)
        if target.qual in _NEUTRAL or target.qual.startswith(_NEUTRAL_PREFIXES):
            return _Base("neutral", target.qual)
        if target.status in ("defined", "module", "missing"):
            return _Base("plain", target.qual)  # a project class that maps nothing (a plain mixin)
        return _Base("unknown", text)

    def _root(self, name: str) -> str | None:
        fw = _root_framework(name)
        if fw != "flask" or name.startswith("flask_sqlalchemy."):
            return fw
        holder = name[: -len(".Model")]
        if not holder:
            return "flask?"
        target = follow(self.project, holder)
        if target.status == "module" or target.qual in self.defs:
            return None  # `pkg.base.Model`: a class of a module, not an SQLAlchemy() object's
        if target.status == "defined":
            module, _, var = target.qual.rpartition(".")
            found = self.project.find_module(module)
            value = next((a.value for a in found[1].assignments if a.name == var), None) if found else None
            if value is not None and "SQLAlchemy(" in getattr(value, "text", ""):
                return "flask"
        return "flask?"

    def _classify(self) -> None:
        for q, df in self.defs.items():
            self.bases[q] = [self._classify_base(_qualify_local(b, df.facts)) for b in df.d.bases]
            if df.d.framework != "unknown":
                self.framework[q] = df.d.framework
        # candidates are models when a base leads to a model; chains of candidates settle in a
        # few rounds (bounded: cycles of candidates never become models)
        pending = [q for q, df in self.defs.items() if df.d.framework == "unknown"]
        for _ in range(len(pending) + 1):
            changed = False
            for q in pending:
                if q in self.framework:
                    continue
                fw = None
                for b in self.bases[q]:
                    if b.kind == "model" and b.name in self.framework:
                        fw = self.framework[b.name]
                    elif b.kind == "root" and b.framework != "flask?":
                        fw = "sqlalchemy" if b.framework == "flask" else b.framework
                    if fw:
                        break
                if fw:
                    self.framework[q] = fw
                    changed = True
            if not changed:
                break

    def _model_bases(self, q: str) -> list[str]:
        return [b.name for b in self.bases.get(q, ()) if b.kind == "model" and b.name in self.framework and b.name != q]

    def mro(self, q: str) -> list[str]:
        """`q` and its model ancestors, nearest first (depth-first, a shared base after all its
        subclasses, as C3 orders the usual diamonds); cycles are cut."""
        hit = self._mro.get(q)
        if hit is not None:
            return hit
        order: list[str] = []
        stack: list[str] = []

        def visit(x: str) -> None:
            if x in stack or len(order) > 500:
                return
            stack.append(x)
            order.append(x)
            for b in self._model_bases(x):
                visit(b)
            stack.pop()

        visit(q)
        seen: set[str] = set()
        out = [x for x in reversed(order) if not (x in seen or seen.add(x))]  # keep last occurrences
        out.reverse()
        self._mro[q] = out
        return out

    def local_origins(self, q: str) -> list[str]:
        """Models whose declared fields Django copies into `q`: `q` and its abstract ancestors
        reached through abstract models only (a concrete parent's fields stay the parent's)."""
        hit = self._local.get(q)
        if hit is not None:
            return hit
        out = [q]
        stack = [b for b in self._model_bases(q)]
        while stack and len(out) < 200:
            b = stack.pop(0)
            if b in out or not self.defs[b].d.abstract:
                continue
            out.append(b)
            stack.extend(self._model_bases(b))
        self._local[q] = out
        return out

    # --- the model without its relations ------------------------------------------------------

    def _shell(self, q: str) -> None:
        df = self.defs[q]
        d = df.d
        fw = self.framework[q]
        mro = self.mro(q)
        roots = [b for x in mro for b in self.bases[x] if b.kind == "root"]
        partial = any(b.kind == "unknown" for x in mro for b in self.bases[x]) or any(_root_partial(r.name) for r in roots)
        app_label = self._app_label(q) if fw == "django" else None
        fields = self._fields(q)
        m = OrmModel(
            qualname=q,
            name=d.name,
            framework=fw,
            path=df.path,
            span=d.span,
            abstract=d.abstract,
            proxy=d.proxy,
            table=None,
            app_label=app_label,
            bases=tuple(self._model_bases(q)),
            fields=fields,
            columns=frozenset(),
            relations={},
            methods=self._methods(mro),
            managers=(),
            partial=partial,
        )
        if fw == "django":
            m.managers = self._django_managers(mro)
        elif fw == "sqlalchemy" and any(r.framework in ("flask", "flask?") for r in roots):
            m.managers = ("query",)
        self.models[q] = m

    def _app_label(self, q: str) -> str | None:
        """Meta.app_label, else the app package: `shop/models.py`, `shop/models/event.py` -> "shop"."""
        d = self.defs[q].d
        if d.app_label:
            return d.app_label
        parts = self.defs[q].facts.module.split(".") if self.defs[q].facts.module else []
        if "models" in parts:
            app = parts[: len(parts) - 1 - parts[::-1].index("models")]
        else:
            app = parts[:-1]
        return app[-1] if app else None

    def _fields(self, q: str) -> dict[str, FieldDef]:
        out: dict[str, FieldDef] = {}
        for x in reversed(self.mro(q)):  # farthest ancestor first: nearer definitions override
            out.update(self._own_fields(x))
        return out

    def _own_fields(self, x: str) -> dict[str, FieldDef]:
        """Declared fields of `x`, after those its framework roots give it (the auth user's)."""
        hit = self._own.get(x)
        if hit is not None:
            return hit
        out: dict[str, FieldDef] = self._own.setdefault(x, {})
        d = self.defs[x].d
        for b in self.bases[x]:
            for name, kind, target in DJANGO_ROOT_FIELDS.get(b.name, ()):
                out[name] = FieldDef(
                    name=name,
                    kind=kind,
                    field_class="ManyToManyField" if kind == "m2m" else "Field",
                    span=d.span,
                    target=target,
                    related_name="user_set" if kind == "m2m" else None,
                    collection=True if kind == "m2m" else None,
                )
        for f in d.fields:
            out[f.name] = self._as_its_class_makes_it(f)
        return out

    def _as_its_class_makes_it(self, f: FieldDef) -> FieldDef:
        """A field of a project field class whose constructor forces `unique=True` (or
        `db_index`, `primary_key`) is unique (indexed, a key) whatever the call says."""
        if self._field_classes is None:
            found: dict[str, list[FieldClass]] = {}
            for facts in self.project.files.values():
                for fc in facts.python.field_classes if facts.python is not None else ():
                    found.setdefault(fc.qualname.rsplit(".", 1)[-1], []).append(fc)
            # by class name, as the field records it: a name two classes share is not judged
            self._field_classes = {name: fcs[0] for name, fcs in found.items() if len(fcs) == 1}
        fc = self._field_classes.get(f.field_class) if f.kind == "column" else None
        if fc is None:
            return f
        options = {**{k: v for k, v in fc.defaults if getattr(f, k) is False}, **dict(fc.forced)}
        return replace(f, **options) if options else f

    def _origin(self, q: str, name: str) -> str:
        """The model in `q`'s ancestry whose own fields give `q` its field `name`."""
        for x in self.mro(q):
            if name in self._own_fields(x):
                return x
        return q

    def _methods(self, mro: list[str]) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        for x in reversed(mro):
            for b in reversed(self.bases[x]):
                if b.kind == "plain" or (b.kind == "model" and b.name not in self.framework):
                    out.update(self._plain_methods(b.name))
            for md in self.defs[x].d.properties:
                out[md.name] = (f"{x}.{md.name}", md.kind)
        return out

    def _plain_methods(self, cls: str) -> dict[str, tuple[str, str]]:
        """Methods of a project class that is no model (a mixin), from its FunctionFacts."""
        module, _, _ = cls.rpartition(".")
        found = self.project.find_module(module) if module else None
        out: dict[str, tuple[str, str]] = {}
        if found is None:
            return out
        for fn in getattr(found[1], "functions", ()) or ():
            if fn.class_name == cls and fn.qualname == f"{cls}.{fn.name}":
                kind = "method"
                for dec in fn.decorators:
                    k = METHOD_KINDS.get(dec.rsplit(".", 1)[-1])
                    if k is not None:
                        kind = k
                        break
                out[fn.name] = (fn.qualname, kind)
        return out

    def _django_managers(self, mro: list[str]) -> tuple[str, ...]:
        names: list[str] = []
        for x in mro:
            for name, _ in self.defs[x].d.managers:
                if name not in names:
                    names.append(name)
        return tuple(names) if names else (dj.DEFAULT_MANAGER,)

    # --- indexes for target lookups -------------------------------------------------------------

    def _index(self) -> None:
        for q, m in self.models.items():
            if m.framework == "django":
                if m.app_label:
                    self.by_label.setdefault((m.app_label, m.name.lower()), []).append(q)
            else:
                self.sa_by_name.setdefault(m.name, []).append(q)
        # tables need the parents' first (single-table inheritance shares the parent's table)
        for q in self.models:
            self._table(q, set())
        for q, m in self.models.items():
            if m.table and not m.abstract:
                owner = self.tables.get(m.table)
                if owner is None or q in self.mro(owner):  # the parent that maps it, not the subclass sharing it
                    self.tables[m.table] = q

    def _table(self, q: str, seen: set[str]) -> str | None:
        m = self.models[q]
        if m.table is not None or q in seen:
            return m.table
        seen.add(q)
        d = self.defs[q].d
        parents = [b for b in m.bases if not self.models[b].abstract]
        if m.framework == "django":
            if d.table:
                m.table = d.table
            elif m.abstract:
                m.table = None
            elif m.proxy:
                m.table = next((t for t in (self._table(p, seen) for p in parents) if t), None)
            elif m.app_label:
                m.table = dj.default_table(m.app_label, m.name)
            return m.table
        if d.table:
            m.table = d.table
        elif m.abstract:
            m.table = None
        elif m.framework == "peewee":
            # a base that only carries `Meta.database` maps no table anyone creates
            m.table = pw.default_table(m.name) if d.fields or parents else None
        elif m.framework == "sqlmodel":
            m.table = sa.sqlmodel_default_tablename(m.name)
        else:
            inherited = next((t for t in (self._table(p, seen) for p in parents) if t), None)
            own_pk = any(f.primary_key for f in d.fields)
            if m.managers == ("query",) and (own_pk or inherited is None):
                m.table = sa.flask_default_tablename(m.name)  # Flask-SQLAlchemy names it
            else:
                m.table = inherited  # single-table inheritance (or no table we can name)
        return m.table

    # --- targets --------------------------------------------------------------------------------

    def _model_named(self, ref: str) -> str | None:
        """A qualified reference (written in code, or through the imports) to a model."""
        if ref in self.models:
            return ref
        target = follow(self.project, ref)
        return target.qual if target.qual in self.models else None

    def _django_target(self, ref: str | None, ctx: str, origin: str) -> str | None:
        """Django's lazy reference `ref` on a field contributed to model `ctx` (declared in `origin`)."""
        if not ref:
            return None
        if ref == "self":
            return ctx
        if ref == "settings.AUTH_USER_MODEL":
            ref = self._auth_user_model()
        if "." not in ref:
            label = self.models[ctx].app_label
            hit = self._by_label(label, ref) if label else None
            if hit is None:
                hit = self._model_named(f"{self.defs[origin].facts.module}.{ref}")
            return hit
        if ref.count(".") == 1:
            label, name = ref.split(".")
            hit = self._by_label(label, name)
            if hit is not None:
                return hit
        return self._model_named(ref)

    def _by_label(self, label: str, name: str) -> str | None:
        found = self.by_label.get((label, name.lower()), [])
        if not found:
            # an AppConfig's `label = "misago_users"` for the app whose models say `users`
            found = [q for (l, n), qs in self.by_label.items() if n == name.lower() and l and label.endswith("_" + l) for q in qs]
        concrete = [q for q in found if not self.models[q].abstract]
        if len(concrete) == 1:
            return concrete[0]
        return found[0] if len(found) == 1 else None

    def _auth_user_model(self) -> str:
        if self._auth_user is None:
            self._auth_user = _auth_user_model(self.project)
        return self._auth_user

    def _sa_target(self, ref: str | None, origin: str) -> str | None:
        if not ref:
            return None
        hit = self._model_named(ref)
        if hit is not None:
            return hit
        if not _is_dotted(ref):
            return None  # an expression: a callable we cannot follow, `"and_(...)"`
        prefix, _, name = ref.rpartition(".")
        if prefix and self.project.find_module(prefix) is None:
            return None  # a module path outside the repository
        return self._unique_sa(name, self.defs[origin].facts.module)

    def _unique_sa(self, name: str, module: str) -> str | None:
        """A class name as SQLAlchemy's registry resolves it: unique among the mapped classes;
        when several modules define it, the one in the same module, then the same package."""
        found = [q for q in self.sa_by_name.get(name, []) if not self.models[q].abstract] or self.sa_by_name.get(name, [])
        if len(found) == 1:
            return found[0]
        same = [q for q in found if self.defs[q].facts.module == module]
        if len(same) == 1:
            return same[0]
        package = module.rpartition(".")[0]
        near = [q for q in found if self.defs[q].facts.module.rpartition(".")[0] == package]
        return near[0] if len(near) == 1 else None

    def _fk_table(self, ref: str | None, module: str) -> str | None:
        """The table an SQLAlchemy ForeignKey points at: "users.id", "public.users.id", `User.id`
        (a class of the project, written in `module`)."""
        if not ref or ref == "?" or "." not in ref:
            return None
        prefix = ref.rsplit(".", 1)[0]
        owner = self._model_named(prefix)
        if owner is None and "." not in prefix and prefix not in self.tables and _is_dotted(prefix):
            owner = self._unique_sa(prefix, module)  # `ForeignKey(User.id)` in the class's own file
        if owner is not None:
            return self.models[owner].table
        return ref.split(".")[-2]

    def _fk_fields(self, m: OrmModel, table: str | None) -> list[FieldDef]:
        """The FK columns of `m` (own and inherited) that point at `table`."""
        if table is None:
            return []
        module = self.defs[m.qualname].facts.module
        return [f for f in m.fields.values() if f.kind == "fk" and self._fk_table(f.target, module) == table]

    # --- forward relations --------------------------------------------------------------------

    def _forward(self, q: str) -> dict[str, Relation]:
        m = self.models[q]
        out: dict[str, Relation] = {}
        for name, f in m.fields.items():
            if f.kind not in ("fk", "o2o", "m2m", "generic", "relationship"):
                continue
            origin = self._origin(q, name)
            # Django resolves a field's references against the model it is contributed to:
            # the nearest model that owns it (a concrete parent's fields stay the parent's)
            ctx = next((x for x in self.mro(q) if origin in self.local_origins(x)), q)
            path = self.defs[origin].path
            if m.framework == "django":
                rel = self._django_forward(q, ctx, origin, f, path)
            elif m.framework == "peewee":
                rel = self._peewee_forward(q, origin, f, path)
            elif f.kind == "relationship":
                rel = self._sa_forward(q, origin, f, path)
            else:
                rel = None  # an SQLAlchemy FK column: a column, not an accessor
            if rel is not None:
                out[name] = rel
        return out

    def _django_forward(self, q: str, ctx: str, origin: str, f: FieldDef, path: str) -> Relation | None:
        if f.kind == "generic":
            if f.collection:  # GenericRelation: a manager over the related model's rows
                target = self._django_target(f.target, ctx, origin)
                return Relation(q, f.name, target, "generic_relation", True, "select", None, None, path, f.span)
            return Relation(q, f.name, None, "generic_fk", False, "select", None, None, path, f.span)
        if f.kind not in _DJANGO_KINDS:
            return None
        target = self._django_target(f.target, ctx, origin)
        # a symmetrical M2M ("self") is its own way back; an abstract model has no reverse accessor
        hidden = (f.kind == "m2m" and f.target == "self") or self.models[ctx].abstract
        opposite = None if hidden else self._accessor(ctx, f)
        attname = f"{f.name}{dj.FK_COLUMN_SUFFIX}" if f.kind in dj.SINGLE_RELATION_KINDS and f.field_class != "ForeignObject" else None
        return Relation(q, f.name, target, f.kind, f.kind == "m2m", "select", attname, opposite, path, f.span)

    def _peewee_forward(self, q: str, origin: str, f: FieldDef, path: str) -> Relation | None:
        """A ForeignKeyField (lazy: a query on first read, unless `lazy_load=False`) or a
        ManyToManyField; the backref it gives the target (`<model>_set` unless named, `+` none)."""
        if f.kind not in ("fk", "m2m"):
            return None
        target = q if f.target == "self" else self._sa_target(f.target, origin)
        backref = f.related_name if f.related_name is not None else f"{self.models[q].name.lower()}{pw.DEFAULT_BACKREF_SUFFIX}"
        opposite = backref if backref.isidentifier() else None
        attname = f"{f.name}{pw.FK_COLUMN_SUFFIX}" if f.kind == "fk" else None
        return Relation(q, f.name, target, f.kind, f.kind == "m2m", f.lazy or "select", attname, opposite, path, f.span)

    def _accessor(self, ctx: str, f: FieldDef) -> str | None:
        """The reverse accessor Django gives the target of `f` contributed to model `ctx`."""
        cm = self.models[ctx]
        drn = next((self.defs[x].d.default_related_name for x in self.local_origins(ctx) if self.defs[x].d.default_related_name), None)
        name = dj.reverse_accessor(cm.name, f.kind, f.related_name, drn, cm.app_label)
        return name if name and name.isidentifier() else None

    def _sa_forward(self, q: str, origin: str, f: FieldDef, path: str) -> Relation:
        m = self.models[q]
        target = self._sa_target(f.target, origin)
        tm = self.models.get(target) if target else None
        many, certain, attname = self._sa_cardinality(m, tm, f)
        lazy = f.lazy if f.lazy is not None else "unknown"
        if lazy == "baked_select":
            lazy = "select"
        backref = f.backref if f.backref and f.backref.isidentifier() else None  # `backref=NAME`: unreadable
        opposite = f.back_populates or backref
        return Relation(q, f.name, target, "relationship", many, lazy, attname, opposite, path, f.span, certain)

    def _sa_cardinality(self, m: OrmModel, tm: OrmModel | None, f: FieldDef) -> tuple[bool, bool, str | None]:
        """(many, certain, attname) of a relationship from `m` to `tm`: uselist / the annotation /
        `secondary` when given, else the side the foreign key lives on."""
        owner_fks = self._fk_fields(m, tm.table) if tm is not None else []
        attname = owner_fks[0].name if len(owner_fks) == 1 else None
        if f.collection is not None:
            return f.collection, True, (attname if not f.collection else None)
        if f.secondary:
            return True, True, None
        if tm is None:
            return False, False, None
        target_fk = bool(self._fk_fields(tm, m.table))
        if owner_fks and not target_fk:
            return False, True, attname  # many-to-one
        if target_fk and not owner_fks:
            return True, True, None  # one-to-many
        if owner_fks and target_fk:
            return True, False, None  # self-referential: one-to-many unless remote_side says otherwise
        return False, False, None

    # --- reverse accessors ----------------------------------------------------------------------

    def _reverse(self, forward: dict[str, dict[str, Relation]]) -> dict[str, list[Relation]]:
        """Accessors each model gets from relations declared elsewhere (and from its MTI children)."""
        out: dict[str, list[Relation]] = {}
        for q, m in self.models.items():
            if m.framework == "django":
                if m.abstract or m.proxy:
                    continue  # abstract: each concrete child contributes; proxy: its parent did
                locals_ = set(self.local_origins(q))
                for name, rel in forward[q].items():
                    if self._origin(q, name) in locals_:
                        self._django_reverse(rel, out)
                self._mti_links(m, out)
            elif m.framework == "peewee":
                for rel in forward[q].values():
                    self._django_reverse(rel, out)  # a backref is a reverse manager, as in Django
            else:
                for name, rel in forward[q].items():
                    f = m.fields[name]
                    if f.backref and f.backref.isidentifier() and rel.target is not None and self._origin(q, name) in self.local_origins(q):
                        out.setdefault(rel.target, []).append(self._backref(m, rel, f))
        return out

    def _django_reverse(self, rel: Relation, out: dict[str, list[Relation]]) -> None:
        kind = _REVERSE_KINDS.get(rel.kind)
        if kind is None or rel.target is None or rel.opposite is None:
            return
        target = self.models[rel.target]
        if target.abstract:
            return
        out.setdefault(rel.target, []).append(
            Relation(rel.target, rel.opposite, rel.owner, kind, kind != "reverse_o2o", "select", None, rel.name, rel.path, rel.span)
        )

    def _mti_links(self, m: OrmModel, out: dict[str, list[Relation]]) -> None:
        """Multi-table inheritance: the parent gets a reverse o2o named after the child."""
        for parent in m.bases:
            p = self.models[parent]
            if p.abstract:
                continue
            for _ in range(20):  # a proxy's table is its concrete parent's (bounded: bases may cycle)
                if not (p.proxy and p.bases):
                    break
                p = self.models[p.bases[0]]
            accessor = m.name.lower()
            link = f"{p.name.lower()}_ptr"
            out.setdefault(p.qualname, []).append(
                Relation(p.qualname, accessor, m.qualname, "reverse_o2o", False, "select", None, link, m.path, m.span)
            )

    def _backref(self, m: OrmModel, rel: Relation, f: FieldDef) -> Relation:
        """The relationship `backref="x"` creates on the target."""
        tm = self.models[rel.target]  # type: ignore[index]
        if f.secondary:
            many, certain = True, True
        elif self._fk_fields(m, tm.table) and not self._fk_fields(tm, m.table):
            many, certain = True, True  # the forward side holds the FK: the backref is one-to-many
        elif self._fk_fields(tm, m.table) and not self._fk_fields(m, tm.table):
            many, certain = False, True
        elif rel.certain:
            many, certain = not rel.many, False
        else:
            many, certain = False, False
        lazy = f.backref_lazy or sa.LAZY_DEFAULT
        attname = None
        if not many:
            fks = self._fk_fields(tm, m.table)
            attname = fks[0].name if len(fks) == 1 else None
        return Relation(tm.qualname, f.backref, m.qualname, "relationship", many, lazy, attname, f.name, rel.path, rel.span, certain)  # type: ignore[arg-type]

    # --- putting it together ------------------------------------------------------------------

    def _assemble(self, m: OrmModel, forward: dict[str, dict[str, Relation]], reverse: dict[str, list[Relation]]) -> None:
        q = m.qualname
        relations: dict[str, Relation] = {}
        for x in reversed(self.mro(q)):  # reverse accessors of the ancestors are inherited too
            for rel in reverse.get(x, ()):
                relations[rel.name] = rel if rel.owner == q else replace(rel, owner=q)
        relations.update(forward[q])  # a declared field wins over an accessor of the same name
        m.relations = relations
        m.columns = frozenset(self._columns(m))

    def _columns(self, m: OrmModel) -> Iterable[str]:
        for f in m.fields.values():
            if f.kind == "column" or (f.kind == "fk" and m.framework not in ("django", "peewee")):
                yield f.name
        if m.framework == "peewee":
            yield from (rel.attname for rel in m.relations.values() if rel.attname)
            if not any(f.primary_key for f in m.fields.values()):
                yield "id"  # the AutoField peewee adds
        if m.framework != "django":
            return
        yield "pk"
        for rel in m.relations.values():
            if rel.attname and rel.kind in ("fk", "o2o"):
                yield rel.attname
        has_pk = any(f.primary_key for f in m.fields.values()) or any(
            i.primary for x in self.mro(m.qualname) for i in self.defs[x].d.indexes if i.source == "primary_key"
        )
        if not has_pk:
            yield "id"
        for parent in m.bases:  # the MTI parent link is filled from the row itself
            p = self.models[parent]
            if not p.abstract and not m.proxy:
                yield f"{p.name.lower()}_ptr"
                yield f"{p.name.lower()}_ptr_id"


def _qualify_local(text: str, facts: PythonFacts) -> str:
    """A base written through a module-level name of its own file (`db.Model` with
    `db = SQLAlchemy()` above it) is that module's."""
    head = text.partition(".")[0]
    if facts.module and head not in dict(facts.imports) and any(a.name == head for a in facts.assignments):
        return f"{facts.module}.{text}"
    return text


def _is_dotted(text: str) -> bool:
    return all(part.isidentifier() for part in text.split("."))


def _auth_user_model(project: "Project") -> str:
    """settings.AUTH_USER_MODEL as production sets it; else any settings module's; else Django's default."""
    try:
        production = project.django.production_settings
    except Exception:  # noqa: BLE001 - settings discovery must never break model resolution
        production = []
    for settings in production:
        value = _setting(project, settings.facts, "AUTH_USER_MODEL", set())
        if value:
            return value
    found = []
    for path, facts in sorted(project.modules.values(), key=lambda item: item[0]):
        if is_non_production_path(path):
            continue
        for a in facts.assignments:
            if a.name == "AUTH_USER_MODEL" and isinstance(getattr(a.value, "value", None), str):
                found.append(a.value.value)  # type: ignore[union-attr]
    return found[0] if found else "auth.User"


def _setting(project: "Project", facts: PythonFacts, name: str, seen: set[str]) -> str | None:
    """A string setting of a settings module, following `from .base import *` (own assignment wins)."""
    if facts.module in seen or len(seen) > 10:
        return None
    seen.add(facts.module)
    for a in facts.assignments:
        if a.name == name:
            value = getattr(a.value, "value", None)
            return value if isinstance(value, str) else None
    for module in reversed(facts.star_imports):
        found = project.find_module(module)
        if found is not None:
            value = _setting(project, found[1], name, seen)
            if value:
                return value
    return None
