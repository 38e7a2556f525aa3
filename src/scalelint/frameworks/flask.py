"""Flask (with Werkzeug's development server and Flask-SocketIO): which objects are apps and
which calls start a server. Flask-SQLAlchemy's pool settings live in `sqlalchemy`."""

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
