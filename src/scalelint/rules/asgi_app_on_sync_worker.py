from scalelint.diagnostics import Related
from scalelint.frameworks import gunicorn
from scalelint.rule import Rule


class AsgiAppOnSyncWorker(Rule):
    code = "SCL203"
    name = "asgi-app-on-sync-worker"
    summary = "gunicorn serves an ASGI app (FastAPI, Starlette, Django asgi) without an ASGI worker class."
    message = "gunicorn serves an ASGI application with a WSGI worker class"
    fix_title = "Add `-k uvicorn.workers.UvicornWorker` (or `uvicorn_worker.UvicornWorker`) to the gunicorn command"

    def check(self, project, report):
        for server in project.servers:
            if server.server != "gunicorn" or not server.production or server.app_interface != "asgi":
                continue
            cls = server.value("worker_class")
            if not isinstance(cls, str) or cls not in gunicorn.BUILTIN_CLASSES:
                continue
            setting = server.settings["worker_class"]
            how = "the default `sync`" if setting.is_default else f"`{cls}`"
            related = []
            found = project.find_module(server.app.partition(":")[0].strip("'\"")) if server.app else None
            if found:
                app = next((a for a in found[1].apps if a.name == (server.app.partition(":")[2] or "application")), None)
                if app:
                    related.append(Related(found[0], app.span.line, f"`{app.name}` is an ASGI application ({app.framework})"))
            report(
                server.path,
                server.span,
                f"gunicorn serves the ASGI app `{server.app}` with {how} worker class: it cannot run it (requests fail) or runs it without its event loop",
                related=related,
            )
