from scalelint.facts import Const, EnvVar, Unknown


def apps_of(pf):
    return {a.name: (a.framework, a.interface) for a in pf.apps}


def test_each_app_kind(facts, span):
    pf, src = facts(
        """
        import falcon
        import falcon.asgi
        import bottle
        from flask import Flask
        from quart import Quart
        from fastapi import FastAPI
        from starlette.applications import Starlette
        from sanic import Sanic
        from litestar import Litestar
        from django.core.wsgi import get_wsgi_application
        from django.core.asgi import get_asgi_application
        from aiohttp import web

        flask_app = Flask(__name__)
        quart_app = Quart(__name__)
        api: FastAPI = FastAPI(title="x")
        star = Starlette(routes=[])
        sanic_app = Sanic("svc")
        lite = Litestar(route_handlers=[])
        fal = falcon.App()
        fal_old = falcon.API()
        fal_async = falcon.asgi.App()
        bot = bottle.Bottle()
        application = get_wsgi_application()
        asgi_application = get_asgi_application()
        aio = web.Application()
        """
    )
    assert apps_of(pf) == {
        "flask_app": ("flask", "wsgi"),
        "quart_app": ("quart", "asgi"),
        "api": ("fastapi", "asgi"),
        "star": ("starlette", "asgi"),
        "sanic_app": ("sanic", "asgi"),
        "lite": ("litestar", "asgi"),
        "fal": ("falcon", "wsgi"),
        "fal_old": ("falcon", "wsgi"),
        "fal_async": ("falcon", "asgi"),
        "bot": ("bottle", "wsgi"),
        "application": ("django", "wsgi"),
        "asgi_application": ("django", "asgi"),
        "aio": ("aiohttp", "asgi"),
    }
    assert pf.apps[0].span == span(src, "flask_app")
    assert [a.name for a in pf.apps][:3] == ["flask_app", "quart_app", "api"]


def test_apps_need_the_real_import(facts):
    pf, _ = facts(
        """
        from myframework import Flask
        app = Flask(__name__)
        other = FastAPI()
        def f():
            from flask import Flask
            inner = Flask(__name__)
        """
    )
    assert pf.apps == ()


def test_star_import_and_module_alias(facts):
    pf, _ = facts("from flask import *\nimport fastapi as fa\napp = Flask(__name__)\napi = fa.FastAPI()\n")
    assert apps_of(pf) == {"app": ("flask", "wsgi"), "api": ("fastapi", "asgi")}


def test_app_factory_in_same_module(facts, span):
    pf, src = facts(
        """
        from fastapi import FastAPI

        def create_app(config=None):
            from flask import Flask
            app = Flask(__name__)
            app.config.from_object(config)
            return app

        def make_api():
            return FastAPI()

        def not_a_factory():
            return 42

        app = create_app()
        api = make_api()
        value = not_a_factory()
        """
    )
    assert apps_of(pf) == {"app": ("flask", "wsgi"), "api": ("fastapi", "asgi")}
    assert next(a for a in pf.apps if a.name == "app").span == span(src, "app", 4)


def test_middleware_wrapping_is_not_an_app(facts):
    pf, _ = facts("from fastapi import FastAPI\napp = CORSMiddleware(FastAPI())\n")
    assert pf.apps == ()


def test_run_in_and_out_of_main_guard(facts, span):
    pf, src = facts(
        """
        import os
        from flask import Flask
        app = Flask(__name__)
        app.run()

        if __name__ == "__main__":
            port = int(os.environ.get("PORT", 5000))
            app.run(host="0.0.0.0", port=port, debug=True)
        """
    )
    first, second = pf.run_calls
    assert first.callee == "flask.Flask.run" and first.receiver == "app"
    assert first.in_main_guard is False and first.kwargs == ()
    assert first.span == span(src, "run", 0)
    assert second.in_main_guard is True
    kw = dict(second.kwargs)
    assert kw["host"] == Const("0.0.0.0", span(src, '"0.0.0.0"'))
    assert kw["debug"] == Const(True, span(src, "True"))
    assert isinstance(kw["port"], EnvVar) and kw["port"].name == "PORT" and kw["port"].default.value == 5000
    assert second.span == span(src, "run", 1)


def test_positional_arguments_are_named(facts):
    pf, _ = facts(
        """
        from flask import Flask
        app = Flask(__name__)
        if __name__ == "__main__":
            app.run("0.0.0.0", 8080, True)
        """
    )
    assert [(k, v.value) for k, v in pf.run_calls[0].kwargs] == [("host", "0.0.0.0"), ("port", 8080), ("debug", True)]


def test_uvicorn_run(facts, span):
    pf, src = facts(
        """
        import uvicorn
        from fastapi import FastAPI
        app = FastAPI()
        if __name__ == "__main__":
            uvicorn.run("main:app", host="0.0.0.0", port=8000, reload=True, workers=4)
        """
    )
    (rc,) = pf.run_calls
    assert rc.callee == "uvicorn.run" and rc.receiver is None and rc.in_main_guard
    kw = {k: v.value for k, v in rc.kwargs}
    assert kw == {"app": "main:app", "host": "0.0.0.0", "port": 8000, "reload": True, "workers": 4}
    assert rc.span == span(src, "run")


def test_uvicorn_imported_function(facts, span):
    pf, src = facts("from uvicorn import run\nif __name__ == '__main__':\n    run(app, port=1)\n")
    (rc,) = pf.run_calls
    assert rc.callee == "uvicorn.run" and rc.receiver is None
    assert isinstance(dict(rc.kwargs)["app"], Unknown)
    assert rc.span == span(src, "run", 1)


