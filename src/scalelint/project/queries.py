"""Queries, loops and what runs once per row: the evaluation SCL101-SCL104 and SCL604 report
from, and the query sites the index rules judge.

Every production function with a loop (or a count, or that answers requests, or that hands a
query to a function that loops over it) is evaluated once as a *root* by the evaluator core
(`project.evaluator`): a relation read on a row of a query that did not load it is an N+1
(SCL101); a query executed in a loop over rows of a query is a query-in-loop (SCL102). Calls
into the project's own functions are followed (a few levels): helpers, model methods and
properties called on a row. Class-based views that list rows without code of their own are
evaluated by `project.class_views`. What each data-access library does is in
`project.libraries`; what each finding says is in `project.cost_reports`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalelint.facts import FunctionFacts, SAttr, SIndex, Span
from scalelint.frameworks import FRAMEWORK_NAMES
from scalelint.project import admin_views, class_views, cost_reports, counting, rendering
from scalelint.project.evaluator import Frame
from scalelint.project.symbolic import calls_any, is_batch_command, loops_over_a_parameter
from scalelint.project.values import UNKNOWN, Cost, Instance, Obj, Query, Site

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["find_costs", "costs_of", "report_costs", "query_sites", "QueryAnalysis"]

_RESPONDING = frozenset({"route", "view", "action"})  # handler kinds whose return value is the response


class QueryAnalysis:
    """Project-wide: function index, then every production function with a loop evaluated once."""

    def __init__(self, project: "Project"):
        self.project = project
        self.orm = project.orm
        self.handlers = project.handlers
        self.functions: dict[str, tuple[str, FunctionFacts]] = {}
        for path, facts in project.files.items():
            py = facts.python
            if py is None:
                continue
            for fn in py.functions:
                self.functions.setdefault(fn.qualname, (path, fn))
        self.costs: dict[tuple[str, str, int, int], Cost] = {}
        self._included_once: set[tuple] = set()
        self.names: dict[str, object] = {}
        self.returns_memo: dict[tuple, object] = {}  # (function, arguments) -> return value
        self.bodies_done: set[tuple] = set()  # (function, arguments, anchor) evaluated for costs
        self._sharing: dict[str, counting.Sharing] = {}
        self._parents: dict[str, counting.Parents] = {}
        self._reached: dict[str, tuple[str, str] | None] = {}
        # (path, line, column) -> (the query as it runs, where, the handler it runs for)
        self.sites: dict[tuple[str, int, int], tuple[Query, Site, tuple[str, str] | None]] = {}
        self._templates: dict[str, FunctionFacts | None] = {}
        self._read_loops: dict[int, dict[int, int]] = {}
        self._library_memos: dict[str, dict] = {}

    def library_memo(self, name: str) -> dict:
        """A dict a library keeps what it worked out about this project in."""
        return self._library_memos.setdefault(name, {})

    def module_value(self, qual: str) -> object | None:
        """What a module-level name bound to SQL text (or a `.sql` file) holds, evaluated in
        its module; None for every other name."""
        module, _, name = qual.rpartition(".")
        found = self.project.find_module(module)
        if found is None:
            canon = self.project.resolve(qual)
            if canon is None or canon == qual:
                return None
            module, _, name = canon.rpartition(".")
            found = self.project.find_module(module)
        sym = dict(found[1].sql_values).get(name) if found is not None else None
        if sym is None:
            return None
        path, facts = found  # type: ignore[misc]
        frame = Frame(self, path, FunctionFacts(f"{facts.module}.<module>", "<module>", Span(1, 1, 1, 1), (), False), [], None, 0)
        frame.silent = True
        return frame.eval(sym)

    def template(self, path: str) -> FunctionFacts | None:
        if path not in self._templates:
            facts = self.project.files[path].template
            self._templates[path] = rendering.template_function(path, facts, self._included) if facts is not None else None
        return self._templates[path]

    def _included(self, name: str):
        """The facts of the template `{% include name %}` / `{% extends name %}` means."""
        path = rendering.find_template(self.project, name)
        facts = self.project.files[path].template if path is not None else None
        return (path, facts) if facts is not None else None

    def template_read_loops(self, fn: FunctionFacts) -> dict[int, int]:
        """Which loop each lookup of a template sits in (Python calls carry theirs)."""
        found = self._read_loops.get(id(fn))
        if found is None:
            found = self._read_loops[id(fn)] = {}
            reads = [(u.sym, u.loop) for u in fn.uses] + [(loop.iter, loop.parent) for loop in fn.loops]
            for node, where in reads:
                while type(node) in (SAttr, SIndex) and where is not None:
                    found.setdefault(id(node), where)
                    node = node.obj  # type: ignore[union-attr]
        return found

    def reached_by(self, qualname: str | None) -> tuple[str, str] | None:
        """(how to name it, framework) of the request handler whose calls reach `qualname`, when
        a public or signed-in request does (a staff-only one too with scope "all")."""
        if not qualname:
            return None
        if qualname not in self._reached:
            reach = self.project.callgraph.reach(qualname)
            self._reached[qualname] = (reach.root.label, reach.root.framework) if reach is not None and reach.chain else None
        return self._reached[qualname]

    def parents(self, fn: FunctionFacts) -> counting.Parents:
        found = self._parents.get(fn.qualname)
        if found is None:
            found = self._parents[fn.qualname] = counting.Parents(fn)
        return found

    def sharing(self, fn: FunctionFacts) -> counting.Sharing:
        found = self._sharing.get(fn.qualname)
        if found is None:
            found = self._sharing[fn.qualname] = counting.Sharing(fn)
        return found

    def root_frame(self, path: str, fn: FunctionFacts, binds: list[object], handler: tuple[str, str] | None = None) -> Frame:
        """A frame evaluated for its own sake (depth 0): the root of what it finds."""
        frame = Frame(self, path, fn, binds, None, 0)
        frame.handler = frame.root_handler = handler
        return frame

    def run(self) -> list[Cost]:
        from scalelint.project import is_non_production_path

        # functions whose loops run over what their caller hands in: a caller with no loop of
        # its own is judged when it calls one of them (it may pass a query), or renders a template
        consumers = frozenset({fn.name for _, fn in self.functions.values() if loops_over_a_parameter(fn)})
        consumers |= frozenset({q.rsplit(".", 1)[-1] for q in rendering.RENDER_CALLS})
        for qualname, (path, fn) in self.functions.items():
            if is_non_production_path(path) or is_batch_command(path):
                continue
            if not fn.loops and not counting.may_count(fn) and not self.handlers.is_handler(qualname) and not calls_any(fn, consumers):
                if self.reached_by(qualname) is None:
                    continue  # a helper a request calls runs its queries for that request (index rules)
            frame = self.root_frame(path, fn, self._root_bindings(fn), self.handler(fn.qualname))
            frame.evaluate_body()
            if frame.handler is not None:
                cost_reports.returned(frame)
        class_views.evaluate(self)
        admin_views.evaluate(self)
        return sorted(self.costs.values(), key=lambda c: (c.site.path, c.site.span.line, c.site.span.column, c.code))

    def handler(self, qualname: str) -> tuple[str, str] | None:
        """(how to name it in a message, framework) when the function answers requests: public
        or signed-in requests, or (with scope "all") staff-only ones too."""
        staff = self.project.settings.scope == "all"
        for h in self.handlers.of(qualname):
            if h.kind in _RESPONDING and (staff or not self.project.reaches.staff_handler(qualname, h.view_class)):
                name = qualname.rsplit(".", 2)
                label = ".".join(name[-2:]) if h.view_class else name[-1]
                framework = FRAMEWORK_NAMES.get(h.framework, h.framework)
                article = "an" if framework[:1] in "AEIOU" else "a"
                return f"`{label}` ({article} {framework} {h.kind})", h.framework
        return None

    def _root_bindings(self, fn: FunctionFacts) -> list[object]:
        binds: list[object] = [UNKNOWN] * len(fn.params)
        if fn.class_name and fn.params and "staticmethod" not in {d.rsplit(".", 1)[-1] for d in fn.decorators}:
            model = self.orm.model(fn.class_name)
            if model is not None:
                # which relations the caller loaded is unknown here: reads through `self` are
                # judged where a caller passes a row (a method called in a loop), not here
                binds[0] = Obj(model.qualname, everything=True)
            else:
                binds[0] = Instance(fn.class_name)
        return binds

    def add(self, cost: Cost) -> None:
        key = (cost.code, cost.site.path, cost.site.span.line, cost.site.span.column)
        if key in self.costs:
            return
        if type(cost.site.span) is rendering.SpanIn and cost.relation is not None and cost.rows is not None:
            # the same relation read in several snippets the loop includes (one per kind of
            # row, under `{% if %}`s): each row renders one of them, so it is one cost
            once = (cost.code, cost.relation.owner, cost.relation.name, cost.rows.origin)
            if once in self._included_once:
                return
            self._included_once.add(once)
        self.costs[key] = cost

    def function(self, qualname: str) -> tuple[str, FunctionFacts] | None:
        found = self.functions.get(qualname)
        if found is None:
            canon = self.project.resolve(qualname)
            if canon is not None:
                found = self.functions.get(canon)
        return found


def find_costs(project: "Project") -> list[Cost]:
    return _analysed(project).run()


def _analysed(project: "Project") -> QueryAnalysis:
    analysis = project.__dict__.get("_query_analysis")
    if analysis is None:
        analysis = project.__dict__["_query_analysis"] = QueryAnalysis(project)
    return analysis


def query_sites(project: "Project") -> list[tuple[Query, Site, tuple[str, str] | None]]:
    """Where queries run, with what they filter and order on (`Query.preds`, `.order`) and
    the request handler they run for: what the index rules judge."""
    costs_of(project, "")  # the evaluation that finds them
    return list(_analysed(project).sites.values())


def report_costs(project: "Project", code: str, report, skip=None) -> None:
    """What the query rules do: report the costs of their code (but those `skip` says no to)
    that the cost model finds worth it, with its estimate, the related places beside. A
    relation read several times on the rows of one loop is reported once, at the first read."""
    from scalelint.diagnostics import Fix, Related

    model = project.costs
    for cost, again in _once_per_loop(costs_of(project, code)):
        if skip is not None and skip(cost):
            continue
        verdict = model.judge_cost(cost)
        if not verdict.report:
            continue
        related = [Related(site.path, site.span.line, note) for site, note in cost.related]
        related += [Related(site.path, site.span.line, "read again here, on the same rows") for site in again]
        report(
            cost.site.path,
            cost.site.span,
            f"{cost.message}. Estimate: {verdict.estimate}" if verdict.estimate else cost.message,
            fix=Fix(cost.fix, cost.applicability, cost.edits) if cost.edits else None,  # type: ignore[arg-type]
            fix_title=cost.fix,
            related=[*related, *verdict.related],
            severity=verdict.severity,
            confidence=verdict.confidence,
        )


def _once_per_loop(costs: list[Cost]) -> list[tuple[Cost, list[Site]]]:
    """(cost, other sites of the same finding): SCL101 costs of one relation on the rows of one
    query, found by one root, are one finding."""
    groups: dict[tuple, tuple[Cost, list[Site]]] = {}
    out: list[tuple[Cost, list[Site]]] = []
    for cost in costs:
        rel = cost.relation
        if cost.code != "SCL101" or rel is None or cost.rows is None or cost.rows.origin is None:
            out.append((cost, []))
            continue
        key = (cost.root, cost.rows.origin, rel.owner, rel.name, cost.site.path)
        hit = groups.get(key)
        if hit is None:
            groups[key] = hit = (cost, [])
            out.append(hit)
        else:
            hit[1].append(cost.site)
    return out


def costs_of(project: "Project", code: str) -> list[Cost]:
    """The costs one rule reports; the evaluation runs once per project for all of them."""
    costs = project.__dict__.get("_query_costs")
    if costs is None:
        costs = project.__dict__["_query_costs"] = find_costs(project)
    return [c for c in costs if c.code == code]
