import io
import posixpath
import tokenize
from functools import cached_property

from scalelint.diagnostics import Edit, Fix, Related
from scalelint.facts import SAttr, SCall, SConst, Span
from scalelint.frameworks import http_clients as http
from scalelint.project import reach as freq
from scalelint.project.callgraph import call_sites
from scalelint.project.clients import callee, keyword, origin, timeout_of, written
from scalelint.rule import Rule
from scalelint.project import script_clients as script_calls

_LISTED = 20  # other calls named beside the one finding for calls nothing is seen to reach

_REQUESTS_SESSION_TIMEOUT_POSITION = 8  # Session.request(method, url, params, data, headers, cookies, files, auth, timeout, ...)


class HttpCallWithoutTimeout(Rule):
    code = "SCL503"
    name = "http-call-without-timeout"
    summary = "An HTTP call with no timeout (requests, urllib, http.client; httpx/aiohttp told to wait forever)."
    message = "An HTTP call waits forever for a peer that does not answer"
    fix_title = "Pass a timeout: `timeout=(3.05, 10)` (connect, read)"
    fixable = True

    def check(self, project, report):
        graph = project.callgraph
        socket_default = _SocketDefault(graph)
        reached = graph.request_path()
        narrow = project.settings.scope != "all"
        relevant = _http_modules(project)
        costs = project.costs
        unplaced: list[tuple] = []  # default scope: calls no handler, task or command is seen to reach
        for path, fn in graph.every:
            py = project.files[path].python
            if py is None or py.module not in relevant:
                continue
            # a script or command that hangs is noticed and rerun; a worker that hangs is not
            frequency = costs.frequency(fn.qualname, path)
            verdict = costs.judge(frequency)
            if not verdict.report:
                if narrow and frequency.kind == freq.UNKNOWN and project.files[path].kind != "typescript":
                    unplaced.extend((path, fn, call) for call in call_sites(fn))
                continue
            on_path = reached.get(fn.qualname) if graph.functions[fn.qualname][0] == path else None
            if project.files[path].kind == "typescript" and on_path is None:
                continue  # a script in a repository may be browser code: only what a server handler calls is judged
            for call in call_sites(fn):
                found = _judge(graph, path, fn, call, socket_default)
                if found is None:
                    continue
                if narrow and _waits_on_purpose(call):
                    # `timeout=None` written out is a decision (a payment that may settle
                    # slowly, a long stream): judges who did not write the rule found none of
                    # 4 worth a change; `scope = "all"` shows them
                    continue
                what, fix_text, related = found
                reach = on_path
                # fetch and undici give up after minutes, not never
                message = f"{what}: a peer that stops answering {'holds it for minutes' if ' s ' in what else 'blocks it forever'}"
                if reach is not None:
                    message = f"{what}, {reach.describe()}: one slow peer ties up every worker that serves this request"
                    related = [*reach.related(), *related]
                func = call.func
                span = func.span if type(func) is SAttr else call.span
                report(path, span, message, fix=_fix(project, path, call, fix_text), related=related, severity=verdict.severity, confidence=verdict.confidence)
        self._unplaced(project, graph, socket_default, unplaced, report)

    @staticmethod
    def _unplaced(project, graph, socket_default, unplaced, report) -> None:
        """Calls in code nothing is seen to reach (plugins loaded by name, background loops,
        helpers nobody calls): judges found 46% of them worth a change, against 89% of those a
        request reaches. One finding per folder says they exist (a folder of plugins is one
        thing to fix, and the finding stays put when another folder changes); `scope = "all"`
        lists each."""
        by_folder: dict[str, list[tuple]] = {}
        for path, fn, call in unplaced:
            judged = _judge(graph, path, fn, call, socket_default)
            if judged is not None and not _waits_on_purpose(call):
                func = call.func
                by_folder.setdefault(posixpath.dirname(path), []).append((path, func.span if type(func) is SAttr else call.span, judged[0]))
        for folder, found in sorted(by_folder.items()):
            found.sort(key=lambda item: (item[0], item[1].line, item[1].column))
            path, span, what = found[0]
            others = found[1:]
            more = f"; {len(others)} other call{'s' if len(others) != 1 else ''} like it in `{folder or '.'}/`" if others else ""
            report(
                path,
                span,
                f"{what}: a peer that stops answering blocks it forever{more}, in code no request, task or command is seen to reach "
                "(plugins loaded by name, background loops, helpers): `scope = \"all\"` reports each",
                related=[Related(p, sp.line, f"{w} too") for p, sp, w in others[:_LISTED]],
                severity="info",
                confidence="low",
                fix_title="Pass a timeout to each of these calls: `timeout=(3.05, 10)` (connect, read)",
            )


