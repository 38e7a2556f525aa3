from scalelint.diagnostics import Edit, Fix, Related
from scalelint.facts import Span
from scalelint.frameworks import gunicorn
from scalelint.project import launch
from scalelint.rule import Rule

# command lines a shell runs, where `${WEB_CONCURRENCY:-3}` keeps the platform's setting
_SHELL_SOURCES = frozenset({"procfile", "dockerfile", "shell"})


class UnconfiguredGunicorn(Rule):
    code = "SCL201"
    name = "unconfigured-gunicorn"
    summary = "Production gunicorn left at its default of one worker, or set to one sync worker."
    message = "gunicorn runs a single worker process"
    fix_title = "Set the worker count: `--workers ${WEB_CONCURRENCY:-3}` (about 2 x CPU cores + 1)"
    fixable = True  # `--workers` added after `gunicorn` in a Procfile, a Dockerfile or a shell script

    def check(self, project, report):
        reported = set()
        # one finding per command line: the deployment that runs it first, then the others
        for server in sorted(project.servers, key=lambda s: not s.deployed):
            if server.server != "gunicorn" or not server.production or (server.path, server.span) in reported:
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
            origin = server.launched_by or server.command
            if workers.is_default and launch.heroku_buildpack(project, origin) and project.settings.scope != "all":
                continue  # the buildpack sets WEB_CONCURRENCY on the dyno, and gunicorn reads it
            if workers.is_default and origin.source == "procfile" and not launch.cloud_foundry_procfile(project, origin):
                # Heroku's Python buildpack sets WEB_CONCURRENCY on the dyno, out of the repository's sight.
                message += " (unless the platform sets WEB_CONCURRENCY, as Heroku's Python buildpack does)"
                confidence = "medium"
            title = self._fix(server)
            edit = self._edit(project, server) if workers.is_default and not server.config_path else None
            fix = Fix(title, "unsafe", (edit,)) if edit else None  # more processes use more memory and connections: review it
            reported.add((server.path, server.span))
            report(server.path, server.span, message, fix=fix, fix_title=title, related=related, confidence=confidence)

    def _edit(self, project, server) -> Edit | None:
        """`--workers` right after the `gunicorn` word: `"--workers", "3"` in an exec-form
        list (no shell there to read WEB_CONCURRENCY), `--workers ${WEB_CONCURRENCY:-3}` where a
        shell runs the line."""
        span = server.span
        if server.command.source not in _SHELL_SOURCES or span.line != span.end_line:
            return None
        line = project.text_at(server.path, Span(span.line, 1, span.line, 1 << 20)) or ""
        word = line[span.column - 1 : span.end_column - 1]
        after = line[span.end_column - 1 : span.end_column]
        at = Span(span.line, span.end_column, span.line, span.end_column)
        if word == '"gunicorn"':  # the span of an exec-form word holds its quotes
            return Edit(server.path, at, ', "--workers", "3"')
        if word == "gunicorn" and after in (" ", ""):
            return Edit(server.path, at, " --workers ${WEB_CONCURRENCY:-3}")
        return None

    def _fix(self, server):
        if server.config_path:
            return f"Set `workers = multiprocessing.cpu_count() * 2 + 1` in {server.config_path}, or pass `--workers ${{WEB_CONCURRENCY:-3}}`"
        return self.fix_title
