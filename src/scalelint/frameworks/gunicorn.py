"""gunicorn: its command-line options, defaults and worker classes.

Precedence (gunicorn's own): command line > GUNICORN_CMD_ARGS > config file > WEB_CONCURRENCY
(the default of `workers`) > built-in default."""

from __future__ import annotations

from scalelint.frameworks.cli import OptionSpec

DEFAULTS = {"workers": 1, "threads": 1, "worker_class": "sync", "worker_connections": 1000, "timeout": 30}
SETTINGS = tuple(DEFAULTS) + ("reload", "config", "chdir", "wsgi_app")

OPTIONS = OptionSpec(
    names={
        "-w": "workers",
        "--workers": "workers",
        "-k": "worker_class",
        "--worker-class": "worker_class",
        "--threads": "threads",
        "--worker-connections": "worker_connections",
        "-t": "timeout",
        "--timeout": "timeout",
        "-c": "config",
        "--config": "config",
        "--reload": "reload",
        "--chdir": "chdir",
    },
    flags=frozenset(
        {
            "--reload", "--spew", "--check-config", "--print-config", "--preload", "--no-sendfile",
            "--reuse-port", "-D", "--daemon", "-R", "--enable-stdio-inheritance", "--capture-output",
            "--initgroups", "--proxy-protocol", "--strip-header-spaces", "--log-syslog",
            "--disable-redirect-access-to-syslog", "--do-handshake-on-connect", "--suppress-ragged-eofs",
            "-v", "--version", "-h", "--help",
        }
    ),
    short_with_value=frozenset({"-w", "-k", "-b", "-t", "-c", "-n", "-e", "-p", "-u", "-g", "-m"}),
    # gunicorn parses with argparse, which takes any unique prefix: `--thread 8` is `--threads 8`,
    # `--work 4` is ambiguous (workers, worker-class, ...) and stops gunicorn with an error.
    long_options=frozenset(
        """
        --config --bind --backlog --workers --worker-class --threads --worker-connections --max-requests
        --max-requests-jitter --timeout --graceful-timeout --keep-alive --limit-request-line
        --limit-request-fields --limit-request-field_size --reload --reload-engine --reload-extra-file
        --spew --check-config --print-config --preload --no-sendfile --reuse-port --chdir --daemon --env
        --pid --worker-tmp-dir --user --group --umask --initgroups --forwarded-allow-ips
        --access-logfile --disable-redirect-access-to-syslog --access-logformat --error-logfile
        --log-file --log-level --capture-output --logger-class --log-config --log-config-json
        --log-syslog-to --log-syslog --log-syslog-prefix --log-syslog-facility
        --enable-stdio-inheritance --statsd-host --dogstatsd-tags --statsd-prefix --name --pythonpath
        --paste --proxy-protocol --proxy-allow-from --keyfile --certfile --ssl-version --cert-reqs
        --ca-certs --suppress-ragged-eofs --do-handshake-on-connect --ciphers --paste-global
        --permit-obsolete-folding --strip-header-spaces --permit-unconventional-http-method
        --permit-unconventional-http-version --casefold-http-method --forwarder-headers --header-map
        --version --help
        """.split()
    ),
)

# gunicorn started from Python: `class App(BaseApplication)` ... `App(wsgi_app, options).run()`
APPLICATION_CLASSES = frozenset({"gunicorn.app.base.BaseApplication", "gunicorn.app.base.Application", "gunicorn.app.wsgiapp.WSGIApplication"})
EMBEDDED_RUN = "gunicorn.app.base.BaseApplication.run"
EMBEDDED_OPTIONS_ARG = 1  # the options dict is the constructor's second argument, by convention

SYNC_CLASSES = {"sync", "gunicorn.workers.sync.SyncWorker"}
THREAD_CLASSES = {"gthread", "gunicorn.workers.gthread.ThreadWorker"}
GREEN_CLASSES = {
    "gevent", "eventlet", "gunicorn.workers.ggevent.GeventWorker", "gunicorn.workers.geventlet.EventletWorker",
    "gevent_wsgi", "gevent_pywsgi", "egg:gunicorn#gevent", "egg:gunicorn#eventlet",
}
BUILTIN_CLASSES = SYNC_CLASSES | THREAD_CLASSES | GREEN_CLASSES | {"tornado", "gunicorn.workers.gtornado.TornadoWorker"}


def serves_asgi(worker_class: str) -> bool:
    """Worker classes that run an ASGI application (uvicorn's, or uvicorn-worker's)."""
    lowered = worker_class.lower()
    return "uvicorn" in lowered or "asgi" in lowered


def effective_class(worker_class: str, threads: int | None) -> str:
    """gunicorn switches the sync worker to gthread when threads > 1."""
    if worker_class in SYNC_CLASSES and threads is not None and threads > 1:
        return "gthread"
    return worker_class


def concurrency_per_process(worker_class: str, threads: int | None, connections: int | None) -> int | None | str:
    """How many requests one gunicorn worker serves at once: a number, "unbounded" for
    async workers, or None when it cannot be known."""
    cls = effective_class(worker_class, threads)
    if cls in SYNC_CLASSES:
        return 1
    if cls in THREAD_CLASSES:
        return threads
    if cls in GREEN_CLASSES:
        return connections
    if serves_asgi(cls):
        return "unbounded"
    return None
