"""How often each function runs: on every request, on staff requests, once per task run, at
start-up, or once by hand. The cost model weighs every finding by it.

A cost that grows with a table matters where it is paid often: a request to a public or
signed-in endpoint. The same loop in a management command, a seed script or a migration runs
once; in a daily task it runs once a day; behind a staff-only page, for a handful of people.
So each function gets the most frequent of the ways it is reached (`KINDS`, most frequent
first), with the evidence:

- **request**: reached from a request handler (`callgraph.request_path`) whose root is not
  staff-only;
- **admin**: reached only from staff-only handlers: Django admin classes, views guarded by
  `staff_member_required`/`user_passes_test`-style decorators or staff/superuser mixins, DRF
  views whose `permission_classes` name `IsAdminUser`, Flask-Admin views, handlers in an
  `admin` module or package;
- **task**: a Celery/RQ/Dramatiq/Huey task, or a function reached from one;
- **startup**: app factories, `AppConfig.ready()`, startup and lifespan hooks, and what they call;
- **one-off**: management and CLI commands, scripts (`scripts/`, `bin/`, a module with a
  `__main__` guard that nothing imports), seeding, tests and migrations, and what they call;
- **unknown**: reached from none of those (a helper called in a way the call graph cannot
  follow, or dead code).
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from scalelint.facts import FunctionFacts, SAttr, SCall, SConst, SName, SSeq
from scalelint.frameworks import tasks
from scalelint.project import admin_sites, is_non_production_path

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.callgraph import Reach, Root

__all__ = ["REQUEST", "ADMIN", "TASK", "STARTUP", "ONE_OFF", "UNKNOWN", "KINDS", "Frequency", "Reaches", "is_one_off_path"]

REQUEST, ADMIN, TASK, STARTUP, ONE_OFF, UNKNOWN = "request", "admin", "task", "startup", "one-off", "unknown"
KINDS = (REQUEST, ADMIN, TASK, STARTUP, ONE_OFF, UNKNOWN)  # most frequent first

MAX_DEPTH = 6  # calls followed from a task, command or start-up root (as from a handler)

# decorators and mixins that let only staff through (last dotted part)
_STAFF_DECORATORS = frozenset(
    {
        "staff_member_required", "superuser_required", "staff_required", "admin_required", "admin_only",
        "require_admin", "requires_admin", "admin_login_required", "superuser_only", "staff_only",
        "is_admin", "is_superuser", "user_is_admin", "admin_permission_required",
    }
)
_STAFF_BASES = frozenset(
    {
        "StaffuserRequiredMixin", "SuperuserRequiredMixin", "StaffRequiredMixin", "AdminRequiredMixin",
        "SuperUserRequiredMixin", "StaffMemberRequiredMixin", "AdminOnlyMixin", "SuperuserOnlyMixin",
        # Django admin and Flask-Admin classes
        "ModelAdmin", "TabularInline", "StackedInline", "InlineModelAdmin", "AdminSite",
        "BaseView", "ModelView", "AdminIndexView",
    }
)
_STAFF_PERMISSIONS = frozenset({"IsAdminUser", "IsSuperUser", "IsStaff", "IsAdmin", "IsStaffUser", "IsSuperuser"})
_ADMIN_PARTS = frozenset({"admin", "admin.py", "admins", "staff", "backoffice", "dashboard_admin"})

# start-up: app factories and hooks that run before the first request
_FACTORY_NAMES = frozenset({"create_app", "make_app", "create_application", "app_factory", "get_application", "build_app", "init_app", "setup_app", "configure_app"})
_STARTUP_DECORATOR_METHODS = frozenset({"before_first_request", "on_startup", "before_serving", "before_server_start", "on_event", "on_after_configure"})
_APP_CONFIG_BASES = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig", "AppConfig"})

# scripts and seeding: folders and file names (stems) that hold code run by hand
_SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "tools", "cli", "devtools", "dev-tools", "maintenance", "seeds", "seed", "seeders", "seeding", "fixtures", "sample_data", "demo_data", "utilities"})
_SCRIPT_FILES = frozenset({"manage.py", "setup.py", "fabfile.py", "noxfile.py", "conftest.py", "dodo.py"})
_SEED_STEMS = ("seed", "populate", "fake_", "fakedata", "fake_data", "factories", "factory", "demo_data", "sample_data", "init_db", "initdb", "create_db", "createdb", "bootstrap_db", "load_fixtures", "generate_data", "gen_data", "mock_data")


@dataclass(frozen=True)
class Frequency:
    """How often a function runs, and why we think so."""

    kind: str  # one of KINDS
    why: str  # "reached from `checkout` (a Flask route)", "a Celery task", "a Django management command"
    reach: "Reach | None" = None  # the request chain, for request and admin

    @property
    def per_request(self) -> bool:
        return self.kind == REQUEST


def is_one_off_path(path: str) -> str | None:
    """Why the file at `path` holds code run by hand, or None: tests, docs, migrations,
    management commands, scripts and seed data."""
    if tasks.is_management_command(path):
        return "a Django management command"
    if is_non_production_path(path):
        parts = path.split("/")
        if any(p in ("migrations", "alembic") for p in parts[:-1]):
            return "a migration"
        return "test, documentation or example code"
    parts = path.split("/")
    name = parts[-1]
    if name in _SCRIPT_FILES and (len(parts) == 1 or name in ("manage.py", "conftest.py")):
        return f"`{name}`, run by hand"  # an `app/setup.py` module is the app's, not setuptools'

    if any(p in _SCRIPT_DIRS for p in parts[:-1]):
        return "a script, run by hand"
    stem = posixpath.splitext(name)[0].lower()
    if stem.startswith(_SEED_STEMS) or stem.endswith(("_seed", "_seeds", "_fixtures", "_factories")) or "seed_data" in stem:
        return "seed data, generated once"
    return None


class Reaches:
    """Every function's `Frequency` (see the module doc), computed once per project."""

    def __init__(self, project: "Project"):
        self.project = project
        self.graph = project.callgraph

    def of(self, qualname: str) -> Frequency:
        hit = self._memo.get(qualname)
        if hit is None:
            hit = self._memo[qualname] = self._classify(qualname)
        return hit

    @cached_property
    def _memo(self) -> dict[str, Frequency]:
        return {}

    def _classify(self, qualname: str) -> Frequency:
        reach = self._public.get(qualname)
        if reach is not None:
            return Frequency(REQUEST, f"{reach.describe()}", reach)
        reach = self._admin.get(qualname)
        if reach is not None:
            return Frequency(ADMIN, f"{reach.describe()}, which only staff use", reach)
        for kind, reached in ((TASK, self._tasks), (STARTUP, self._startup), (ONE_OFF, self._one_off)):
            why = reached.get(qualname)
            if why is not None:
                return Frequency(kind, why)
        found = self.graph.function(qualname) or self._anywhere.get(qualname)
        if found is not None:
            why = is_one_off_path(found[0]) or self._script_module(found[0])
            if why is not None:
                return Frequency(ONE_OFF, why)
        return Frequency(UNKNOWN, "not reached from any request handler, task or command the project wires")

    # --- request roots, split by who uses them -------------------------------------------

    @cached_property
    def _public(self) -> dict[str, "Reach"]:
        return self.graph.request_path(key="reach:public", staff=False)

    @cached_property
    def _admin(self) -> dict[str, "Reach"]:
        return self.graph.request_path(roots=self.staff_only, key="reach:admin", staff=True)

    @cached_property
    def _hot(self) -> dict[str, "Reach"]:
        from scalelint.project.rare_endpoints import rare_reason

        return self.graph.request_path(roots=lambda root: rare_reason(self.project, root) is None, key="reach:hot", staff=False)

    def rare(self, qualname: str) -> str | None:
        """Why only endpoints each user calls rarely reach `qualname` (a password reset, a
        health check: scalelint.project.rare_endpoints), or None when a busier endpoint does
        too, or no public one does."""
        reach = self._public.get(qualname)
        if reach is None or qualname in self._hot:
            return None
        from scalelint.project.rare_endpoints import rare_reason

        return rare_reason(self.project, reach.root)

    def staff_only(self, root: "Root") -> bool:
        """Only staff reach this root: its guard, its class or where it lives says so."""
        return self.staff_handler(root.qualname, root.context)

    def staff_handler(self, qualname: str, context: str | None = None) -> bool:
        """The handler `qualname` (a function, or a class-based view) lets only staff in."""
        if qualname in self.graph.class_facts:
            path = self._class_paths.get(qualname, "")
            return self._staff_path(path) or self._staff_class(qualname)
        found = self.graph.functions.get(qualname)
        if found is None:
            return False
        path, fn = found
        if any(h.kind == admin_sites.KIND for h in self.project.handlers.of(qualname)):
            return True  # a registered Django admin's method
        if any(d.rsplit(".", 1)[-1].split("(", 1)[0] in _STAFF_DECORATORS for d in fn.decorators):
            return True
        if any(_staff_word(g) or _model_permission(g) for g in fn.guards):
            return True  # `@requires(IsAdmin)`, `@user_passes_test(lambda u: u.is_superuser)`, `@permission_required("shop.add_product")`
        if self._staff_path(path):
            return True
        cls = context or fn.class_name
        return cls is not None and self._staff_class(cls)

    @staticmethod
    def _staff_path(path: str) -> bool:
        return any(p.lower() in _ADMIN_PARTS for p in path.split("/"))

    def _staff_class(self, cls: str) -> bool:
        for c in self.graph.mro(cls):
            facts = self.graph.class_facts.get(c)
            if facts is None:
                continue
            if any(b.rsplit(".", 1)[-1] in _STAFF_BASES or _staff_mixin(b.rsplit(".", 1)[-1]) for b in facts.bases):
                return True
            if any(_guards_staff(d) for d in facts.decorators):
                return True  # `@method_decorator(staff_member_required, name="dispatch")`
            attributes = dict(facts.attributes)
            permissions = attributes.get("permission_classes")
            if permissions is not None and _names_in(permissions) & _STAFF_PERMISSIONS:
                return True
            for guard in ("decorators", "method_decorators"):  # Flask MethodView / Django's method_decorator lists
                if guard in attributes and any(_staff_word(n) for n in _names_in(attributes[guard])):
                    return True
            required = attributes.get("permission_required")  # PermissionRequiredMixin
            if required is not None and any(_model_permission(p) for p in _strings_in(required)):
                return True
        return False


    @cached_property
    def _class_paths(self) -> dict[str, str]:
        return {c.qualname: path for path, facts in self.project.files.items() if facts.python for c in facts.python.classes}

    # --- other roots ----------------------------------------------------------------------

    @cached_property
    def _anywhere(self) -> dict[str, tuple[str, FunctionFacts]]:
        """Every function, production or not (the call graph keeps production code only)."""
        out: dict[str, tuple[str, FunctionFacts]] = {}
        for path, facts in self.project.files.items():
            if facts.python is not None:
                for fn in facts.python.functions:
                    out.setdefault(fn.qualname, (path, fn))
        return out

    @cached_property
    def _tasks(self) -> dict[str, str]:
        roots = {}
        for path, fn in self.graph.every:
            task = next((d for d in fn.decorators if _is_task_decorator(d)), None)
            if task is not None:
                roots[fn.qualname] = f"`{fn.name}` is a background task (`@{task.rsplit('.', 1)[-1]}`)"
        return self._closure(roots, "runs in a background task")

    @cached_property
    def _startup(self) -> dict[str, str]:
        roots = {}
        for path, fn in self.graph.every:
            if fn.name in _FACTORY_NAMES and not fn.class_name:
                roots[fn.qualname] = f"`{fn.name}` builds the app at start-up"
            elif any(d.rsplit(".", 1)[-1] in _STARTUP_DECORATOR_METHODS for d in fn.decorators):
                roots[fn.qualname] = f"`{fn.name}` runs at start-up"
            elif fn.name == "ready" and fn.class_name and self._app_config(fn.class_name):
                roots[fn.qualname] = "`AppConfig.ready()` runs once per process at start-up"
            elif fn.name == "lifespan":
                roots[fn.qualname] = "the app's lifespan hook runs at start-up"
        return self._closure(roots, "runs at start-up")

    def _app_config(self, cls: str) -> bool:
        facts = self.graph.class_facts.get(cls)
        return facts is not None and any(b in _APP_CONFIG_BASES or b.endswith(".AppConfig") for b in facts.bases)

    @cached_property
    def _one_off(self) -> dict[str, str]:
        roots = {}
        for path, fn in self._anywhere.values():
            why = is_one_off_path(path) or self._script_module(path)
            if why is None and any(tasks.is_cli_decorator(d) for d in fn.decorators):
                why = f"`{fn.name}` is a command-line command"
            if why is not None:
                roots[fn.qualname] = why
        return self._closure(roots, "runs from a command or script")

    def _script_module(self, path: str) -> str | None:
        """A module run as a script (`if __name__ == "__main__":`) that no project module imports
        (a file whose name is no module name, `upload-screenshots.py`, cannot be imported at all)."""
        facts = self.project.files.get(path)
        py = facts.python if facts else None
        if py is None or not py.has_main_guard or py.apps:
            return None
        if py.module and py.module in self._imported:
            return None
        return "a script (run as `__main__`, imported by nothing)"

    @cached_property
    def _imported(self) -> frozenset[str]:
        names: set[str] = set()
        for facts in self.project.files.values():
            if facts.python is not None:
                for module in facts.python.imported_modules:
                    found = self.project.find_module(module)
                    if found is not None and found[1].module != facts.python.module:
                        names.add(found[1].module)
        return frozenset(names)

    def _closure(self, roots: dict[str, str], through: str) -> dict[str, str]:
        """Each root with its reason, and every function it reaches within MAX_DEPTH calls."""
        out = dict(roots)
        queue = deque((q, 0, why) for q, why in roots.items())
        while queue:
            q, depth, why = queue.popleft()
            if depth >= MAX_DEPTH:
                continue
            for call in self.graph.calls(q):
                if call.callee not in out:
                    name = q.rsplit(".", 1)[-1]
                    out[call.callee] = f"{through} (through `{name}`)" if depth == 0 else out[q]
                    queue.append((call.callee, depth + 1, why))
        return out


