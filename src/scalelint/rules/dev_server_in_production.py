from scalelint.diagnostics import Related
from scalelint.facts import Const
from scalelint.rule import Rule

DEV_SERVERS = {
    "runserver": "Django's `runserver` is a development server (not security-hardened or performance-tested, auto-reloader on)",
    "flask-run": "`flask run` starts Flask's development server",
    "fastapi-dev": "`fastapi dev` starts a development server with auto-reload",
}
DEV_RUN_CALLS = {"flask.Flask.run": "Flask's development server", "quart.Quart.run": "Quart's development server"}


class DevServerInProduction(Rule):
    code = "SCL202"
    name = "dev-server-in-production"
    summary = "The web process is a development server (runserver, flask run, app.run(), --reload, DEBUG = True)."
    message = "a development server serves production traffic"
    fix_title = "Serve with gunicorn (WSGI) or gunicorn + uvicorn workers (ASGI), e.g. `gunicorn app:app --workers 3`"

    def check(self, project, report):
        for server in project.servers:
            if not server.deployed:
                continue
            found = self._problem(project, server)
            if found:
                message, related = found
                report(server.path, server.span, message, related=related)
        self._debug_settings(project, report)

    def _problem(self, project, server):
        if server.server in DEV_SERVERS:
            return f"{DEV_SERVERS[server.server]}: not built for production load", []
        if server.server == "uvicorn" and server.value("reload") is True:
            return "`uvicorn --reload` watches files and restarts on change: a development mode that cannot run several workers", []
        if server.server == "gunicorn" and server.value("reload") is True:
            setting = server.settings["reload"]
            related = [Related(setting.path, setting.line or 1, "`reload` is turned on here")] if setting.path and setting.path != server.path else []
            return "gunicorn runs with reload on: every worker watches the source tree and restarts on change, a development mode", related
        if server.server == "python-script":
            for started in server.started:
                call = started.call
                kwargs = dict(call.kwargs)
                if call.callee in DEV_RUN_CALLS:
                    debug = isinstance(kwargs.get("debug"), Const) and kwargs["debug"].value is True
                    extra = " with debug=True" if debug else ""
                    related = [Related(started.path, call.span.line, f"`{call.receiver or 'app'}.run()` starts the development server here")]
                    return f"`{server.label}` runs {DEV_RUN_CALLS[call.callee]}{extra}", related
                if call.callee == "uvicorn.run" and isinstance(kwargs.get("reload"), Const) and kwargs["reload"].value is True:
                    related = [Related(started.path, call.span.line, "`uvicorn.run(..., reload=True)` here")]
                    return f"`{server.label}` runs uvicorn with reload=True, a development mode", related
        return None

    def _debug_settings(self, project, report):
        if not any(s.deployed for s in project.servers):
            return  # DEBUG = True in a project nobody deploys from this repository is not ours to judge
        for settings in project.django.production_settings:
            debug = settings.debug
            if debug is None or not (isinstance(debug.value, Const) and debug.value.value is True):
                continue
            if settings.local_overrides:
                continue  # the site's own `settings_local`, not in the repository, may set it
            report(
                settings.debug_path,
                debug.span,
                f"DEBUG = True in the production settings `{settings.name}` ({settings.chosen_because}): Django keeps every SQL query in memory and serves detailed error pages",
                fix_title="Set `DEBUG = False` in production settings (read it from the environment: `DEBUG = os.environ.get(\"DJANGO_DEBUG\") == \"1\"`)",
            )
