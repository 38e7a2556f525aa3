import ast

from scalelint.diagnostics import Related
from scalelint.facts import Span
from scalelint.frameworks import caching
from scalelint.project import is_non_production_path
from scalelint.project.django_caches import cache_backend, node_span as _span, parse_source as _parse, settings_values
from scalelint.rule import Rule

_DEV_CLASS = ("dev", "test", "local", "debug")
_DICT_FACTORIES = frozenset({"dict", "OrderedDict", "defaultdict", "WeakValueDictionary"})
_DICT_WRITES = frozenset({"setdefault", "update", "__setitem__"})
_DICT_DROPS = frozenset({"pop", "popitem", "clear"})


class ProcessLocalState(Rule):
    code = "SCL402"
    name = "process-local-state"
    summary = "A cache, session store or rate-limit store kept in one process's memory when several workers or instances serve the app."
    message = "State kept in one process's memory is not shared by the other workers"
    fix_title = "Use a store every process shares: Redis or Memcached (`RedisCache`, `storage_uri=\"redis://...\"`, `django_redis`)"

    def check(self, project, report):
        many = _served_by_many(project)
        if many is None:
            return
        note = [many]
        for path, module, tree in _modules(project):
            imports = dict(module.imports)
            for where, what in _flask_caches(tree, imports):
                report(path, where, f"{what} keeps the cache in each worker's memory: every worker fills its own copy, and a value deleted or updated in one stays stale in the others", related=note)
            for where, what in _limiters(project, tree, imports):
                report(path, where, f"{what} counts requests in each worker's memory: every worker (and instance) allows the full limit, so the real limit is the limit times the number of processes", related=note)
        for path, where, what in _django_stores(project):
            report(path, where, what, related=note)
        for path, where, name, reach in _dict_caches(project):
            report(
                path,
                where,
                f"`{name}` is a module-level dict that request code writes into ({reach.describe()}): each worker keeps its own copy, which grows without bound and goes stale when another worker changes the data",
                related=[*reach.related(), many],
            )


def _served_by_many(project) -> Related | None:
    """A note on the production process that runs more than one worker or instance; None when
    every known server runs one, or the count is unknown."""
    for server in project.servers:
        if not server.production:
            continue
        workers, instances = server.workers or 0, server.instances or 0
        if workers > 1 or instances > 1:
            what = f"{workers} workers" if workers > 1 else f"{instances} instances"
            return Related(server.path, server.span.line, f"`{server.word.text}` runs {what} here")
    for run in project.image_runs:
        if run.context != "development" and (run.instances or 0) > 1 and project.servers:
            return Related(run.path, 1, f"{run.instances} instances of the app run here")
    return None


def _modules(project):
    """(path, facts, syntax tree) of production modules that build a rate limiter, or set
    CACHE_TYPE in a project that uses Flask-Caching."""
    pythons = [(p, f.python) for p, f in sorted(project.files.items()) if f.python is not None and not is_non_production_path(p)]
    flask_caching = any(m.startswith(("flask_caching", "flask_cache")) for _, py in pythons for m in py.imported_modules)
    for path, py in pythons:
        limits = any(m.startswith(("flask_limiter", "slowapi")) for m in py.imported_modules)
        if not limits and not (flask_caching and "CACHE_TYPE" in (project.callgraph.source(path) or "")):
            continue
        tree = _parse(project, path)
        if tree is not None:
            yield path, py, tree


def _qualified(func, imports: dict[str, str]) -> str:
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return ""
    parts.append(imports.get(func.id, func.id))
    return ".".join(reversed(parts))


def _dev_scopes(tree) -> set[int]:
    """Line numbers inside classes named for development or tests (`class TestingConfig:`)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(w in node.name.lower() for w in _DEV_CLASS):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _flask_caches(tree, imports: dict[str, str]):
    """`CACHE_TYPE` set to SimpleCache: in a `Cache(config={...})`, `app.config[...] = `, a
    config class or module attribute, `app.config.update(CACHE_TYPE=...)`."""
    dev = _dev_scopes(tree)
    for node in ast.walk(tree):
        found = None
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value == "CACHE_TYPE":
                    found = v
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == "CACHE_TYPE":
                found = node.value
            elif isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and target.slice.value == "CACHE_TYPE":
                found = node.value
        elif isinstance(node, ast.Call):
            found = next((k.value for k in node.keywords if k.arg == "CACHE_TYPE"), None)
        if isinstance(found, ast.Constant) and isinstance(found.value, str) and found.lineno not in dev:
            if found.value.lower() in caching.FLASK_PROCESS_CACHES:
                yield _span(found), f'Flask-Caching `CACHE_TYPE = "{found.value}"`'


def _limiters(project, tree, imports: dict[str, str]):
    """`Limiter(...)` with `storage_uri="memory://"`, or with no storage_uri and no
    RATELIMIT_STORAGE_URI anywhere in the configuration (its default is memory)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _qualified(node.func, imports)
        keyword = caching.LIMITERS.get(name)
        if keyword is None:
            continue
        given = {k.arg: k.value for k in node.keywords}
        if None in given:
            continue  # `**options`
        value = given.get(keyword)
        if value is None:
            if _configured_elsewhere(project):
                continue
            yield _span(node.func), f"`{name.rsplit('.', 1)[-1]}(...)` has no `{keyword}`, so it uses `memory://` and"
        elif isinstance(value, ast.Constant) and value.value == caching.MEMORY_STORAGE:
            yield _span(value), f'`{keyword}="memory://"`'