def _is_task_decorator(decorator: str) -> bool:
    name = decorator.split("(", 1)[0]
    if name in tasks.TASK_DECORATORS:
        return True
    head, dot, last = name.rpartition(".")
    return (last in tasks.TASK_DECORATOR_METHODS and bool(dot)) or last in ("shared_task", "periodic_task", "db_task", "db_periodic_task")


def _names_in(sym, depth: int = 0) -> set[str]:
    """The names a class attribute mentions (`[IsAuthenticated, IsAdminUser]`,
    `[allows.requires(IsAdmin)]`): each name's last part, calls' arguments included."""
    out: set[str] = set()
    if depth > 6:
        return out
    t = type(sym)
    if t is SSeq:
        for item in sym.elts:
            out |= _names_in(item, depth + 1)
    elif t is SCall:
        out |= _names_in(sym.func, depth + 1)
        for a in (*sym.args, *(v for _, v in sym.kwargs)):
            out |= _names_in(a, depth + 1)
    elif t is SAttr:
        out.add(sym.name)
        out |= _names_in(sym.obj, depth + 1)
    elif t is SName:
        out.add(sym.qual.rsplit(".", 1)[-1])
    return out


def _strings_in(sym) -> list[str]:
    if type(sym) is SConst and isinstance(sym.value, str):
        return [sym.value]
    if type(sym) is SSeq:
        return [s for item in sym.elts for s in _strings_in(item)]
    return []


# `shop.add_product`: a Django model permission of the kind the admin uses (adding, editing or
# deleting a model's rows), which a site grants to its editors and staff, not to every user
_MODEL_PERMISSION = re.compile(r"^\w+\.(?:add|change|delete)_\w+$")


def _guards_staff(decorator: str) -> bool:
    """A class decorator that lets only staff in: `...method_decorator(...staff_member_required)`."""
    inner = decorator.partition("(")[2].rstrip(")")
    return bool(inner) and inner.rsplit(".", 1)[-1] in _STAFF_DECORATORS


def _staff_mixin(name: str) -> bool:
    """A project's own guard mixin named for staff: `JobBoardAdminRequiredMixin`, `StaffOnlyMixin`."""
    return name.endswith("Mixin") and _staff_word(name) and ("Required" in name or "Only" in name)


def _model_permission(text: str) -> bool:
    return bool(_MODEL_PERMISSION.match(text))


_STAFF_WORDS = ("admin", "staff", "superuser", "moderator")


def _staff_word(name: str) -> bool:
    """A guard named for staff: `IsAdmin`, `is_superuser`, `admin_required`, `IsAtleastModerator`."""
    low = name.lower()
    return any(w in low for w in _STAFF_WORDS)
