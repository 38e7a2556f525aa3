"""Background work: task queues (Celery, RQ, Dramatiq, Huey) and command-line entry points.

What runs here is not the request path: a function a task decorator wraps runs in a worker
(Huey even enqueues on a direct call), a CLI command runs from a terminal or cron. The call
graph (`project.callgraph`) never walks into them from a request handler.

Work handed over as a *function object* is not called where it is handed over, so it needs no
table: `send.delay(...)`, `queue.enqueue(f, ...)`, `background_tasks.add_task(f, ...)`,
`transaction.on_commit(f)`, `Thread(target=f)`, `executor.submit(f)`, `run_in_threadpool(f)`,
`asyncio.to_thread(f)`, `sync_to_async(f)` all pass `f` as an argument, and the call graph only
follows what is called.
"""

from __future__ import annotations

# Decorators that make a function a task, qualified
TASK_DECORATORS = frozenset(
    {
        # Celery
        "celery.shared_task",
        "celery.task",
        "celery.decorators.task",
        "celery.decorators.periodic_task",
        "celery.task.periodic_task",
        # RQ
        "rq.decorators.job",
        "rq.job",
        "django_rq.job",
        "django_rq.decorators.job",
        # Dramatiq
        "dramatiq.actor",
        "django_dramatiq.actor",
        # Huey (its Django integration; `@huey.task()` on an app object is matched by method name)
        "huey.contrib.djhuey.task",
        "huey.contrib.djhuey.db_task",
        "huey.contrib.djhuey.periodic_task",
        "huey.contrib.djhuey.db_periodic_task",
        "huey.contrib.djhuey.lock_task",
    }
)
# Task decorators that are methods of an app or broker object: `@app.task`, `@celery.task(bind=True)`,
# `@huey.task()`, `@huey.periodic_task(...)`, `@broker.actor`, `@queue.job`: the method name
TASK_DECORATOR_METHODS = frozenset({"task", "shared_task", "periodic_task", "db_task", "db_periodic_task", "actor", "job"})

# Command-line entry points: click / typer / Flask's `app.cli` / Flask-Script commands
CLI_DECORATORS = frozenset({"click.command", "click.group", "typer.Typer.command", "flask.cli.with_appcontext"})
CLI_DECORATOR_METHODS = frozenset({"command", "group"})  # `@app.cli.command()`, `@cli.command()`, `@manager.command`

# Django management commands live in `<app>/management/commands/<name>.py`
MANAGEMENT_COMMANDS_DIR = "management/commands/"


def is_background_decorator(decorator: str) -> bool:
    """`decorator` (as `FunctionFacts.decorators` gives it) makes a task or a CLI command."""
    if decorator in TASK_DECORATORS or decorator in CLI_DECORATORS:
        return True
    head, dot, last = decorator.rpartition(".")
    if not dot:
        # a bare `@task` / `@job` / `@actor` not qualified through an import
        return last in ("shared_task", "periodic_task", "db_task", "db_periodic_task")
    return last in TASK_DECORATOR_METHODS or last in CLI_DECORATOR_METHODS


def is_management_command(path: str) -> bool:
    return f"/{MANAGEMENT_COMMANDS_DIR}" in path or path.startswith(MANAGEMENT_COMMANDS_DIR)