def _configured_elsewhere(project) -> bool:
    """RATELIMIT_STORAGE_URI is named in the code or a deployment's environment."""
    for command in project.commands:
        if any(s.name in caching.LIMITER_CONFIG_KEYS for s in command.env) or command.env_opaque:
            return True
    for path, facts in project.files.items():
        if facts.python is None:
            continue
        code = (line.partition("#")[0] for line in (project.callgraph.source(path) or "").splitlines())
        if any(k in line for line in code for k in caching.LIMITER_CONFIG_KEYS):
            return True
    return False


# --- Django --------------------------------------------------------------------------------


def _django_stores(project):
    """Production settings whose sessions live in LocMemCache, or whose default cache is it."""
    for settings in project.django.production_settings:
        values = settings_values(project, settings.path, settings.facts, set())
        if values is None:
            continue
        caches, engine, alias = values.get("CACHES"), values.get("SESSION_ENGINE"), values.get("SESSION_CACHE_ALIAS")
        alias_name = alias[1].value if alias and isinstance(alias[1], ast.Constant) else "default"
        backend = cache_backend(caches, alias_name)
        if backend is None:
            continue  # CACHES built in a way we cannot read
        if engine and isinstance(engine[1], ast.Constant) and engine[1].value in caching.DJANGO_CACHE_SESSIONS:
            if backend[1] in caching.DJANGO_PROCESS_CACHES:
                where = backend[0] or engine[0]
                yield (
                    where[0],
                    where[1],
                    '`SESSION_ENGINE = "django.contrib.sessions.backends.cache"` keeps sessions in LocMemCache, one per worker: '
                    "a user logged in by one worker is logged out on the next request another worker serves",
                )
                continue
        if backend[0] is not None and backend[1] in caching.DJANGO_PROCESS_CACHES and alias_name == "default":
            yield (
                backend[0][0],
                backend[0][1],
                "the default cache is `LocMemCache`: each worker keeps its own cache, so `cache.delete()` in one leaves "
                "stale values in the others and every worker fills the cache again",
            )


# --- module-level dict caches ------------------------------------------------------------


def _dict_caches(project):
    """A module-level `*cache* = {}` that a function on the request path writes into, and that
    the module invalidates somewhere."""
    graph = project.callgraph
    reached = graph.request_path()
    for path, facts in sorted(project.files.items()):
        py = facts.python
        if py is None or is_non_production_path(path):
            continue
        names = {a.name: a for a in py.assignments if "cache" in a.name.lower() and _empty_dict(getattr(a.value, "text", ""))}
        if not names:
            continue
        tree = _parse(project, path)
        if tree is None:
            continue
        dropped = _invalidated(tree)
        names = {n: a for n, a in names.items() if n in dropped}
        for name, qualname in _writers(tree, py.module, set(names)):
            reach = reached.get(qualname)
            if reach is not None:
                yield path, names[name].span, name, reach
                names.pop(name)
            if not names:
                break


def _empty_dict(text: str) -> bool:
    text = text.strip()
    if text == "{}":
        return True
    head, paren, rest = text.partition("(")
    return bool(paren) and head.rsplit(".", 1)[-1] in _DICT_FACTORIES and rest.strip().startswith(")") or head.rsplit(".", 1)[-1] == "defaultdict"


def _invalidated(tree) -> set[str]:
    """Names an entry is removed from (`del NAME[key]`, `NAME.pop(key)`, `NAME.clear()`): a
    cache of data that changes, which one worker cannot invalidate in the others. A memo
    never invalidated (app configs, parsed settings) holds the same values in every process."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Delete):
            found.update(t.value.id for t in node.targets if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _DICT_DROPS:
            if isinstance(node.func.value, ast.Name):
                found.add(node.func.value.id)
    return found


def _writers(tree, module: str, names: set[str]):
    """(dict name, qualname of the function) for each `name[key] = ...` / `name.setdefault(...)`
    written in a module function or a method of a module-level class."""
    scopes = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scopes.append((f"{module}.{node.name}", node))
        elif isinstance(node, ast.ClassDef):
            scopes.extend((f"{module}.{node.name}.{f.name}", f) for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)))
    for qualname, fn in scopes:
        written: set[str] = set()
        local = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id in names:
                        written.add(t.value.id)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _DICT_WRITES:
                if isinstance(node.func.value, ast.Name) and node.func.value.id in names:
                    written.add(node.func.value.id)
        for name in sorted(written - local):
            yield name, qualname
