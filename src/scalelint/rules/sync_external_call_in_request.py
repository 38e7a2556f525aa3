from scalelint.diagnostics import Related
from scalelint.facts import SAttr, SCall, SConst, SOneOf
from scalelint.frameworks import notifications as notify
from scalelint.frameworks import offload
from scalelint.project.clients import callee, loop_around, on_error_path, origin, production_imports, request_calls, written
from scalelint.rule import Rule


class SyncExternalCallInRequest(Rule):
    code = "SCL502"
    name = "sync-external-call-in-request"
    summary = "Email, push, SMS, SES/SNS or a synchronous analytics SDK called inline on the request path."
    message = "The request waits for an outside service that the response does not need"
    fix_title = "Move the call to a background task"

    def check(self, project, report):
        graph = project.callgraph
        queued_mail = _queued_email_backend(project)
        imports = production_imports(graph)
        for path, fn, reach, call in request_calls(graph):
            found = _judge(graph, path, fn, call, queued_mail)
            if found is None or on_error_path(graph, fn, call, reach.chain):
                continue  # an alert sent when something failed runs on the rare failing request
            what, related = found
            shown = f"`{written(graph, path, call, what)}(...)`"
            loop = loop_around(graph, fn, call, reach.chain)
            message = f"{shown} {what} inline, {reach.describe()}: the user waits for it, and a slow or hanging provider holds the worker"
            notes = [*reach.related(), *related]
            if loop is not None:
                message = f"{shown} {what} inside a loop, {reach.describe()}: the request waits for one round trip per element"
                notes.append(Related(loop[0], loop[1], "the loop"))
            fix = f"Move it to {offload.suggestion(imports, reach.root.framework)}"
            span = call.func.span if type(call.func) is SAttr else call.span
            report(path, span, message, fix_title=fix, related=notes)


def _judge(graph, path, fn, call: SCall, queued_mail: bool) -> tuple[str, list[Related]] | None:
    """(what the call does, notes) when it talks to an outside service."""
    name = callee(graph, call.func)
    if name in notify.FUNCTIONS:
        if queued_mail and name in notify.DJANGO_SENDS_THROUGH_BACKEND:
            return None
        return notify.FUNCTIONS[name], []
    func = call.func
    if type(func) is not SAttr:
        return None
    method = func.name  # type: ignore[union-attr]
    receiver = func.obj  # type: ignore[union-attr]
    if method == notify.TWILIO_SENDS[1] and type(receiver) is SAttr and receiver.name == notify.TWILIO_SENDS[0]:  # type: ignore[union-attr]
        made = origin(graph, path, fn, receiver.obj)  # type: ignore[union-attr]
        if made is not None and made.ctor in notify.TWILIO_CLIENTS:
            return notify.TWILIO_WHAT, [Related(made.path, made.span.line, f"the `{made.ctor}` is created here")]
        return None
    options = receiver.options if type(receiver) is SOneOf else (receiver,)  # type: ignore[union-attr]
    found = [_sends(graph, path, fn, method, option, queued_mail) for option in options]
    return found[0] if found and all(f is not None for f in found) else None


def _sends(graph, path, fn, method: str, receiver, queued_mail: bool) -> tuple[str, list[Related]] | None:
    """What `receiver.method(...)` does, judged by where the receiver was built."""
    made = origin(graph, path, fn, receiver)
    if made is None:
        return None
    note = [Related(made.path, made.span.line, f"the `{made.ctor.rsplit('.', 1)[-1]}` is created here")]
    spec = notify.METHODS.get(made.ctor)
    if spec is not None and method in spec[0]:
        if queued_mail and made.ctor in notify.DJANGO_SENDS_THROUGH_BACKEND:
            return None
        return spec[1], note if made.where != "here" else []
    if made.ctor in notify.AWS_CLIENT_FACTORIES:
        service = _aws_service(graph, made)
        sends = notify.AWS_SENDS.get(service or "")
        if sends is not None and method in sends[0]:
            return sends[1], [Related(made.path, made.span.line, f"the {service.upper()} client is created here")]  # type: ignore[union-attr]
    return None


def _aws_service(graph, made) -> str | None:
    """The service a `boto3.client("ses", ...)` is for: its first argument (or `service_name=`)."""
    if made.call is not None:
        first = made.call.args[0] if made.call.args else dict(made.call.kwargs).get("service_name")
        return first.value if type(first) is SConst and isinstance(first.value, str) else None  # type: ignore[union-attr]
    text = graph.source(made.path)
    if not text:
        return None
    line = text.split("\n")[made.span.line - 1]
    _, paren, rest = line.partition("(")
    head = rest.split(",")[0].split(")")[0].strip().strip("'\"") if paren else ""
    return head or None


def _queued_email_backend(project) -> bool:
    """The Django settings set `EMAIL_BACKEND` to a backend that queues (or keeps) mail; every
    assignment of it must be one, so a production override to SMTP still counts."""
    from scalelint.project import is_non_production_path
    from scalelint.project.environment import possible_strings

    values = []
    for path, facts in project.files.items():
        py = facts.python
        if py is None or is_non_production_path(path):
            continue
        for a in py.assignments:
            if a.name == "EMAIL_BACKEND":
                # `config("EMAIL_BACKEND", default="post_office.EmailBackend")`: what the
                # settings may give, the default included
                found = possible_strings(a.value)
                if not found:
                    return False
                values.extend(found)
    return bool(values) and all(v.startswith(notify.QUEUEING_EMAIL_BACKENDS) for v in values)
