"""Request every Django admin changelist of admin_shop/ over N rows and count its queries.

    python tests/execution/admin_runner.py                  # {"OrderAdmin": [queries at N=2, at N=5], ...}
    python tests/execution/admin_runner.py --sql OrderAdmin # also show its SQL (on stderr)

A superuser requests `/admin/store/<model>/` through Django's test client; each size is seeded
in a transaction that is rolled back. Exit status 1 (tracebacks on stderr) when a page failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from runner_cli import Tally, main

PROJECT = Path(__file__).resolve().parent / "admin_shop"


def setup() -> None:
    sys.path.insert(0, str(PROJECT))
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=[
            "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
            "django.contrib.sessions", "django.contrib.messages", "store",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        ROOT_URLCONF="store.urls",
        SECRET_KEY="not-a-secret",
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        TEMPLATES=[{
            "BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]},
        }],
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def measure(sizes: tuple[int, ...], show_sql: set[str]) -> tuple[dict[str, list[int]], dict[str, str]]:
    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.test import Client
    from store import models

    pages = {a.__class__.__name__: m for m, a in admin.site._registry.items() if m._meta.app_label == "store"}
    tally = Tally(show_sql)
    for n in sizes:
        with transaction.atomic():
            user = User.objects.create_superuser("staff", "staff@example.com", "pw")
            for i in range(n):
                region = models.Region.objects.create(name=f"region {i}")
                customer = models.Customer.objects.create(email=f"c{i}@example.com", region=region)
                for model in pages.values():
                    model.objects.create(customer=customer)
            client = Client()
            client.force_login(user)
            for name, model in sorted(pages.items()):
                tally.run(name, n, lambda model=model: _changelist(client, model, connection))
            transaction.set_rollback(True)
    return tally.result(sorted(pages))


def _changelist(client, model, connection) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    url = f"/admin/store/{model._meta.model_name}/"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    return [q["sql"] for q in captured.captured_queries]


def _measure(sizes: tuple[int, ...], show_sql: set[str]):
    setup()
    return measure(sizes, show_sql)


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], "rows", _measure))
