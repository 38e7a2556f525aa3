from dataclasses import dataclass
from typing import Optional

from scalelint.diagnostics import Related
from scalelint.rule import Rule

# The platform's router gives up on a request after this many seconds; a worker still busy
# with it after that works for nobody.
ROUTER_TIMEOUTS = {"procfile": ("Heroku's router", 30), "heroku": ("Heroku's router", 30)}


@dataclass(frozen=True)
class Options:
    max_timeout: Optional[int] = None  # seconds; a worker timeout above it is reported (default: the platform's router limit)


class WorkerTimeoutDisabled(Rule):
    code = "SCL205"
    name = "worker-timeout-disabled"
    summary = "gunicorn's worker timeout is 0 (disabled) or longer than the platform's router waits."
    message = "the worker timeout is disabled"
    fix_title = "Set a finite `--timeout` below the platform router's limit, and move slow work to a background job"
    Options = Options

    def check(self, project, report):
        self._paths = project.files
        for server in project.servers:
            if server.server != "gunicorn" or not server.production:
                continue
            setting = server.settings["timeout"]
            timeout = setting.value
            if not isinstance(timeout, int) or setting.is_default:
                continue
            related = [Related(setting.path, setting.line or 1, f"the timeout is set to {timeout} here")] if setting.path and setting.path != server.path else []
            if timeout == 0:
                report(server.path, server.span, "gunicorn's worker timeout is 0 (disabled): a hung request holds its worker forever, and enough of them stop the app", related=related)
                continue
            limit_name, limit = self._limit(server)
            if limit is not None and timeout > limit:
                report(
                    server.path,
                    server.span,
                    f"gunicorn's worker timeout is {timeout} s but {limit_name} gives up after {limit} s: slow requests keep workers busy for clients that are gone",
                    related=related,
                    fix_title=f"Set `--timeout` to at most {limit} s, and move slow work to a background job",
                )

    def _limit(self, server):
        if self.options.max_timeout is not None:
            return "the configured `max-timeout`", self.options.max_timeout
        origin = server.launched_by or server.command
        if origin.source == "procfile" and any(p.rsplit("/", 1)[-1] in ("manifest.yml", "manifest.yaml") for p in self._paths):
            return None, None  # Cloud Foundry reads Procfiles too, and its router waits 900 s
        return ROUTER_TIMEOUTS.get(origin.source, (None, None))
