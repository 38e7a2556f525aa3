"""How a project hands work to the background, for the fix a request-path rule suggests: the
project's own mechanism when it has one (a task queue it imports), else what its web framework
offers (FastAPI's `BackgroundTasks`, Django's `transaction.on_commit`).

`QUEUES`: module a production file imports -> (name, how to enqueue), in order of preference.
"""

from __future__ import annotations

QUEUES: tuple[tuple[str, str, str], ...] = (
    ("celery", "Celery", "a Celery task called with `.delay(...)`"),
    ("django_rq", "RQ", "an RQ job (`django_rq.enqueue(...)`)"),
    ("rq", "RQ", "an RQ job (`queue.enqueue(...)`)"),
    ("dramatiq", "Dramatiq", "a Dramatiq actor called with `.send(...)`"),
    ("huey", "Huey", "a Huey task"),
    ("django_q", "Django-Q", "`django_q.tasks.async_task(...)`"),
    ("arq", "arq", "an arq job (`await redis.enqueue_job(...)`)"),
    ("procrastinate", "Procrastinate", "a Procrastinate task called with `.defer(...)`"),
)

FRAMEWORK_OFFLOAD = {
    "fastapi": "FastAPI's `BackgroundTasks` (`background_tasks.add_task(...)`, run after the response is sent)",
    "starlette": "a Starlette `BackgroundTask` on the response",
    "django": "a task queue (Celery, RQ), started from `transaction.on_commit(...)`",
    "drf": "a task queue (Celery, RQ), started from `transaction.on_commit(...)`",
    "flask": "a task queue (Celery, RQ)",
}


def suggestion(imported: set[str], framework: str) -> str:
    """Where to move the work: `imported` is every module production code imports (top-level
    names are enough), `framework` the handler's."""
    tops = {m.split(".", 1)[0] for m in imported}
    for module, _name, how in QUEUES:
        if module in tops:
            if framework in ("django", "drf"):
                return f"{how} (from `transaction.on_commit(...)` when it depends on the transaction)"
            return how
    return FRAMEWORK_OFFLOAD.get(framework, "a task queue (Celery, RQ)")
