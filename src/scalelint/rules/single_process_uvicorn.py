from scalelint.diagnostics import Related
from scalelint.facts import Const
from scalelint.project.servers import ORCHESTRATED_SOURCES
from scalelint.rule import Rule


class SingleProcessUvicorn(Rule):
    code = "SCL204"
    name = "single-process-uvicorn"
    summary = "Production uvicorn with one process and no process manager: one CPU core serves everything."
    message = "uvicorn runs a single process"
    fix_title = "Pass `--workers N` (about one per CPU core), or run gunicorn with `-k uvicorn.workers.UvicornWorker`"

    def check(self, project, report):
        if self._orchestrated(project):
            return
        for server in project.servers:
            if not server.deployed:
                continue
            if server.server in ("uvicorn", "fastapi"):
                if server.value("reload") is True or not server.settings["workers"].is_default:
                    continue
                report(server.path, server.span, f"`{server.word.text}` runs a single process (no `--workers`, no WEB_CONCURRENCY): one CPU core serves every request")
            elif server.server == "python-script":
                self._script(server, report)

    def _script(self, server, report):
        for started in server.started:
            call = started.call
            if call.callee != "uvicorn.run":
                continue
            kwargs = dict(call.kwargs)
            reload = kwargs.get("reload")
            if "workers" in kwargs or "**" in kwargs or (isinstance(reload, Const) and reload.value):
                continue
            related = [Related(started.path, call.span.line, "`uvicorn.run(...)` without `workers=` starts one process")]
            report(server.path, server.span, f"`{server.label}` runs uvicorn in a single process: one CPU core serves every request", related=related)

    @staticmethod
    def _orchestrated(project):
        """Kubernetes or replicated services run one process per container by design."""
        return any(c.source in ORCHESTRATED_SOURCES for c in project.commands) or any(
            r.source in ORCHESTRATED_SOURCES or (r.instances or 1) > 1 for r in project.image_runs
        ) or any(c.source in ("compose", "supervisord", "cloudfoundry", "fly") and (c.instances or 1) > 1 for c in project.commands)
