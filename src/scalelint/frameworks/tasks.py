"""Background work: task queues (Celery, RQ, Dramatiq, Huey) and command-line entry points.

What runs here is not the request path when it is queued: a function a task decorator wraps runs
in a worker when sent with `.delay(...)`; called directly it runs in the caller (except Huey's,
which enqueue even on a direct call). A CLI command runs from a terminal or cron: the call graph
(`project.callgraph`) never walks into one from a request handler.

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

# decorator method names only Huey has
HUEY_ONLY_DECORATORS = frozenset({"db_task", "db_periodic_task", "lock_task"})

# Command-line entry points: click / typer / Flask's `app.cli` / Flask-Script commands
CLI_DECORATORS = frozenset({"click.command", "click.group", "typer.Typer.command", "flask.cli.with_appcontext"})
CLI_DECORATOR_METHODS = frozenset({"command", "group"})  # `@app.cli.command()`, `@cli.command()`, `@manager.command`

# Django management commands live in `<app>/management/commands/<name>.py`
MANAGEMENT_COMMANDS_DIR = "management/commands/"


def is_cli_decorator(decorator: str) -> bool:
    """`decorator` (as `FunctionFacts.decorators` gives it) makes a command-line command."""
    name = decorator.split("(", 1)[0]
    if name in CLI_DECORATORS or name.startswith(("click.", "typer.")):
        return True
    head, dot, last = name.rpartition(".")
    return bool(dot) and last in CLI_DECORATOR_METHODS


def enqueues_when_called(decorator: str) -> bool:
    """A Huey task decorator: calling the task function enqueues it (Celery's, RQ's and
    Dramatiq's run the function in the caller when it is called directly)."""
    name = decorator.split("(", 1)[0]
    if name.startswith("huey."):
        return True
    head, dot, last = name.rpartition(".")
    return last in HUEY_ONLY_DECORATORS or (bool(dot) and last in TASK_DECORATOR_METHODS and "huey" in head.lower())


def is_management_command(path: str) -> bool:
    return f"/{MANAGEMENT_COMMANDS_DIR}" in path or path.startswith(MANAGEMENT_COMMANDS_DIR)


# Programs that run task workers, and the word after them that makes a worker (None: any
# invocation is one): `celery -A app worker`, `rq worker`, `dramatiq app.tasks`, `huey_consumer`.
# the subcommand that starts workers, where the program needs one (`celery multi start` starts
# several worker nodes; `celery beat` and `celery flower` are not workers)
WORKER_PROGRAMS = {
    "celery": ("worker", "multi"),
    "rq": ("worker",),
    "rqworker": None,
    "dramatiq": None,
    "huey_consumer": None,
    "huey_consumer.py": None,
    "arq": None,
}


def worker_program(words: list[str]) -> str | None:
    """The task queue a command line starts a worker of (`celery`, `rq`...), or None. The
    program may sit behind launchers (`exec`, `poetry run`, `python -m`), so any word counts."""
    for index, word in enumerate(words):
        name = word.rsplit("/", 1)[-1]
        if name not in WORKER_PROGRAMS:
            continue
        needed = WORKER_PROGRAMS[name]
        if needed is None or any(word in needed for word in words[index + 1 :]):
            return name.removesuffix(".py").removesuffix("_consumer")
    return None
