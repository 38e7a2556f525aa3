from scalelint.diagnostics import Related
from scalelint.frameworks import gunicorn
from scalelint.rule import Rule


class UnconfiguredGunicorn(Rule):
    code = "SCL201"
    name = "unconfigured-gunicorn"
    summary = "Production gunicorn left at its default of one worker, or set to one sync worker."
    message = "gunicorn runs a single worker process"
    fix_title = "Set the worker count: `--workers ${WEB_CONCURRENCY:-3}` (about 2 x CPU cores + 1)"

    def check(self, project, report):
        for server in project.servers:
            if server.server != "gunicorn" or not server.production:
                continue
            workers = server.settings["workers"]
            cls = server.value("worker_class")
            threads = server.value("threads")
            if workers.is_default:
                where = "no `--workers`, no `workers =` in a config file and no WEB_CONCURRENCY"
                message = f"gunicorn runs with its default of 1 worker ({where}): one process uses one CPU core"
                related = []
                if server.config_path:
                    related.append(Related(server.config_path, 1, "gunicorn reads this config file, which does not set `workers`"))
            elif workers.value == 1 and isinstance(cls, str) and cls in gunicorn.SYNC_CLASSES and threads == 1:
                message = "gunicorn runs 1 sync worker: it serves one request at a time"
                related = [Related(workers.path, workers.line or 1, "`workers` is set to 1 here")] if workers.path and workers.path != server.path else []
            else:
                continue
            confidence = "high"
            if workers.is_default and (server.launched_by or server.command).source == "procfile":
                # Heroku's Python buildpack sets WEB_CONCURRENCY on the dyno, out of the repository's sight.
                message += " (unless the platform sets WEB_CONCURRENCY, as Heroku's Python buildpack does)"
                confidence = "medium"
            report(server.path, server.span, message, fix_title=self._fix(server), related=related, confidence=confidence)

    def _fix(self, server):
        if server.config_path:
            return f"Set `workers = multiprocessing.cpu_count() * 2 + 1` in {server.config_path}, or pass `--workers ${{WEB_CONCURRENCY:-3}}`"
        return self.fix_title
