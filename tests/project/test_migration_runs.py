"""How the deployment applies migrations (scalelint.project.migration_runs): at boot, before the
only web process serves, or as a step of its own while the running version serves."""

from __future__ import annotations

import pytest

from projects import build_repository

ENTRYPOINT = """\
#!/bin/sh
set -e
python manage.py migrate --noinput
exec "$@"
"""


def runs(files: dict[str, str]):
    return build_repository(files).unapplied.runs


def test_compose_service_migrates_then_serves():
    r = runs({"docker-compose.yml": 'services:\n  web:\n    build: .\n    command: sh -c "flask db upgrade && gunicorn app:app"\n'})
    [run] = r.runs
    assert (run.tool, run.at_boot, run.server) == ("alembic", True, "gunicorn")
    assert r.at_boot("alembic") is run and r.at_boot("django") is None


def test_dockerfile_entrypoint_script_migrates_before_the_cmd():
    r = runs(
        {
            "Dockerfile": 'FROM python:3.12\nENTRYPOINT ["/app/docker-entrypoint.sh"]\nCMD ["gunicorn", "app.wsgi"]\n',
            "docker-entrypoint.sh": ENTRYPOINT,
        }
    )
    assert [(x.tool, x.at_boot, x.server) for x in r.runs] == [("django", True, "gunicorn")]


def test_script_that_migrates_and_starts_the_server():
    r = runs(
        {
            "Dockerfile": 'FROM python:3.12\nCMD ["./start.sh"]\n',
            "start.sh": "#!/bin/sh\nalembic upgrade head\nexec gunicorn -w 4 app:app\n",
        }
    )
    assert [(x.tool, x.at_boot, x.server) for x in r.runs] == [("alembic", True, "gunicorn")]


def test_procfile_release_phase_runs_while_the_old_release_serves():
    r = runs({"Procfile": "release: python manage.py migrate\nweb: gunicorn app.wsgi\n"})
    assert [(x.tool, x.at_boot) for x in r.runs] == [("django", False)]
    assert r.at_boot("django") is None


def test_procfile_web_that_migrates_first_is_at_boot_unless_a_release_phase_also_does():
    assert runs({"Procfile": "web: python manage.py migrate && gunicorn app.wsgi\n"}).at_boot("django") is not None
    both = runs({"Procfile": "release: python manage.py migrate\nweb: python manage.py migrate && gunicorn app.wsgi\n"})
    assert both.at_boot("django") is None


def test_several_instances_keep_serving_while_one_migrates():
    compose = 'services:\n  web:\n    build: .\n    command: sh -c "python manage.py migrate && gunicorn app.wsgi"\n    deploy:\n      replicas: 3\n'
    assert runs({"docker-compose.yml": compose}).at_boot("django") is None


@pytest.mark.parametrize(
    "path, text",
    [
        (
            "k8s/web.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n"
            '        - name: web\n          image: app\n          command: ["sh", "-c", "python manage.py migrate && gunicorn app.wsgi"]\n',
        ),
        ("render.yaml", 'services:\n  - type: web\n    name: web\n    startCommand: "python manage.py migrate && gunicorn app.wsgi"\n'),
    ],
)
def test_rolling_platforms_keep_the_old_version_serving(path, text):
    r = runs({path: text})
    assert [x.tool for x in r.runs] == ["django"]
    assert r.at_boot("django") is None


def test_a_kubernetes_job_is_a_step_of_its_own():
    job = (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    spec:\n      containers:\n"
        '        - name: migrate\n          image: app\n          command: ["alembic", "upgrade", "head"]\n'
    )
    r = runs({"k8s/job.yaml": job})
    assert [(x.tool, x.at_boot) for x in r.runs] == [("alembic", False)]


def test_development_files_and_helper_scripts_do_not_count():
    r = runs(
        {
            "docker-compose.dev.yml": 'services:\n  web:\n    build: .\n    command: sh -c "python manage.py migrate && python manage.py runserver"\n',
            "regenerate.sh": "#!/bin/sh\ndropdb app\ncreatedb app\npython manage.py migrate\n",
            "Makefile": "init:\n\tpython manage.py migrate\n",
            "Dockerfile": 'FROM python:3.12\nENTRYPOINT ["/app/docker-entrypoint.sh"]\nCMD ["gunicorn", "app.wsgi"]\n',
            "docker-entrypoint.sh": ENTRYPOINT,
        }
    )
    assert [(x.command.path, x.at_boot) for x in r.runs] == [("docker-entrypoint.sh", True)]


def test_a_deploy_script_is_a_step_of_its_own():
    r = runs({"scripts/deploy.sh": "#!/bin/sh\nssh prod 'cd app && alembic upgrade head'\nalembic upgrade head\n"})
    assert [(x.tool, x.at_boot) for x in r.runs] == [("alembic", False)]


@pytest.mark.parametrize(
    "argv, tool",
    [
        ("python manage.py migrate --noinput", "django"),
        ("./manage.py migrate", "django"),
        ("django-admin migrate", "django"),
        ("python -m django migrate", "django"),
        ("alembic -c alembic.ini upgrade head", "alembic"),
        ("python -m alembic upgrade heads", "alembic"),
        ("flask db upgrade", "alembic"),
        ("python manage.py db upgrade", "alembic"),
        ("python manage.py makemigrations", None),
        ("alembic downgrade -1", None),
        ("flask run", None),
    ],
)
def test_what_applies_migrations(argv, tool):
    from scalelint.facts import Span, Word
    from scalelint.project.migration_runs import migrate_tool

    words = [Word(w, Span(1, 1, 1, 2)) for w in argv.split()]
    found = migrate_tool(words)
    assert (found[0] if found else None) == tool


def test_migrations_applied_at_boot_are_not_judged():
    files = {
        "Dockerfile": 'FROM python:3.12\nENTRYPOINT ["/app/docker-entrypoint.sh"]\nCMD ["gunicorn", "app.wsgi"]\n',
        "docker-entrypoint.sh": ENTRYPOINT,
        "shop/migrations/0001_initial.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = []\n    operations = []\n",
    }
    project = build_repository(files)
    [m] = project.schema.migrations
    verdict = project.unapplied.verdict(m)
    assert not verdict.judged and "at boot" in verdict.why and verdict.where == ("docker-entrypoint.sh", 3)
