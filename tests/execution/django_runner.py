"""Run every `case_*` function of django_shop/shop/views.py over N events and count its queries.

    python tests/execution/django_runner.py                 # {"case_x": [queries at N=2, at N=5], ...}
    python tests/execution/django_runner.py --sql case_x    # also show case_x's SQL (on stderr)

Django's settings are process-global, so test_execution_agreement.py runs this in a subprocess.
The database is SQLite in memory; each size is seeded inside a transaction that is rolled back,
and each function runs inside a savepoint that is rolled back, so writes do not leak between
functions. Exit status 1 (tracebacks on stderr) when a function raised.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

from runner_cli import Tally, main

PROJECT = Path(__file__).resolve().parent / "django_shop"


def setup() -> None:
    sys.path.insert(0, str(PROJECT))
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["shop"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
    )
    django.setup()
    from django.apps import apps
    from django.db import connection

    with connection.schema_editor() as editor:
        for model in apps.get_app_config("shop").get_models():
            editor.create_model(model)  # also creates its many-to-many tables


def seed(n: int) -> None:
    """N events, each with its own organizer (and profile), two tags, two comments and two
    tickets; every event is held at the one venue, "Main Hall"."""
    from shop.models import Comment, Event, Organizer, Profile, Tag, Ticket, Venue

    hall = Venue.objects.create(name="Main Hall", capacity=500)
    tags = [Tag.objects.create(name=name) for name in ("music", "outdoor", "family")]
    for i in range(n):
        organizer = Organizer.objects.create(name=f"organizer {i}", city="Lyon")
        Profile.objects.create(organizer=organizer, bio=f"Organizer number {i}")
        event = Event.objects.create(
            title=f"event {i}",
            organizer=organizer,
            venue=hall,
            status=Event.DRAFT if i == 0 else Event.PUBLISHED,
        )
        event.tags.set(tags[:2])
        for j in range(2):
            Comment.objects.create(event=event, author=organizer, body=f"comment {j}")
            Ticket.objects.create(event=event, price=10 + j, sold=j == 1)


def cases() -> dict:
    from shop import views

    found = [
        fn
        for name, fn in inspect.getmembers(views, inspect.isfunction)
        if name.startswith("case_") and fn.__module__ == views.__name__
    ]
    return {fn.__name__: fn for fn in sorted(found, key=lambda fn: fn.__code__.co_firstlineno)}


def measure(sizes: tuple[int, ...], show_sql: set[str]) -> tuple[dict[str, list[int]], dict[str, str]]:
    from django.db import connection, transaction

    tally = Tally(show_sql)
    functions = cases()
    for n in sizes:
        with transaction.atomic():
            seed(n)
            for name, fn in functions.items():
                tally.run(name, n, lambda fn=fn: _run(fn, connection))
            transaction.set_rollback(True)
    return tally.result(functions)


def _run(fn, connection) -> list[str]:
    """The statements `fn` runs, in a savepoint rolled back after it."""
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            fn()
        transaction.set_rollback(True)
    return [q["sql"] for q in captured.captured_queries]


def _measure(sizes: tuple[int, ...], show_sql: set[str]):
    setup()
    return measure(sizes, show_sql)


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], "events", _measure))