def _http_modules(project) -> set[str]:
    """Modules that can make an HTTP call: they import a client library, or a project module
    that does (where a shared session or client is built)."""
    direct = set()
    for path, facts in project.files.items():
        py = facts.python
        if py is None:
            continue
        if facts.kind == "typescript":
            direct.add(py.module)  # `fetch` is a global: every script can call it
            continue
        # `from urllib import request` names the module only in the imported name
        names = (*py.imported_modules, *(qual for _, qual in py.imports))
        if any(m == lib or m.startswith(lib + ".") for m in names for lib in http.CLIENT_MODULES):
            direct.add(py.module)
    found = set(direct)
    for facts in project.files.values():
        py = facts.python
        if py is not None and py.module not in found:
            for m in py.imported_modules:
                target = project.find_module(m)
                if target is not None and target[1].module in direct:
                    found.add(py.module)
                    break
    return found


def _judge(graph, path, fn, call: SCall, socket_default: "_SocketDefault"):
    """(what is wrong, the timeout to add or None, related notes) for a call that can wait forever."""
    name = callee(graph, call.func)
    shown = f"`{written(graph, path, call, name or '')}(...)`"
    if graph.project.files[path].kind == "typescript":
        return script_calls.judge(graph, name, shown, call)
    if name in http.REQUESTS_FUNCTIONS:
        return _missing(shown, timeout_of(call), http.REQUESTS_TIMEOUT_FIX, "requests has no default timeout")
    if name in http.STDLIB_OPENERS:
        if socket_default.set:
            return None
        return _missing(shown, timeout_of(call, http.STDLIB_OPENERS[name]), http.STDLIB_TIMEOUT_FIX, "the socket default is no timeout")
    if name in http.HTTPX_FUNCTIONS or name in http.HTTPX_CLIENTS:
        return _explicitly_unbounded(graph, shown, call)
    if _aiohttp_unbounded(graph, call):
        return (f"{shown} is given `ClientTimeout(total=None)`, which bounds nothing", None, [])
    func = call.func
    if type(func) is not SAttr:
        return None
    method = func.name  # type: ignore[union-attr]
    if method not in http.SESSION_METHODS and method not in http.HTTPX_CLIENT_METHODS:
        return None
    made = origin(graph, path, fn, func.obj)  # type: ignore[union-attr]
    if made is None:
        return None
    note = [Related(made.path, made.span.line, f"the `{made.ctor}` is created here")]
    if made.ctor in http.REQUESTS_SESSIONS and method in http.SESSION_METHODS and not made.configured:
        position = _REQUESTS_SESSION_TIMEOUT_POSITION if method == "request" else None
        found = _missing(shown, timeout_of(call, position), http.REQUESTS_TIMEOUT_FIX, "a requests Session has no default timeout")
        return (found[0], found[1], note) if found else None
    if made.ctor in http.HTTPX_CLIENTS and method in http.HTTPX_CLIENT_METHODS:
        found = _explicitly_unbounded(graph, shown, call)
        return (found[0], found[1], note) if found else None
    return None


def _missing(what: str, timeout: str, fix: str, default: str):
    if timeout == "missing":
        return (f"{what} has no timeout ({default})", fix, [])
    if timeout == "none":
        return (f"{what} is given `timeout=None`, which waits forever", None, [])
    return None


