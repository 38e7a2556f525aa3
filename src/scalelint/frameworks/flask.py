"""Flask (with Werkzeug's development server and Flask-SocketIO): which objects are apps,
which calls start a server, and how handlers are wired (routes, blueprints, MethodView,
Flask-RESTful/RESTX resources, Flask-AppBuilder's `expose`). Flask-SQLAlchemy's pool settings
live in `sqlalchemy`."""

from __future__ import annotations

# App constructors: qualified name -> (framework, interface, canonical name)
APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "flask.Flask": ("flask", "wsgi", "flask.Flask"),
    "flask.app.Flask": ("flask", "wsgi", "flask.Flask"),
}
# Functions that start a server: qualified name -> names of their positional parameters
RUN_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "werkzeug.serving.run_simple": ("hostname", "port", "application", "use_reloader", "use_debugger", "use_evalex"),
    "werkzeug.run_simple": ("hostname", "port", "application", "use_reloader", "use_debugger", "use_evalex"),
}
# `<object>.run(...)` of an app's canonical class -> names of its positional parameters
RUN_METHOD_PARAMS: dict[str, tuple[str, ...]] = {
    "flask.Flask.run": ("host", "port", "debug", "load_dotenv"),
    "flask_socketio.SocketIO.run": ("app", "host", "port"),
}
# `socketio = SocketIO(app)`: its run() serves the app it wraps
SOCKETIO_CONSTRUCTORS = frozenset({"flask_socketio.SocketIO"})
SOCKETIO_CLASS = "flask_socketio.SocketIO"

# --- request handlers --------------------------------------------------------------------
# Objects whose methods wire handlers: constructor -> role. Flask-Smorest and APIFlask
# blueprints are Flask blueprints; Flask-RESTX namespaces and Flask-RESTful / RESTX APIs
# route Resource classes (MethodView subclasses).
ROUTE_OBJECTS: dict[str, str] = {
    "flask.Flask": "app",
    "flask.app.Flask": "app",
    "flask.Blueprint": "blueprint",
    "flask.blueprints.Blueprint": "blueprint",
    "flask_smorest.Blueprint": "blueprint",
    "apiflask.APIFlask": "app",
    "apiflask.APIBlueprint": "blueprint",
    "flask_restx.Namespace": "namespace",
    "flask_restx.Api": "api",
    "flask_restful.Api": "api",
}
# Decorator methods of a route object -> (handler kind, HTTP methods; None: given by `methods=`)
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
ROUTE_DECORATORS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "route": ("route", None),
    **{m: ("route", (m.upper(),)) for m in HTTP_METHODS},
    # run around every request of the app (or of the blueprint)
    **{
        m: ("middleware", ())
        for m in (
            "before_request",
            "after_request",
            "teardown_request",
            "before_app_request",
            "after_app_request",
            "teardown_app_request",
            "teardown_appcontext",
            "url_value_preprocessor",
            "app_url_value_preprocessor",
        )
    },
    # run when a request fails (a 404 from a crawler, a 500): per request too
    "errorhandler": ("error-handler", ()),
    "app_errorhandler": ("error-handler", ()),
    "context_processor": ("context-processor", ()),
    "app_context_processor": ("context-processor", ()),
    **{
        m: ("template-tag", ())
        for m in (
            "template_filter",
            "template_global",
            "template_test",
            "app_template_filter",
            "app_template_global",
            "app_template_test",
        )
    },
}
# Methods that register a callable given as an argument: method -> (index of the callable among
# the positional arguments, its keyword, index of the URL rule (-1: none), handler kind)
REGISTER_METHODS: dict[str, tuple[int, str, int, str]] = {
    "add_url_rule": (2, "view_func", 0, "route"),
    "add_resource": (0, "resource", 1, "route"),  # Flask-RESTful / RESTX: add_resource(Resource, "/url")
    **{m: (0, "f", -1, kind) for m, (kind, _) in ROUTE_DECORATORS.items() if kind != "route"},
    **{m: (0, "f", -1, "template-tag") for m in ("add_template_filter", "add_template_global", "add_template_test")},
    "register_error_handler": (1, "f", -1, "error-handler"),
}
# Hook methods no other routing object has: a function parameter they are called on, in a project
# that builds a Flask app, is that app (`def register_error_handlers(app): app.errorhandler(...)`)
APP_HOOK_METHODS = frozenset(
    {
        "before_request", "after_request", "teardown_request", "teardown_appcontext", "errorhandler",
        "register_error_handler", "context_processor", "url_value_preprocessor", "before_app_request",
        "after_app_request", "teardown_app_request", "app_errorhandler", "app_context_processor",
    }
)
# Class-based views: base -> handler methods the base itself provides (none: the project writes them)
CLASS_VIEWS: dict[str, tuple[str, ...]] = {
    "flask.views.MethodView": (),
    "flask.views.View": (),
    "flask_restful.Resource": (),
    "flask_restx.Resource": (),
    "flask_smorest.MethodView": (),
}
VIEW_HANDLER_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "dispatch_request"})
# Flask-AppBuilder (Superset, Airflow 2): `@expose("/list/", methods=["GET"])` on a BaseView /
# BaseApi method routes it (the class is registered with `appbuilder.add_view`/`add_api`)
EXPOSE_DECORATORS = frozenset(
    {"flask_appbuilder.expose", "flask_appbuilder.baseviews.expose", "flask_appbuilder.api.expose", "flask_appbuilder.views.expose"}
)