def test_socketio_run(facts):
    pf, _ = facts(
        """
        from flask import Flask
        from flask_socketio import SocketIO
        app = Flask(__name__)
        socketio = SocketIO(app, async_mode="eventlet")
        if __name__ == "__main__":
            socketio.run(app, debug=True, allow_unsafe_werkzeug=True)
        """
    )
    (rc,) = pf.run_calls
    assert rc.callee == "flask_socketio.SocketIO.run" and rc.receiver == "socketio"
    assert isinstance(dict(rc.kwargs)["app"], Unknown)
    assert dict(rc.kwargs)["debug"].value is True


def test_unknown_receivers_and_module_functions(facts):
    pf, _ = facts(
        """
        import asyncio
        import subprocess
        from myproj import app
        from myproj.web import server as srv

        if __name__ == "__main__":
            app.run(debug=True, **extra)
            srv.app.run()
            asyncio.run(main_async())
            subprocess.run(["ls"])
            runner.run(suite)
        """
    )
    got = [(r.callee, r.receiver) for r in pf.run_calls]
    assert got == [("<unknown>.run", "app"), ("<unknown>.run", "srv.app"), ("<unknown>.run", "runner")]
    kw = pf.run_calls[0].kwargs
    assert kw[0][0] == "debug" and kw[1][0] == "**" and isinstance(kw[1][1], Unknown)


def test_run_via_main_function(facts):
    pf, _ = facts(
        """
        import sys
        import os
        from flask import Flask
        app = Flask(__name__)

        def main():
            import uvicorn
            port = int(os.environ.get("PORT", "8000"))
            if os.environ.get("DEV"):
                app.run(debug=True, port=port)
            uvicorn.run("svc:app", port=port)

        def helper():
            app.run()  # never called from the script: not reported

        def main2():
            helper()

        if __name__ == "__main__":
            sys.exit(main())
            main2()
        """
    )
    got = [(r.callee, r.receiver, r.in_main_guard, r.function) for r in pf.run_calls]
    # helper() is never called from the script: recorded as its function's, for a CLI to call
    assert got == [("flask.Flask.run", "app", True, None), ("uvicorn.run", None, True, None), ("flask.Flask.run", "app", False, "app.helper")]
    port = dict(pf.run_calls[0].kwargs)["port"]
    assert isinstance(port, EnvVar) and port.name == "PORT" and port.default.value == 8000


def test_run_through_local_factory_and_locals(facts):
    pf, _ = facts(
        """
        from flask import Flask
        def create_app():
            return Flask(__name__)
        app = create_app()

        def main():
            app = something_else()
            app.run()

        if __name__ == "__main__":
            app.run(port=5001)
            create_app().run()
            main()
        """
    )
    got = [(r.callee, r.receiver) for r in pf.run_calls]
    assert got == [("<unknown>.run", "app"), ("flask.Flask.run", "app"), ("flask.Flask.run", "create_app()")]


def test_main_called_at_module_level_is_not_in_guard(facts):
    pf, _ = facts(
        """
        from flask import Flask
        app = Flask(__name__)
        def start():
            app.run()
        start()
        """
    )
    (rc,) = pf.run_calls
    assert rc.in_main_guard is False and rc.callee == "flask.Flask.run"


def test_not_equal_guard_orelse(facts):
    pf, _ = facts(
        """
        from flask import Flask
        app = Flask(__name__)
        if __name__ != "__main__":
            pass
        else:
            app.run()
        """
    )
    assert pf.has_main_guard and pf.run_calls[0].in_main_guard


def test_other_servers(facts):
    pf, _ = facts(
        """
        from werkzeug.serving import run_simple
        import waitress
        if __name__ == "__main__":
            run_simple("localhost", 5000, app, use_reloader=True)
            waitress.serve(app, port=8080)
        """
    )
    got = [(r.callee, [k for k, _ in r.kwargs]) for r in pf.run_calls]
    assert got == [
        ("werkzeug.serving.run_simple", ["hostname", "port", "application", "use_reloader"]),
        ("waitress.serve", ["app", "port"]),
    ]


def test_pyramid_make_wsgi_app(facts):
    pf, _ = facts(
        """
        from pyramid.config import Configurator

        def main(global_config, **settings):
            with Configurator(settings=settings) as config:
                config.scan()
            return config.make_wsgi_app()

        with Configurator() as config:
            config.scan()
        app = config.make_wsgi_app()
        wsgi = main({})
        """
    )
    assert apps_of(pf) == {"app": ("pyramid", "wsgi"), "wsgi": ("pyramid", "wsgi")}
    pf, _ = facts("app = config.make_wsgi_app()\n")
    assert pf.apps == ()


def test_main_called_through_assignment_or_raise(facts):
    pf, _ = facts(
        """
        import uvicorn
        def main():
            uvicorn.run("a:app")
        def serve():
            uvicorn.run("b:app", reload=True)
        if __name__ == "__main__":
            code = main()
            raise SystemExit(serve())
        """
    )
    assert [dict(r.kwargs)["app"].value for r in pf.run_calls] == ["a:app", "b:app"]
    assert all(r.in_main_guard for r in pf.run_calls)


def test_parameter_named_like_the_app_is_not_the_app(facts):
    pf, _ = facts(
        """
        from flask import Flask
        app = Flask(__name__)
        def main(app=None):
            app.run()
        if __name__ == "__main__":
            main()
        """
    )
    assert [(r.callee, r.receiver) for r in pf.run_calls] == [("<unknown>.run", "app")]