def _explicitly_unbounded(graph, what: str, call: SCall):
    """httpx waits 5 s by default: only `timeout=None` / `httpx.Timeout(None)` is unbounded, and
    not on a stream, which is meant to stay open."""
    func = call.func
    if type(func) is SAttr and func.name in http.HTTPX_STREAM_METHODS:  # type: ignore[union-attr]
        return None
    value = keyword(call, "timeout")
    if type(value) is SConst and value.value is None:  # type: ignore[union-attr]
        return (f"{what} is given `timeout=None`, which turns off httpx's 5 s default", None, [])
    if type(value) is SCall and not value.kwargs and len(value.args) == 1:  # type: ignore[union-attr]
        arg = value.args[0]  # type: ignore[union-attr]
        if type(arg) is SConst and arg.value is None and callee(graph, value.func) in http.HTTPX_TIMEOUTS:  # type: ignore[union-attr]
            return (f"{what} is given `httpx.Timeout(None)`, which turns off httpx's 5 s default", None, [])
    return None


def _waits_on_purpose(call: SCall) -> bool:
    """The call says in so many words to wait forever: `timeout=None`, `Timeout(None)`,
    `ClientTimeout(total=None)`."""
    value = keyword(call, "timeout")
    if type(value) is SConst:
        return value.value is None  # type: ignore[union-attr]
    if type(value) is SCall:
        given = [*value.args, *(v for _, v in value.kwargs)]  # type: ignore[union-attr]
        return bool(given) and all(type(v) is SConst and v.value is None for v in given)
    return False


def _aiohttp_unbounded(graph, call: SCall) -> bool:
    value = keyword(call, "timeout")
    if type(value) is not SCall or callee(graph, value.func) not in http.AIOHTTP_TIMEOUTS:  # type: ignore[union-attr]
        return False
    given = dict(value.kwargs)  # type: ignore[union-attr]
    if value.args or "**" in given or set(given) - set(http.AIOHTTP_TIMEOUT_FIELDS):  # type: ignore[union-attr]
        return False
    total = given.get("total")
    others = [v for k, v in given.items() if k != "total"]
    unset = lambda v: type(v) is SConst and v.value is None  # noqa: E731
    return total is not None and unset(total) and all(unset(v) for v in others)


class _SocketDefault:
    """Whether the project calls `socket.setdefaulttimeout(...)` (urllib and http.client then
    have a timeout): read from the production modules' text, once, when first asked."""

    def __init__(self, graph):
        self.graph = graph

    @cached_property
    def set(self) -> bool:
        from scalelint.project import is_non_production_path

        for path, facts in sorted(self.graph.project.files.items()):
            if facts.python is None or is_non_production_path(path):
                continue
            if "socket" in " ".join(facts.python.imported_modules):
                text = self.graph.source(path)
                if text and "setdefaulttimeout(" in text:
                    return True
        return False


def _fix(project, path: str, call: SCall, timeout: str | None) -> Fix:
    """Insert the timeout after the call's last argument (before its closing parenthesis)."""
    if project.files[path].kind == "typescript":
        return Fix(f"Pass `{timeout}`" if timeout else "Give a finite timeout", "display")
    if timeout is None:
        return Fix("Give a finite timeout (seconds) instead of None", "display")
    title = HttpCallWithoutTimeout.fix_title if timeout == http.REQUESTS_TIMEOUT_FIX else f"Pass a timeout: `{timeout}`"
    found = _after_last_argument(project, path, call.span)
    if found is None:
        return Fix(title, "display")
    line, column, comma = found
    text = f" {timeout}," if comma else f", {timeout}"
    return Fix(title, "unsafe", (Edit(path, Span(line, column, line, column), text),))


def _after_last_argument(project, path: str, span: Span) -> tuple[int, int, bool] | None:
    """(line, column) just after the last token before the call's closing parenthesis, and
    whether that token is a comma; None when the call has no argument or its text cannot be read."""
    lines = [project.text_at(path, Span(n, 1, n, 10**6)) or "" for n in range(span.line, span.end_line + 1)]
    lines[-1] = lines[-1][: span.end_column - 1]
    first = span.column - 1
    lines[0] = lines[0][first:]
    skip = (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline) if t.type not in skip]
    except (tokenize.TokenError, SyntaxError):
        return None
    if len(tokens) < 2 or tokens[-1].string != ")" or tokens[-2].string == "(":
        return None
    row, col = tokens[-2].end
    return span.line + row - 1, col + 1 + (first if row == 1 else 0), tokens[-2].string == ","
