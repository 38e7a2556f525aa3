"""ORM model facts of one module: Django models, SQLAlchemy declarative classes (1.x and 2.0,
Flask-SQLAlchemy `db.Model`, SQLModel), Core `Table(...)`s and their indexes.

The extractor's single traversal calls `ModelCollector.visit_class` for each module-level class
as it meets it (so the import map holds exactly the imports above the class, as when Python runs
the class body) and `visit_module` once the module body is done, for module-level `Table(...)`,
`Index(...)` and `declarative_base()`; `models()` gives the facts.

A class costs one loop over its body statements to decide whether it is a model (see
`ModelDef`'s docstring for the rule); only models get their fields, Meta and methods read, and a
method body is walked once for its `self.<chain>` reads and query-like calls.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from ..facts import FieldDef, IndexDef, MethodDef, ModelDef, QueryCall, SelfRead, Span
from ..frameworks import django as dj
from ..frameworks import peewee as pw
from ..frameworks import sqlalchemy as sa
from .fold import SourceText
from .names import ImportMap, dotted
from .peewee_models import peewee_field
from .syntax import terminal as _terminal

__all__ = ["ModelCollector", "MAX_READS", "METHOD_KINDS"]

MAX_READS = 200  # per method: reads / queries kept (facts stay small on generated code)

_LOCAL = "\x00"  # prefix of a bare name to qualify once the module's classes are all known

_DJ_FIELD_NAMES = frozenset(dj.FIELDS) | frozenset(dj.THIRD_PARTY_FIELDS) | {dj.COMPOSITE_PK}
_SA_NAMES = (
    sa.COLUMN_FUNCS
    | sa.RELATIONSHIP_FUNCS
    | sa.COLUMN_WRAPPERS
    | {sa.SQLMODEL_FIELD, sa.SQLMODEL_RELATIONSHIP, "column_property", "synonym", "composite", "association_proxy"}
)
_ORM_CTORS = _DJ_FIELD_NAMES | _SA_NAMES | frozenset(pw.FIELDS)
# declarative directives that make a class body SQLAlchemy's (`__abstract__` alone does not:
# SQLAlchemy's own types use it too)
_SA_DUNDERS = frozenset({"__tablename__", "__table__", "__table_args__"})
_KNOWN_STARS = dj.STAR_MODULES | sa.STAR_MODULES | frozenset(pw.ROOT_MODULES)
# class attributes holding a field instance that is not a column (expressions' output types)
_NOT_FIELDS = frozenset({"output_field", "_output_field_or_none", "base_field", "form_field", "formfield"})
_CANDIDATE_PARTS = frozenset({"models", "model", "orm", "entities", "db", "database"})
_FRAMEWORK_ROOTS = ("django.", "sqlalchemy.", "sqlmodel.", "flask_sqlalchemy.")
_OTHER_ORMS = frozenset({"peewee", "tortoise", "ormar", "pynamodb", "mongoengine", "odmantic", "beanie", "pony", "piccolo"})
_DJ_MODEL_MODULE_PREFIXES = tuple(m + "." for m in dj.MODEL_MODULES)
_DEF_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
METHOD_KINDS = {  # a method's decorator (last name) -> MethodDef.kind
    "property": "property",
    "cached_property": "cached_property",
    "hybrid_property": "hybrid_property",
    "hybrid_method": "hybrid_property",
    "classmethod": "classmethod",
    "staticmethod": "staticmethod",
    "declared_attr": "declared_attr",
    "setter": "setter",
    "deleter": "setter",
    "expression": "setter",
}
# a custom manager's queryset methods that read as a query (`Event.published.filter(...)`);
# too-generic names (get, create, update, delete) are left out
_MANAGER_QUERY_METHODS = frozenset(
    {
        "all",
        "filter",
        "exclude",
        "order_by",
        "annotate",
        "select_related",
        "prefetch_related",
        "values",
        "values_list",
        "aggregate",
        "exists",
        "count",
        "first",
        "last",
        "in_bulk",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
        "iterator",
        "only",
        "defer",
        "raw",
    }
)
_RAW_EXECUTE = frozenset({"execute", "executemany", "exec_driver_sql"})
_SESSION_METHODS = sa.SESSION_QUERY_METHODS




def _root_name(node: ast.AST) -> str | None:
    while type(node) is ast.Attribute:
        node = node.value  # type: ignore[attr-defined]
    return node.id if type(node) is ast.Name else None  # type: ignore[attr-defined]


def _str(node: ast.AST | None) -> str | None:
    if type(node) is ast.Constant and type(node.value) is str:  # type: ignore[attr-defined]
        return node.value  # type: ignore[attr-defined]
    return None


def _kwargs(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg}


_NOW_CALLS = frozenset({"now", "utcnow", "today", "current_timestamp", "localtime", "now_utc", "utc_now", "timestamp"})


def _stamped(kw: dict[str, ast.expr]) -> bool:
    """The field is set to the current time when the row is created (`auto_now_add=True`,
    `default=timezone.now`, `server_default=func.now()`, `server_default=text("now()")`)."""
    if _flag(kw, "auto_now_add", False):
        return True
    for key in ("default", "server_default", "insert_default", "default_factory"):
        node = kw.get(key)
        if type(node) is ast.Call:
            if _str(node.args[0] if node.args else None) is not None:  # text("now()")
                return "now" in node.args[0].value.lower() or "current_timestamp" in node.args[0].value.lower()  # type: ignore[attr-defined]
            node = node.func
        if type(node) is ast.Lambda:
            node = node.body.func if type(node.body) is ast.Call else node.body
        if (_terminal(node) or "").lower() in _NOW_CALLS:
            return True
    return False


def _flag(kw: dict[str, ast.expr], key: str, default: bool | None) -> bool | None:
    """A boolean keyword: its constant value, `default` when absent (or None), None when unreadable."""
    node = kw.get(key)
    if node is None:
        return default
    if type(node) is ast.Constant:
        v = node.value
        if v is None:
            return default
        if type(v) in (bool, int):
            return bool(v)
    return None


def _elts(node: ast.AST | None) -> list[ast.expr] | None:
    if type(node) in (ast.List, ast.Tuple, ast.Set):
        return node.elts  # type: ignore[attr-defined]
    return None


def _parse_str_annotation(node: ast.AST) -> ast.AST:
    s = _str(node)
    if s is None:
        return node
    try:
        return ast.parse(s.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return node


class _Model:
    """A model being read (mutable; frozen into a ModelDef at the end of the module)."""

    __slots__ = (
        "name",
        "span",
        "framework",
        "kind",
        "bases",
        "abstract",
        "proxy",
        "table",
        "table_ref",
        "app_label",
        "fields",
        "indexes",
        "field_indexes",
        "pks",
        "managers",
        "ordering",
        "drn",
        "methods",
        "fk_constraints",
        "qualname",
    )

    def __init__(self, name: str, span: Span, framework: str, kind: str = "class"):
        self.name = name
        self.span = span
        self.framework = framework
        self.kind = kind
        self.bases: tuple[str, ...] = ()
        self.abstract = False
        self.proxy = False
        self.table: str | None = None
        self.table_ref: str | None = None  # `__table__ = users` (a Table of this module)
        self.app_label: str | None = None
        self.fields: list[FieldDef] = []
        self.indexes: list[IndexDef] = []
        self.field_indexes: list[IndexDef] = []
        self.pks: list[FieldDef] = []
        self.managers: list[tuple[str, str]] = []
        self.ordering: tuple[str, ...] | None = None
        self.drn: str | None = None
        self.methods: list[MethodDef] = []
        self.fk_constraints: list[tuple[tuple[str, ...], str | None]] = []
        self.qualname: str | None = None


class ModelCollector:
    def __init__(self, src: SourceText, module: str, mod_nodes: dict[str, ast.AST], star_imports: list[str]):
        self.src = src
        self.module = module
        self.mod_nodes = mod_nodes  # the extractor's module-level `name -> value` (kept current)
        self.stars = star_imports  # the extractor's star-import modules (kept current)
        parts = module.split(".") if module else []
        self.top = parts[0] if parts else ""
        self.modelish_module = any(p in _CANDIDATE_PARTS for p in parts)
        self.class_names: set[str] = set()  # every module-level class, model or not
        self.table_names: set[str] = set()
        self.models_by_name: dict[str, _Model] = {}
        self.order: list[_Model] = []

    # --- names ------------------------------------------------------------------------------

    def _qualify(self, node: ast.AST, imap: ImportMap) -> str | None:
        q = imap.qualify(node)  # type: ignore[arg-type]
        if q is None and self.stars:
            root = _root_name(node)
            if root is not None and imap.get(root) is None and root not in self.class_names and root not in self.mod_nodes:
                d = dotted(node)
                for star in self.stars:
                    if star in _KNOWN_STARS:
                        return f"{star}.{d}"
        return q

    def _local(self, name: str) -> str:
        return f"{self.module}.{name}" if self.module else name

    def _target(self, node: ast.AST | None, imap: ImportMap) -> str | None:
        """A related model / table reference (see FieldDef.target)."""
        if node is None:
            return None
        t = type(node)
        if t is ast.Constant:
            return node.value if type(node.value) is str else None  # type: ignore[attr-defined]
        if t is ast.Starred:
            return None
        if t is ast.Name or t is ast.Attribute:
            q = imap.qualify(node)  # type: ignore[arg-type]
            if q is not None:
                if q.endswith(".AUTH_USER_MODEL"):
                    return "settings.AUTH_USER_MODEL"
                return q
            d = dotted(node)
            if t is ast.Name:
                return _LOCAL + d  # type: ignore[operator]
            if d is not None and d.endswith(".AUTH_USER_MODEL"):
                return "settings.AUTH_USER_MODEL"
            return d
        if t is ast.Call:
            if _terminal(node.func) == "get_user_model":  # type: ignore[attr-defined]
                return "settings.AUTH_USER_MODEL"
        elif t is ast.Lambda:
            return self._target(node.body, imap)  # type: ignore[attr-defined]
        return self.src.text(node)

    def _resolve(self, s: str | None) -> str | None:
        if s is None or not s.startswith(_LOCAL):
            return s
        name = s[1:]
        if name in self.class_names or name in self.table_names:
            return self._local(name)
        return name

    def _name_span(self, node: ast.AST, name: str, keyword_len: int) -> Span:
        """Span of the name of a `class`/`def` statement."""
        ln = node.lineno
        line = self.src.line(ln)
        c0 = self.src.col(ln, node.col_offset)
        i = line.find(name, c0 + keyword_len)
        if i < 0:
            return self.src.span(node)
        return Span(ln, i + 1, ln, i + 1 + len(name))

    # --- deciding what a class is ----------------------------------------------------------

    def _family(self, func: ast.AST, term: str, imap: ImportMap) -> str | None:
        """Which ORM a constructor call in a class body belongs to (None: not an ORM attribute)."""
        q = self._qualify(func, imap)
        if q is not None:
            if q.startswith(pw.ROOT_MODULES):
                return "peewee" if term in pw.FIELDS else None
            if q.startswith(_DJ_MODEL_MODULE_PREFIXES):
                return "django" if term in _DJ_FIELD_NAMES else None
            if q.startswith("sqlmodel."):
                if term in _SA_NAMES:
                    return "sqlmodel" if term in (sa.SQLMODEL_FIELD, sa.SQLMODEL_RELATIONSHIP) else "sqlalchemy"
                return None
            if q.startswith(("sqlalchemy.", "flask_sqlalchemy.")):
                return "sqlalchemy" if term in _SA_NAMES and term != sa.SQLMODEL_FIELD else None
            if term in dj.THIRD_PARTY_FIELDS:
                return "django"
            if q.startswith("django."):
                return None
            # `db.Column` with `db` imported from the project (Flask-SQLAlchemy)
            if type(func) is ast.Attribute and term in _SA_NAMES and term not in (sa.SQLMODEL_FIELD, sa.SQLMODEL_RELATIONSHIP):
                return "sqlalchemy"
            return None
        if type(func) is ast.Attribute:
            root = _root_name(func)
            if root == "models" and term in _DJ_FIELD_NAMES:
                return "django"
            if term in _SA_NAMES and term not in (sa.SQLMODEL_FIELD, sa.SQLMODEL_RELATIONSHIP):
                return "sqlalchemy"  # `db.Column` with `db = SQLAlchemy()` in this module
        elif term in dj.THIRD_PARTY_FIELDS:
            return "django"
        return None

    def _base_info(self, node: ast.ClassDef, imap: ImportMap) -> tuple[str | None, bool, tuple[str, ...], list[str], bool]:
        """(framework from the bases, is a declarative base itself, bases as text, qualified
        imported bases, some base is an unresolved bare name)."""
        fw: str | None = None
        decl_base = False
        texts: list[str] = []
        imported: list[str] = []
        unresolved = False
        for b in node.bases:
            tb = type(b)
            if tb is ast.Name and b.id in self.models_by_name:  # type: ignore[attr-defined]
                local = self.models_by_name[b.id]  # type: ignore[attr-defined]
                texts.append(local.qualname or self._local(local.name))
                if fw is None or fw == "unknown":
                    fw = "sqlalchemy" if local.kind == "base" else local.framework
                continue
            if tb is ast.Name and b.id in self.class_names and imap.get(b.id) is None:  # type: ignore[attr-defined]
                texts.append(self._local(b.id))  # type: ignore[attr-defined]
                continue  # a class of this file that is not a model
            q = self._qualify(b, imap)
            if q is None and tb is ast.Name and b.id in self.mod_nodes:  # type: ignore[attr-defined]
                texts.append(self._local(b.id))  # type: ignore[attr-defined]
                v = self.mod_nodes[b.id]  # type: ignore[attr-defined]
                if type(v) is ast.Call and _terminal(v.func) in sa.DECLARATIVE_BASE_FACTORIES:  # type: ignore[attr-defined]
                    fw = fw or "sqlalchemy"
                elif type(v) is ast.Attribute and v.attr == sa.FLASK_MODEL_ATTR:  # type: ignore[attr-defined]
                    fw = fw or "sqlalchemy"  # `Model = db.Model`
                continue
            texts.append(q or dotted(b) or self.src.text(b))
            if q is None:
                if tb is ast.Name:
                    unresolved = True
                elif tb is ast.Attribute and b.attr == sa.FLASK_MODEL_ATTR:  # type: ignore[attr-defined]
                    root = _root_name(b)
                    if root == "models":
                        fw = fw or "django"
                    elif root is not None and self._is_fsa(root):
                        fw = fw or "sqlalchemy"
                continue
            imported.append(q)
            if q in dj.MODEL_BASES:
                fw = "django"
            elif q in pw.MODEL_BASES:
                fw = "peewee"
            elif q in sa.DECLARATIVE_BASE_CLASSES:
                fw = "sqlalchemy"
                decl_base = True
            elif q in sa.SQLMODEL_BASES:
                fw = "sqlmodel"
            elif q in sa.DECLARATIVE_MIXINS:
                pass
            elif tb is ast.Attribute and b.attr == sa.FLASK_MODEL_ATTR and fw is None:  # type: ignore[attr-defined]
                head = q.partition(".")[0]
                if head == "flask_sqlalchemy" or (head not in _OTHER_ORMS and not q.startswith(_FRAMEWORK_ROOTS) and _root_name(b) == "db"):
                    fw = "sqlalchemy"  # `db.Model`, `db` imported from the project
        if fw is None:
            for d in node.decorator_list:
                f = d.func if type(d) is ast.Call else d
                if _terminal(f) in sa.MAPPING_DECORATORS:
                    q = self._qualify(f, imap)
                    if q is None or q.startswith("sqlalchemy.") or type(f) is ast.Attribute:
                        fw = "sqlalchemy"
                        break
        return fw, decl_base, tuple(texts), imported, unresolved

    def _is_fsa(self, name: str) -> bool:
        """`name` is bound in this module to `SQLAlchemy(...)` or is the conventional `db`."""
        if name == "db":
            return True
        v = self.mod_nodes.get(name)
        return type(v) is ast.Call and _terminal(v.func) == "SQLAlchemy"  # type: ignore[attr-defined]

    def _declared_framework(self, node: ast.ClassDef, imap: ImportMap) -> str | None:
        """The ORM whose attributes the class body declares, if any."""
        found: str | None = None
        for st in node.body:
            t = type(st)
            if t is ast.Assign:
                targets = st.targets  # type: ignore[attr-defined]
                if len(targets) != 1 or type(targets[0]) is not ast.Name:
                    continue
                name = targets[0].id
            elif t is ast.AnnAssign:
                tgt = st.target  # type: ignore[attr-defined]
                if type(tgt) is not ast.Name:
                    continue
                name = tgt.id
                ann = st.annotation  # type: ignore[attr-defined]
                if type(ann) is ast.Subscript and _terminal(ann.value) in sa.MAPPED_ANNOTATIONS:
                    return "sqlalchemy"
                s = _str(ann)
                if s is not None and s.lstrip().startswith(("Mapped[", "WriteOnlyMapped[", "DynamicMapped[")):
                    return "sqlalchemy"
            else:
                continue
            if name in _SA_DUNDERS:
                if st.value is not None:  # type: ignore[attr-defined]
                    found = found or "sqlalchemy"
                continue
            if name in _NOT_FIELDS:
                continue
            v = st.value  # type: ignore[attr-defined]
            if type(v) is not ast.Call:
                continue
            term = _terminal(v.func)
            if term not in _ORM_CTORS:
                continue
            fam = self._family(v.func, term, imap)  # type: ignore[arg-type]
            if fam in ("django", "sqlmodel", "peewee"):
                return fam
            if fam is not None:
                found = fam
        return found

    def _candidate(self, imported: list[str], unresolved: bool) -> bool:
        for q in imported:
            if q.startswith(_FRAMEWORK_ROOTS):
                continue
            parts = q.split(".")
            if any(p in _CANDIDATE_PARTS for p in parts[:-1]):
                return True
            if self.modelish_module and self.top and parts[0] == self.top:
                return True
        if unresolved:
            for star in self.stars:
                if any(p in _CANDIDATE_PARTS for p in star.split(".")):
                    return True
        return False

    # --- classes ------------------------------------------------------------------------------

    def visit_class(self, node: ast.ClassDef, imap: ImportMap) -> None:
        fw, decl_base, bases, imported, unresolved = self._base_info(node, imap)
        declared = self._declared_framework(node, imap)
        if declared == "django" and fw is None and any(q.startswith("django.") for q in imported):
            declared = None  # a Func / Transform / Aggregate / Form... with `output_field = FloatField()`
        self.class_names.add(node.name)
        if fw is None or fw == "unknown":
            if declared is not None:
                fw = declared
            elif fw is None:
                if not self._candidate(imported, unresolved):
                    self.models_by_name.pop(node.name, None)
                    return
                fw = "unknown"
        m = _Model(node.name, self._name_span(node, node.name, 5), fw)
        m.qualname = self._local(node.name)
        m.bases = bases
        if decl_base or not node.bases:
            m.abstract = True
        if fw == "sqlmodel":
            table_kw = next((k.value for k in node.keywords if k.arg == "table"), None)
            m.abstract = not (type(table_kw) is ast.Constant and table_kw.value is True)  # type: ignore[attr-defined]
        self._body(node, m, imap)
        self.models_by_name[node.name] = m
        self.order.append(m)

    def _body(self, node: ast.ClassDef, m: _Model, imap: ImportMap) -> None:
        for st in node.body:
            t = type(st)
            if t is ast.Assign:
                targets = st.targets  # type: ignore[attr-defined]
                if len(targets) != 1 or type(targets[0]) is not ast.Name:
                    continue
                tgt = targets[0]
                value = st.value  # type: ignore[attr-defined]
                ann = None
            elif t is ast.AnnAssign:
                tgt = st.target  # type: ignore[attr-defined]
                if type(tgt) is not ast.Name:
                    continue
                value = st.value  # type: ignore[attr-defined]
                ann = st.annotation  # type: ignore[attr-defined]
            elif t in _DEF_TYPES:
                if len(m.methods) < MAX_READS:
                    m.methods.append(self._method(st))
                continue
            elif t is ast.ClassDef and st.name == "Meta":  # type: ignore[attr-defined]
                self._meta(st, m, imap)  # type: ignore[arg-type]
                continue
            else:
                continue
            name = tgt.id
            if name.startswith("__"):
                self._dunder(name, value, m, imap)
                continue
            if type(value) is ast.Call:
                self._attribute(name, tgt, value, ann, m, imap)
            elif ann is not None:
                self._annotated(name, tgt, ann, m, imap)

    def _attribute(self, name: str, tgt: ast.Name, call: ast.Call, ann: ast.AST | None, m: _Model, imap: ImportMap) -> None:
        term = _terminal(call.func)
        if term is None:
            if type(call.func) is ast.Call and _terminal(call.func.func) == "from_queryset" and m.framework in ("django", "unknown"):
                m.managers.append((name, self.src.text(call.func)))
            return
        fam = self._family(call.func, term, imap) if term in _ORM_CTORS else None
        if fam == "peewee" or (fam is None and m.framework == "peewee" and term in pw.FIELDS):
            f = peewee_field(name, self.src.span(tgt), call, term, lambda node: self._target(node, imap), self.src.span(call))
            m.fields.append(f)
            if f.kind != "m2m":
                self._field_index(f, m)
        elif fam == "django":
            self._django_field(name, tgt, call, term, m, imap)
        elif fam is not None:
            self._sa_attribute(name, tgt, call, term, ann, m, imap)
        elif m.framework in ("django", "unknown"):
            if term.endswith("Manager") or term == "as_manager":
                q = self._qualify(call.func, imap)
                m.managers.append((name, q or self._resolve_now(call.func)))
            elif m.framework == "django" and (term.endswith("Field") or term.endswith("ForeignKey")):
                spec = dj.FieldSpec("fk", db_index=True) if term.endswith("ForeignKey") else dj.FieldSpec("column")
                self._django_field(name, tgt, call, term, m, imap, spec)
        elif ann is not None and m.framework == "sqlmodel":
            self._annotated(name, tgt, ann, m, imap)

    def _resolve_now(self, func: ast.AST) -> str:
        d = dotted(func)
        if d is None:
            return self.src.text(func)
        root = d.partition(".")[0]
        if root in self.class_names:
            return self._local(d)
        return d

    # --- Django --------------------------------------------------------------------------------

    def _django_field(
        self, name: str, tgt: ast.Name, call: ast.Call, term: str, m: _Model, imap: ImportMap, spec: dj.FieldSpec | None = None
    ) -> None:
        kw = _kwargs(call)
        if term == dj.COMPOSITE_PK:
            cols = tuple(s for s in (_str(a) for a in call.args) if s)
            m.indexes.append(IndexDef(cols, self.src.span(tgt), unique=True, primary=True, source="primary_key"))
            return
        if spec is None:
            spec = dj.FIELDS.get(term) or dj.THIRD_PARTY_FIELDS.get(term) or dj.FieldSpec("column")
        kind = spec.kind
        target = through = related_name = rqn = None
        if kind != "column":
            if kind != "generic" or spec.collection:
                tnode = call.args[0] if call.args else kw.get("to")
                target = self._target(tnode, imap)
            rn = kw.get("related_name")
            if rn is not None:
                related_name = _str(rn) or self.src.text(rn)
            rq = kw.get("related_query_name")
            if rq is not None:
                rqn = _str(rq) or self.src.text(rq)
            if "through" in kw:
                through = self._target(kw["through"], imap)
        unique = _flag(kw, "unique", spec.unique)
        pk = _flag(kw, "primary_key", False)
        if spec.spatial:
            db_index = _flag(kw, "spatial_index", True)
        else:
            db_index = _flag(kw, "db_index", spec.db_index)
        relation_only = kind == "m2m" or kind == "generic"
        f = FieldDef(
            name=name,
            kind=kind,
            field_class=term,
            span=self.src.span(tgt),
            call_span=self.src.span(call),
            target=target,
            related_name=related_name,
            related_query_name=rqn,
            through=through,
            db_index=False if relation_only else db_index,
            unique=False if relation_only else unique,
            primary_key=False if relation_only else pk,
            nullable=None if relation_only else _flag(kw, "null", False),
            db_constraint=_flag(kw, "db_constraint", True) is not False,
            column=_str(kw.get("db_column")),
            collection=spec.collection if kind != "column" else None,
            stamped=kind == "column" and _stamped(kw),
        )
        m.fields.append(f)
        if not relation_only:
            self._field_index(f, m, "gist" if spec.spatial else "btree")

    def _field_index(self, f: FieldDef, m: _Model, kind: str = "btree") -> None:
        if f.primary_key:
            m.pks.append(f)
        elif f.unique:
            m.field_indexes.append(IndexDef((f.name,), f.span, unique=True, source="field"))
        elif f.db_index:
            m.field_indexes.append(IndexDef((f.name,), f.span, kind=kind, source="field"))

    def _meta(self, node: ast.ClassDef, m: _Model, imap: ImportMap) -> None:
        for st in node.body:
            if type(st) is ast.Assign and len(st.targets) == 1 and type(st.targets[0]) is ast.Name:
                key = st.targets[0].id
            elif type(st) is ast.AnnAssign and type(st.target) is ast.Name and st.value is not None:
                key = st.target.id
            else:
                continue
            v = st.value
            if key == "abstract":
                m.abstract = type(v) is ast.Constant and bool(v.value)
            elif key == "proxy":
                m.proxy = type(v) is ast.Constant and bool(v.value)
            elif key == "db_table" or key == "table_name":  # Django / Peewee
                m.table = _str(v)
            elif key == "app_label":
                m.app_label = _str(v)
            elif key == "default_related_name":
                m.drn = _str(v)
            elif key == "ordering":
                elts = _elts(v)
                if elts is not None:
                    m.ordering = tuple(_str(e) or self.src.text(e) for e in elts)
                elif _str(v) is not None:
                    m.ordering = (_str(v),)  # type: ignore[assignment]
            elif key == "indexes":
                for e in _elts(v) or ():
                    if type(e) is ast.Call:
                        ix = self._dj_index(e)
                        if ix is not None:
                            m.indexes.append(ix)
            elif key == "constraints":
                for e in _elts(v) or ():
                    if type(e) is ast.Call:
                        ix = self._dj_constraint(e)
                        if ix is not None:
                            m.indexes.append(ix)
            elif key in ("unique_together", "index_together"):
                self._together(v, key, m)

    def _dj_column(self, node: ast.AST) -> tuple[str, bool, bool]:
        """(column or expression text, descending, is an expression) of one index member."""
        s = _str(node)
        if s is not None:
            return (s[1:], True, False) if s.startswith("-") else (s, False, False)
        if type(node) is ast.Call:
            func = node.func
            if type(func) is ast.Attribute and func.attr in ("desc", "asc") and type(func.value) is ast.Call:
                inner, _, expr = self._dj_column(func.value)
                return inner, func.attr == "desc", expr
            if _terminal(func) == "F" and len(node.args) == 1 and _str(node.args[0]) is not None:
                return _str(node.args[0]), False, False  # type: ignore[return-value]
        return self.src.text(node), False, True

    def _dj_members(self, call: ast.Call, kw: dict[str, ast.expr]) -> tuple[tuple[str, ...], tuple[bool, ...], bool]:
        cols: list[str] = []
        desc: list[bool] = []
        expr = False
        for e in list(call.args) + list(_elts(kw.get("fields")) or ()):
            if type(e) is ast.Starred:
                continue
            c, d, x = self._dj_column(e)
            cols.append(c)
            desc.append(d)
            expr = expr or x
        return tuple(cols), (tuple(desc) if any(desc) else ()), expr

    def _where(self, node: ast.AST | None) -> str | None:
        if node is None:
            return None
        if type(node) is ast.Call and _terminal(node.func) == "text" and node.args and _str(node.args[0]) is not None:
            return _str(node.args[0])
        return _str(node) or self.src.text(node)

    def _dj_index(self, call: ast.Call) -> IndexDef | None:
        term = _terminal(call.func)
        if term is None:
            return None
        kind = dj.INDEX_CLASSES.get(term)
        if kind is None:
            if not term.endswith("Index"):
                return None
            kind = term[:-5].lower() or "btree"
        return self._dj_member_index(call, _kwargs(call), kind=kind, source="index")

    def _dj_member_index(self, call: ast.Call, kw: dict, **extra) -> IndexDef:
        """An index over `fields=`/`expressions`, as `Index(...)` and `UniqueConstraint(...)` declare it."""
        cols, desc, expr = self._dj_members(call, kw)
        ops = tuple(s for s in (_str(e) for e in _elts(kw.get("opclasses")) or ()) if s)
        return IndexDef(
            cols,
            self.src.span(call),
            name=_str(kw.get("name")),
            where=self._where(kw.get("condition")),
            expressions=expr,
            desc=desc,
            opclasses=ops,
            **extra,
        )

    def _dj_constraint(self, call: ast.Call) -> IndexDef | None:
        term = _terminal(call.func)
        kw = _kwargs(call)
        if term == dj.UNIQUE_CONSTRAINT:
            return self._dj_member_index(call, kw, unique=True, source="constraint")
        if term == dj.EXCLUSION_CONSTRAINT:
            cols_l: list[str] = []
            expr = False
            for pair in _elts(kw.get("expressions")) or ():
                first = (_elts(pair) or [pair])[0]
                c, _, x = self._dj_column(first)
                cols_l.append(c)
                expr = expr or x
            return IndexDef(
                tuple(cols_l),
                self.src.span(call),
                name=_str(kw.get("name")),
                kind=(_str(kw.get("index_type")) or "gist").lower(),
                where=self._where(kw.get("condition")),
                expressions=expr,
                source="exclusion",
            )
        return None

    def _together(self, v: ast.AST, key: str, m: _Model) -> None:
        elts = _elts(v)
        if elts is None:
            return
        groups = [elts] if elts and all(_str(e) is not None for e in elts) else [g for g in (_elts(e) for e in elts) if g]
        unique = key == "unique_together"
        for g in groups:
            cols = tuple(s for s in (_str(e) for e in g) if s)
            if cols:
                m.indexes.append(IndexDef(cols, self.src.span(v), unique=unique, source=key))

    # --- SQLAlchemy / SQLModel -------------------------------------------------------------------

    def _dunder(self, name: str, value: ast.AST | None, m: _Model, imap: ImportMap) -> None:
        if value is None:
            return
        if name == "__tablename__":
            m.table = _str(value)
        elif name == "__abstract__":
            m.abstract = type(value) is ast.Constant and bool(value.value)  # type: ignore[attr-defined]
        elif name == "__table_args__":
            self._table_args(_elts(value) or (), m, imap)
        elif name == "__table__":
            if type(value) is ast.Call and _terminal(value.func) == sa.TABLE_FUNC:
                self._table_call(value, m, imap)
            elif type(value) is ast.Name:
                m.table_ref = value.id

    def _table_args(self, elts, m: _Model, imap: ImportMap) -> None:
        for e in elts:
            if type(e) is not ast.Call:
                continue
            term = _terminal(e.func)
            if term == sa.INDEX_FUNC:
                ix = self._sa_index(e)
                if ix is not None:
                    m.indexes.append(ix)
            elif term == sa.UNIQUE_CONSTRAINT or term == sa.PRIMARY_KEY_CONSTRAINT:
                cols = tuple(self._sa_column_ref(a)[0] for a in e.args if type(a) is not ast.Starred)
                if cols:
                    primary = term == sa.PRIMARY_KEY_CONSTRAINT
                    m.indexes.append(
                        IndexDef(
                            cols,
                            self.src.span(e),
                            name=_str(_kwargs(e).get("name")),
                            unique=True,
                            primary=primary,
                            source="primary_key" if primary else "constraint",
                        )
                    )
            elif term == sa.FOREIGN_KEY_CONSTRAINT and e.args:
                cols = tuple(self._sa_column_ref(a)[0] for a in _elts(e.args[0]) or ())
                refs = _elts(e.args[1]) if len(e.args) > 1 else None
                ref = self._target(refs[0], imap) if refs else None
                if cols:
                    m.fk_constraints.append((cols, ref))

    def _sa_column_ref(self, node: ast.AST) -> tuple[str, bool, bool]:
        """(column name / expression text, descending, is an expression) of an Index member."""
        t = type(node)
        if t is ast.Constant:
            s = _str(node)
            return (s, False, False) if s is not None else (self.src.text(node), False, True)
        if t is ast.Name:
            return node.id, False, False  # type: ignore[attr-defined]
        if t is ast.Attribute:
            return node.attr, False, False  # type: ignore[attr-defined]
        if t is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            args = node.args  # type: ignore[attr-defined]
            if type(func) is ast.Attribute and func.attr in ("desc", "asc") and not args:
                c, _, x = self._sa_column_ref(func.value)
                return c, func.attr == "desc", x
            term = _terminal(func)
            if term in ("desc", "asc") and len(args) == 1:
                c, _, x = self._sa_column_ref(args[0])
                return c, term == "desc", x
            if term == "text" and args and _str(args[0]) is not None:
                return _str(args[0]), False, True  # type: ignore[return-value]
        return self.src.text(node), False, True

    def _sa_index(self, call: ast.Call) -> IndexDef | None:
        args = [a for a in call.args if type(a) is not ast.Starred]
        if not args:
            return None
        name = _str(args[0])
        cols: list[str] = []
        desc: list[bool] = []
        expr = False
        for a in args[1:]:
            c, d, x = self._sa_column_ref(a)
            cols.append(c)
            desc.append(d)
            expr = expr or x
        kw = _kwargs(call)
        kind = "btree"
        for k in sa.INDEX_USING_KWARGS:
            s = _str(kw.get(k))
            if s:
                kind = s.lower()
                break
        where = None
        for k in sa.INDEX_WHERE_KWARGS:
            if k in kw:
                where = self._where(kw[k])
                break
        ops: tuple[str, ...] = ()
        opsnode = kw.get("postgresql_ops")
        if type(opsnode) is ast.Dict:
            ops = tuple(s for s in (_str(v) for v in opsnode.values) if s)
        return IndexDef(
            tuple(cols),
            self.src.span(call),
            name=name,
            unique=bool(_flag(kw, "unique", False)),
            kind=kind,
            where=where,
            expressions=expr,
            desc=tuple(desc) if any(desc) else (),
            opclasses=ops,
            source="index",
        )

    def _sa_attribute(self, name: str, tgt: ast.Name, call: ast.Call, term: str, ann: ast.AST | None, m: _Model, imap: ImportMap) -> None:
        if term in sa.COLUMN_WRAPPERS:
            if not call.args or type(call.args[0]) is not ast.Call:
                return
            call = call.args[0]
            term = _terminal(call.func) or ""
        if term in sa.COLUMN_FUNCS:
            f = self._sa_column(name, tgt, call, term, ann, imap)
        elif term in sa.RELATIONSHIP_FUNCS or term == sa.SQLMODEL_RELATIONSHIP:
            f = self._sa_relationship(name, tgt, call, term, ann, imap)
        elif term == sa.SQLMODEL_FIELD:
            f = self._sqlmodel_field(name, tgt, call, ann, imap)
        else:
            return  # column_property, synonym, composite, association_proxy: no column of their own
        if f is not None:
            m.fields.append(f)
            if f.kind != "relationship":
                self._field_index(f, m)

    def _sa_column(
        self, name: str, tgt: ast.AST, call: ast.Call, term: str, ann: ast.AST | None, imap: ImportMap, field_class: str | None = None
    ) -> FieldDef:
        kw = _kwargs(call)
        column = None
        fk = None
        for i, a in enumerate(call.args):
            if i == 0 and _str(a) is not None:
                column = _str(a)
            elif type(a) is ast.Call and _terminal(a.func) == sa.FOREIGN_KEY:
                ref = a.args[0] if a.args else _kwargs(a).get("column")
                fk = self._target(ref, imap) if ref is not None else "?"
        if column is None:
            column = _str(kw.get("name"))
        pk = _flag(kw, "primary_key", False)
        nullable = _flag(kw, "nullable", None)
        if nullable is None and "nullable" not in kw:
            if pk:
                nullable = False
            elif term == "mapped_column" and ann is not None:
                info = self._ann_info(ann, imap)
                nullable = info[3] if info[0] is not None else (None if pk is None else True)
            elif pk is not None:
                nullable = True
        return FieldDef(
            name=name,
            kind="fk" if fk is not None else "column",
            field_class=field_class or term,
            span=self.src.span(tgt),
            call_span=self.src.span(call),
            target=fk,
            db_index=_flag(kw, "index", False),
            unique=_flag(kw, "unique", False),
            primary_key=pk,
            nullable=nullable,
            column=column,
            stamped=_stamped(kw),
        )

    def _sqlmodel_field(self, name: str, tgt: ast.AST, call: ast.Call, ann: ast.AST | None, imap: ImportMap) -> FieldDef:
        kw = _kwargs(call)
        sac = kw.get("sa_column")
        if type(sac) is ast.Call and _terminal(sac.func) in sa.COLUMN_FUNCS:
            f = self._sa_column(name, tgt, sac, "Column", ann, imap, field_class=sa.SQLMODEL_FIELD)
            return replace(f, call_span=self.src.span(call))
        pk = _flag(kw, "primary_key", False)
        fk = kw.get("foreign_key")
        nullable = _flag(kw, "nullable", None)
        if nullable is None and "nullable" not in kw:
            if pk:
                nullable = False
            elif ann is not None:
                nullable = self._ann_info(ann, imap)[3]
        return FieldDef(
            name=name,
            kind="fk" if fk is not None else "column",
            field_class=sa.SQLMODEL_FIELD,
            span=self.src.span(tgt),
            call_span=self.src.span(call),
            target=self._target(fk, imap) if fk is not None else None,
            db_index=_flag(kw, "index", False),
            unique=_flag(kw, "unique", False),
            primary_key=pk,
            nullable=nullable,
            stamped=_stamped(kw),
        )

    def _sa_relationship(self, name: str, tgt: ast.AST, call: ast.Call, term: str, ann: ast.AST | None, imap: ImportMap) -> FieldDef:
        kw = _kwargs(call)
        args = call.args
        secondary_node = kw.get("secondary")
        if term == sa.SQLMODEL_RELATIONSHIP:
            inner = kw.get("sa_relationship")
            if type(inner) is ast.Call:
                f = self._sa_relationship(name, tgt, inner, _terminal(inner.func) or "relationship", ann, imap)
                return replace(f, field_class=term, call_span=self.src.span(call))
            extra = kw.get("sa_relationship_kwargs")
            if type(extra) is ast.Dict:
                for k, v in zip(extra.keys, extra.values):
                    ks = _str(k)
                    if ks is not None and ks not in kw:
                        kw[ks] = v
            elif type(extra) is ast.Call and type(extra.func) is ast.Name and extra.func.id == "dict" and not extra.args:
                for k, v in _kwargs(extra).items():  # `dict(lazy="selectin")`
                    kw.setdefault(k, v)
            if secondary_node is None:
                secondary_node = kw.get("link_model")
                if secondary_node is None:
                    secondary_node = kw.get("secondary")
        wrapper = target = None
        collection: bool | None = None
        if ann is not None:
            wrapper, target, collection, _ = self._ann_info(ann, imap, relation=True)
        tnode = args[0] if args else kw.get("argument")
        if tnode is not None:
            target = self._target(tnode, imap)
        if "lazy" in kw:
            lv = kw["lazy"]
            if type(lv) is ast.Constant and (lv.value is None or type(lv.value) in (bool, str)):
                lazy = sa.LAZY_ALIASES.get(lv.value, lv.value) if type(lv.value) is not str else lv.value  # type: ignore[arg-type]
            else:
                lazy = None
        elif term == "dynamic_loader":
            lazy = "dynamic"
        else:
            lazy = sa.MAPPED_WRAPPER_LAZY.get(wrapper or "", sa.LAZY_DEFAULT)
        uselist = _flag(kw, "uselist", None) if "uselist" in kw else None
        if uselist is not None:
            collection = uselist
        elif collection is None and secondary_node is not None:
            collection = True
        backref = backref_lazy = None
        br = kw.get("backref")
        if br is not None:
            if type(br) is ast.Call and _terminal(br.func) == sa.BACKREF_FUNC:
                backref = _str(br.args[0]) if br.args else _str(_kwargs(br).get("name"))
                blv = _kwargs(br).get("lazy")
                if type(blv) is ast.Constant:
                    backref_lazy = blv.value if type(blv.value) is str else sa.LAZY_ALIASES.get(blv.value)
            else:
                backref = _str(br) or self.src.text(br)
        return FieldDef(
            name=name,
            kind="relationship",
            field_class=term,
            span=self.src.span(tgt),
            call_span=self.src.span(call),
            target=target,
            db_index=False,
            unique=False,
            primary_key=False,
            collection=collection,
            lazy=lazy,  # type: ignore[arg-type]
            uselist=uselist,
            back_populates=_str(kw.get("back_populates")),
            backref=backref,
            backref_lazy=backref_lazy,
            secondary=self._target(secondary_node, imap) if secondary_node is not None else None,
        )

    def _annotated(self, name: str, tgt: ast.Name, ann: ast.AST, m: _Model, imap: ImportMap) -> None:
        """`x: Mapped[int]` (SQLAlchemy 2.0) and `x: int` / `x: int = 0` in a SQLModel class."""
        wrapper, _, _, optional = self._ann_info(ann, imap)
        if wrapper is None:
            if m.framework != "sqlmodel":
                return
            if _terminal(ann.value if type(ann) is ast.Subscript else ann) == "ClassVar" or name.startswith("_"):
                return
            field_class = ""
        else:
            field_class = "Mapped"
        f = FieldDef(name=name, kind="column", field_class=field_class, span=self.src.span(tgt), nullable=optional)
        m.fields.append(f)

    def _ann_info(self, ann: ast.AST, imap: ImportMap, relation: bool = False) -> tuple[str | None, str | None, bool | None, bool]:
        """(Mapped wrapper name or None, target type, collection, optional) of an annotation."""
        node = _parse_str_annotation(ann)
        wrapper = None
        if type(node) is ast.Subscript:
            w = _terminal(node.value)
            if w in sa.MAPPED_ANNOTATIONS:
                wrapper = w
                node = node.slice
        target, coll, opt = self._type_info(node, imap, relation, 0)
        if wrapper in sa.MAPPED_WRAPPER_LAZY:
            coll = True
        return wrapper, target, coll, opt

    def _type_info(self, node: ast.AST, imap: ImportMap, relation: bool, depth: int) -> tuple[str | None, bool | None, bool]:
        if depth > 8:
            return None, None, False
        node = _parse_str_annotation(node)
        t = type(node)
        if t is ast.Subscript:
            w = _terminal(node.value)  # type: ignore[attr-defined]
            inner = node.slice  # type: ignore[attr-defined]
            elts = inner.elts if type(inner) is ast.Tuple else [inner]
            if w == "Optional":
                tg, c, _ = self._type_info(elts[0], imap, relation, depth + 1)
                return tg, c, True
            if w == "Union":
                rest = [e for e in elts if not (type(e) is ast.Constant and e.value is None)]
                opt = len(rest) < len(elts)
                if len(rest) == 1:
                    tg, c, o = self._type_info(rest[0], imap, relation, depth + 1)
                    return tg, c, opt or o
                return None, None, opt
            if w == "Annotated":
                return self._type_info(elts[0], imap, relation, depth + 1)
            if w in sa.COLLECTION_TYPES:
                tg, _, _ = self._type_info(elts[-1], imap, relation, depth + 1)
                return tg, True, False
            return (self.src.text(node) if relation else None), False, False
        if t is ast.BinOp and type(node.op) is ast.BitOr:  # type: ignore[attr-defined]
            sides = [node.left, node.right]  # type: ignore[attr-defined]
            rest = [s for s in sides if not (type(s) is ast.Constant and s.value is None)]
            opt = len(rest) < 2
            if len(rest) == 1:
                tg, c, o = self._type_info(rest[0], imap, relation, depth + 1)
                return tg, c, opt or o
            return None, None, opt
        if t is ast.Constant and node.value is None:  # type: ignore[attr-defined]
            return None, None, True
        if relation and (t is ast.Name or t is ast.Attribute):
            return self._target(node, imap), False, False
        return None, (False if relation else None), False

    def _table_call(self, call: ast.Call, m: _Model, imap: ImportMap) -> None:
        """`Table("name", metadata, Column(...), Index(...), UniqueConstraint(...), ...)`."""
        if call.args:
            m.table = _str(call.args[0])
        for a in call.args[1:]:
            if type(a) is not ast.Call:
                continue
            term = _terminal(a.func)
            if term in sa.COLUMN_FUNCS:
                kw = _kwargs(a)
                cname = _str(a.args[0]) if a.args else _str(kw.get("name"))
                if cname is None:
                    continue
                f = self._sa_column(cname, a, a, term, None, imap)  # type: ignore[arg-type]
                m.fields.append(replace(f, span=self.src.span(a.args[0]) if a.args else f.span))
                self._field_index(m.fields[-1], m)
        self._table_args([a for a in call.args[1:] if type(a) is ast.Call and _terminal(a.func) != "Column"], m, imap)

    # --- methods -----------------------------------------------------------------------------------

    def _method(self, fn: ast.AST) -> MethodDef:
        kind = "method"
        for d in fn.decorator_list:  # type: ignore[attr-defined]
            f = d.func if type(d) is ast.Call else d
            term = _terminal(f)
            if type(f) is ast.Attribute and type(f.value) is ast.Name and f.value.id == "declared_attr":
                term = "declared_attr"  # @declared_attr.directive / .cascading
            k = METHOD_KINDS.get(term or "")
            if k is not None:
                kind = k
                break
        a = fn.args  # type: ignore[attr-defined]
        positional = (*a.posonlyargs, *a.args)
        self_name = positional[0].arg if positional and kind not in ("staticmethod", "classmethod", "declared_attr") else None
        reads, queries = self._walk(fn, self_name)
        is_async = type(fn) is ast.AsyncFunctionDef
        return MethodDef(
            name=fn.name,  # type: ignore[attr-defined]
            kind=kind,
            span=self._name_span(fn, fn.name, 9 if is_async else 3),  # type: ignore[attr-defined]
            reads=reads,
            queries=queries,
            is_async=is_async,
        )

    def _walk(self, fn: ast.AST, self_name: str | None) -> tuple[tuple[SelfRead, ...], tuple[QueryCall, ...]]:
        reads: list[tuple[int, int, tuple[str, ...], ast.AST]] = []
        queries: list[tuple[int, int, str, ast.AST]] = []
        stack: list[ast.AST] = list(fn.body)  # type: ignore[attr-defined]
        A, C, S, N = ast.Attribute, ast.Call, ast.Subscript, ast.Name
        while stack:
            n = stack.pop()
            t = type(n)
            if t is A or t is C or t is S:
                parts: list[str] = []
                cur = n
                while True:
                    tc = type(cur)
                    if tc is A:
                        parts.append(cur.attr)  # type: ignore[attr-defined]
                        cur = cur.value  # type: ignore[attr-defined]
                    elif tc is C:
                        stack.extend(cur.args)  # type: ignore[attr-defined]
                        for k in cur.keywords:  # type: ignore[attr-defined]
                            stack.append(k.value)
                        parts.append("()")
                        cur = cur.func  # type: ignore[attr-defined]
                    elif tc is S:
                        stack.append(cur.slice)  # type: ignore[attr-defined]
                        parts.append("[]")
                        cur = cur.value  # type: ignore[attr-defined]
                    else:
                        break
                if type(cur) is not N:
                    stack.append(cur)
                    continue
                parts.reverse()
                base = cur.id  # type: ignore[attr-defined]
                if base == self_name:
                    chain = tuple(p for p in parts if p != "()" and p != "[]")
                    if chain and len(reads) < MAX_READS:
                        reads.append((n.lineno, n.col_offset, chain, n))  # type: ignore[attr-defined]
                if t is C and len(queries) < MAX_READS and _is_query(base, parts):
                    text = base
                    for p in parts[:-1]:
                        text += p if p == "()" or p == "[]" else "." + p
                    queries.append((n.lineno, n.col_offset, text, n))  # type: ignore[attr-defined]
                continue
            if t is N or t is ast.Constant:
                continue
            stack.extend(ast.iter_child_nodes(n))
        reads.sort(key=lambda r: (r[0], r[1]))
        queries.sort(key=lambda q: (q[0], q[1]))
        seen: set[tuple[str, ...]] = set()
        out_reads = []
        for _, _, chain, node in reads:
            if chain not in seen:
                seen.add(chain)
                out_reads.append(SelfRead(chain, self.src.span(node)))
        return tuple(out_reads), tuple(QueryCall(text, self.src.span(node)) for _, _, text, node in queries)

    # --- module level --------------------------------------------------------------------------------

    def visit_module(self, body: list[ast.stmt], imap: ImportMap) -> None:
        """Module-level `t = Table(...)`, `Base = declarative_base()`, `Index(...)`."""
        pending_indexes: list[ast.Call] = []
        for st in body:
            t = type(st)
            if t is ast.Assign or t is ast.AnnAssign:
                v = st.value  # type: ignore[attr-defined]
                if type(v) is not ast.Call:
                    continue
                targets = st.targets if t is ast.Assign else [st.target]  # type: ignore[attr-defined]
                if len(targets) != 1 or type(targets[0]) is not ast.Name:
                    continue
                term = _terminal(v.func)
                tgt = targets[0]
                if term == sa.TABLE_FUNC:
                    self._module_table(tgt, v, imap)
                elif term in sa.DECLARATIVE_BASE_FACTORIES:
                    q = imap.qualify(v.func)
                    if q is None or q.startswith("sqlalchemy.") or type(v.func) is ast.Attribute:
                        m = _Model(tgt.id, self.src.span(tgt), "sqlalchemy", kind="base")
                        m.qualname = self._local(tgt.id)
                        m.abstract = True
                        m.bases = (q or dotted(v.func) or term,)
                        self.order.append(m)
                        self.models_by_name.setdefault(tgt.id, m)
                elif term == sa.INDEX_FUNC:
                    pending_indexes.append(v)
            elif t is ast.Expr and type(st.value) is ast.Call and _terminal(st.value.func) == sa.INDEX_FUNC:  # type: ignore[attr-defined]
                pending_indexes.append(st.value)  # type: ignore[attr-defined]
        for call in pending_indexes:
            self._module_index(call, imap)

    def _is_sa_table(self, call: ast.Call, imap: ImportMap) -> bool:
        if not call.args or _str(call.args[0]) is None:
            return False
        q = imap.qualify(call.func)
        if q is not None and q.startswith(("sqlalchemy.", "sqlmodel.")):
            return True
        return any(type(a) is ast.Call and _terminal(a.func) in sa.COLUMN_FUNCS for a in call.args[1:])

    def _module_table(self, tgt: ast.Name, call: ast.Call, imap: ImportMap) -> None:
        if not self._is_sa_table(call, imap):
            return
        m = _Model(tgt.id, self.src.span(tgt), "sqlalchemy", kind="table")
        m.qualname = self._local(tgt.id)
        m.bases = (imap.qualify(call.func) or dotted(call.func) or "Table",)
        self._table_call(call, m, imap)
        self.table_names.add(tgt.id)
        self.models_by_name.setdefault(tgt.id, m)
        self.order.append(m)

    def _module_index(self, call: ast.Call, imap: ImportMap) -> None:
        """`Index("ix", User.email)` / `Index("ix", users.c.email)`: attach to its model or table."""
        owner = None
        for a in call.args[1:]:
            node = a
            while type(node) is ast.Call:
                f = node.func
                node = f.value if type(f) is ast.Attribute and not node.args else (node.args[0] if node.args else f)
            if type(node) is ast.Attribute:
                root = node
                while type(root) is ast.Attribute:
                    root = root.value
                if type(root) is ast.Name:
                    owner = root
                    break
        if owner is None:
            return
        ix = self._sa_index(call)
        if ix is None:
            return
        local = self.models_by_name.get(owner.id)
        if local is not None and imap.get(owner.id) is None:
            local.indexes.append(ix)
            return
        qual = imap.qualify(owner)
        if qual is None and owner.id in self.class_names:
            qual = self._local(owner.id)
        key = "\x01" + (qual or owner.id)
        ext = self.models_by_name.get(key)
        if ext is None:
            ext = _Model(owner.id, ix.span, "sqlalchemy", kind="external")
            ext.qualname = qual or owner.id
            self.models_by_name[key] = ext
            self.order.append(ext)
        ext.indexes.append(ix)

    # --- the result ------------------------------------------------------------------------------------

    def models(self) -> tuple[ModelDef, ...]:
        out = []
        for m in self.order:
            try:
                out.append(self._freeze(m))
            except Exception:  # pragma: no cover - defensive: one odd model never loses the file
                continue
        out.sort(key=lambda d: (d.span.line, d.span.column))
        return tuple(out)

    def _freeze(self, m: _Model) -> ModelDef:
        fields = []
        for f in m.fields:
            t, th, sec = self._resolve(f.target), self._resolve(f.through), self._resolve(f.secondary)
            if t is not f.target or th is not f.through or sec is not f.secondary:
                f = replace(f, target=t, through=th, secondary=sec)
            fields.append(f)
        if m.fk_constraints:
            by_col = {f.column or f.name: i for i, f in enumerate(fields)}
            for cols, ref in m.fk_constraints:
                for c in cols:
                    i = by_col.get(c)
                    if i is not None and fields[i].kind == "column":
                        fields[i] = replace(fields[i], kind="fk", target=self._resolve(ref))
        table = m.table
        indexes = list(m.indexes)
        if m.table_ref is not None:
            ref = self.models_by_name.get(m.table_ref)
            if ref is not None and ref.kind == "table":
                table = table or ref.table
                if not fields:
                    fields = list(ref.fields)
                    indexes = list(ref.indexes) + list(ref.field_indexes) + indexes
        if m.pks:
            indexes.append(
                IndexDef(tuple(f.name for f in m.pks), m.pks[0].span, unique=True, primary=True, source="primary_key")
            )
        indexes.extend(m.field_indexes)
        managers = tuple((n, self._resolve(c) or c) for n, c in m.managers)
        return ModelDef(
            name=m.name,
            qualname=m.qualname or self._local(m.name),
            framework=m.framework,
            span=m.span,
            kind=m.kind,
            bases=m.bases,
            abstract=m.abstract,
            proxy=m.proxy,
            table=table,
            app_label=m.app_label,
            fields=tuple(fields),
            indexes=tuple(indexes),
            managers=managers,
            ordering=m.ordering,
            default_related_name=m.drn,
            properties=tuple(m.methods),
        )


def _is_query(base: str, parts: list[str]) -> bool:
    """Does a call chain `base.<parts>` (calls as "()", subscripts as "[]") look like a query?"""
    attrs = [p for p in parts if p != "()" and p != "[]"]
    if not attrs:
        return False
    if "objects" in attrs or "_default_manager" in attrs or "_base_manager" in attrs:
        return True
    capital = base[:1].isupper()
    if capital and attrs[0] == "query" and len(attrs) > 1:
        return True  # Flask-SQLAlchemy `Model.query.filter_by(...)`
    if capital and len(attrs) >= 2 and attrs[1] in _MANAGER_QUERY_METHODS:
        return True  # a custom manager: `Event.published.filter(...)`
    names = [base.lower()] + [a.lower() for a in attrs]
    for i in range(len(names) - 1):
        nm = names[i]
        nxt = attrs[i]  # the attribute after names[i]
        if "session" in nm and nxt in _SESSION_METHODS:
            return True
        if ("cursor" in nm or "conn" in nm or "engine" in nm) and nxt in _RAW_EXECUTE:
            return True
    return False
