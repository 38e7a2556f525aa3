"""The database the deployment runs (scalelint.project.database): each source of evidence, how
they are weighed, and the `sql-dialect` setting as override."""

from __future__ import annotations

import pytest

from scalelint.config import Settings
from projects import build_repository


def database(files: dict[str, str], settings: Settings | None = None):
    return build_repository(files, settings).database


@pytest.mark.parametrize(
    "path, text, dialect, line",
    [
        ("docker-compose.yml", "services:\n  web:\n    build: .\n  db:\n    image: mariadb:10.11\n", "mysql", 5),
        ("docker-compose.yml", "services:\n  db:\n    image: docker.io/library/postgres:16-alpine\n", "postgres", 3),
        ("docker-compose.yml", "services:\n  db:\n    image: postgis/postgis:15-3.4\n", "postgres", 3),
        ("compose.yaml", "services:\n  db:\n    image: 'mysql:8'\n", "mysql", 3),
        (
            "docker-compose.yml",
            "services:\n  web:\n    build: .\n    environment:\n      DATABASE_URL: mysql://app:secret@db/app\n",
            "mysql",
            5,
        ),
        (
            "k8s/web.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n"
            "          env:\n            - name: SQLALCHEMY_DATABASE_URI\n              value: mysql+pymysql://app@db/app\n",
            "mysql",
            10,
        ),
        ("charts/app/values.yaml", "postgresql:\n  image:\n    repository: bitnami/postgresql\n", "postgres", 3),
        ("render.yaml", "services:\n  - type: web\n    name: web\ndatabases:\n  - name: db\n", "postgres", 4),
        ("fly.toml", 'app = "x"\n[env]\n  DATABASE_URL = "mariadb://app@db.internal/app"\n', "mysql", 3),
        (".env.example", "# DATABASE_URL=postgres://localhost/app\nDATABASE_URL=mysql://app:pw@localhost/app\n", "mysql", 2),
        ("app.json", '{\n  "name": "app",\n  "addons": ["jawsdb-maria:kitefin"]\n}\n', "mysql", 3),
        ("app.json", '{\n  "addons": [{"plan": "heroku-postgresql:mini"}]\n}\n', "postgres", 2),
        ("db/Dockerfile", "FROM mariadb:11\nCOPY init.sql /docker-entrypoint-initdb.d/\n", "mysql", 1),
        ("alembic.ini", "[alembic]\nsqlalchemy.url = mysql+mysqldb://app@localhost/app\n", "mysql", 2),
    ],
)
def test_deployment_files(path, text, dialect, line):
    found = database({path: text})
    assert (found.dialect, found.source) == (dialect, "detected")
    assert (found.evidence[0].path, found.evidence[0].line) == (path, line)


@pytest.mark.parametrize(
    "source, dialect",
    [
        ('DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "NAME": "app"}}\n', "mysql"),
        ('DATABASES = {"default": {"ENGINE": "django.contrib.gis.db.backends.postgis", "NAME": "app"}}\n', "postgres"),
        ('import os\nDATABASES = {"default": {"ENGINE": os.environ.get("DB_ENGINE", "django.db.backends.mysql")}}\n', "mysql"),
        ('import dj_database_url\nDATABASES = {"default": dj_database_url.config(default="mysql://app@localhost/app")}\n', "mysql"),
        ('from sqlalchemy import create_engine\nengine = create_engine("mysql+pymysql://app:pw@db/app", pool_size=5)\n', "mysql"),
        ('import os\nSQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "postgresql+psycopg://app@db/app")\n', "postgres"),
        ('class Config:\n    SQLALCHEMY_DATABASE_URI = f"mysql+pymysql://{USER}:{PW}@{HOST}/app"\n', "mysql"),
    ],
)
def test_python_settings(source, dialect):
    found = database({"app/settings.py": source})
    assert (found.dialect, found.evidence[0].path) == (dialect, "app/settings.py")


def test_prose_mentioning_a_url_is_not_evidence():
    found = database({"app/cli.py": 'HELP = "Give the URL, e.g. mysql://user@host/db"\n'})
    assert found.source == "assumed" and found.dialect == "postgres"


def test_production_compose_wins_over_test_settings():
    found = database(
        {
            "docker-compose.prod.yml": "services:\n  db:\n    image: postgres:16\n",
            "app/settings/test.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.mysql"}}\n',
            "tests/conftest.py": 'URL = "mysql://localhost/test"\n',
        }
    )
    assert (found.dialect, found.evidence[0].path) == ("postgres", "docker-compose.prod.yml")


def test_dev_files_config_classes_and_ci_count_for_nothing():
    found = database(
        {
            "docker-compose.dev.yml": "services:\n  db:\n    image: mariadb:10\n",
            ".github/workflows/main.yml": "jobs:\n  test:\n    services:\n      db:\n        image: mariadb:10\n",
            "app/config.py": 'class TestingConfig:\n    SQLALCHEMY_DATABASE_URI = "mysql://localhost/test"\n',
        }
    )
    assert found.source == "assumed"


def test_production_named_evidence_outranks_evidence_that_says_neither():
    found = database(
        {
            "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n",
            "deploy/docker-compose.production.yml": "services:\n  db:\n    image: mariadb:10.11\n",
        }
    )
    assert (found.dialect, found.evidence[0].path) == ("mysql", "deploy/docker-compose.production.yml")


def test_a_database_server_outranks_the_sqlite_fallback():
    found = database(
        {
            "app/settings.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}\n',
            "docker-compose.yml": "services:\n  db:\n    image: mariadb:10.11\n",
        }
    )
    assert found.dialect == "mysql"
    assert database({"app/settings.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}\n'}).dialect == "sqlite"


def test_disagreeing_evidence_judges_for_postgres_and_keeps_the_others():
    found = database(
        {
            "docker-compose.yml": "services:\n  db:\n    image: mariadb:10.11\n",
            "docker-compose.pg.yml": "services:\n  db:\n    image: postgres:16\n",
        }
    )
    assert found.dialect == "postgres"
    assert [e.dialect for e in found.others] == ["mysql"]


def test_the_setting_overrides_and_nothing_found_assumes_postgres():
    compose = {"docker-compose.yml": "services:\n  db:\n    image: mariadb:10.11\n"}
    assert database(compose, Settings(sql_dialect="postgres")).source == "setting"
    assert database(compose, Settings(sql_dialect="postgres")).dialect == "postgres"
    assumed = database({"app.py": "x = 1\n"})
    assert (assumed.dialect, assumed.source) == ("postgres", "assumed")
    assert "assumed" in assumed.describe() and "sql-dialect" in assumed.describe()


def test_passwords_are_not_repeated_in_evidence():
    found = database({"docker-compose.yml": "services:\n  web:\n    environment:\n      - DATABASE_URL=mysql://app:hunter2@db/app\n"})
    assert "hunter2" not in found.evidence[0].what and found.evidence[0].what.endswith("@db/app")
    assert "docker-compose.yml:4" in found.describe()


def test_the_schema_judges_for_the_detected_database():
    project = build_repository(
        {
            "docker-compose.yml": "services:\n  db:\n    image: mariadb:10.11\n",
            "schema.sql": "CREATE TABLE `users` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) ENGINE=InnoDB;\n",
        }
    )
    assert project.schema.dialect == "mysql"
    assert project.files["schema.sql"].problems == []  # backticks: read as MySQL under "auto"
    assert project.schema.table("users").primary_key == ("id",)
