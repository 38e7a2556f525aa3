"""`scalelint report`: the architecture matches the deployment files, the bottlenecks are the
lint run's findings, unknowns stay unknown, and the three formats carry the same review."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from clitools import run, write

from scalelint import api
from scalelint.config import load_settings
from scalelint.report import build_review, render
from scalelint.report.bottlenecks import CONFIGURATION
from scalelint.report.render_html import diagram
from scalelint.report.render_json import to_data

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SHOP = EXAMPLES / "flask-shop"


def _review(root: Path, monkeypatch, **overrides):
    monkeypatch.chdir(root)
    settings = load_settings([Path(".")], None)
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)
    return build_review([Path(".")], settings, cache=False)


FLASK_APP = "from flask import Flask\n\napp = Flask(__name__)\n"


def _project(root: Path, monkeypatch, files: dict[str, str]):
    """The review of a small project: a Flask app, and `files`."""
    write(root, {"pyproject.toml": f"[project]\nname = '{root.name}'\n", "app.py": FLASK_APP, **files})
    return _review(root, monkeypatch)


def _line(path: Path, number: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[number - 1]


@pytest.fixture(scope="module")
def shop():
    mp = pytest.MonkeyPatch()
    try:
        yield _review(SHOP, mp)
    finally:
        mp.undo()


# --- architecture: what the example's deployment files say -------------------------------


def test_shop_processes_are_the_procfile_and_dockerfile_commands(shop):
    by_where = {p.where: p for p in shop.architecture.processes}
    assert set(by_where) == {"Procfile:1", "Dockerfile:13"}
    # the lines the facts point at say what the report says they say
    assert "gunicorn" in _line(SHOP / "Procfile", 1) and "--threads 8" in _line(SHOP / "Procfile", 1)
    assert '"--workers", "3"' in _line(SHOP / "Dockerfile", 13)

    web = by_where["Procfile:1"]
    assert (web.server, web.name) == ("gunicorn", "web")
    assert (web.threads.value, web.threads.source, web.threads.where) == (8, "command line", "Procfile:1")
    assert (web.workers.value, web.workers.source) == (1, "default")  # the Procfile sets no workers
    assert web.worker_class.value == "sync" and web.concurrency == 8  # gunicorn turns sync into gthread with --threads

    image = by_where["Dockerfile:13"]
    assert (image.workers.value, image.workers.source, image.workers.where) == (3, "command line", "Dockerfile:13")
    assert image.threads.value == 1 and image.concurrency == 1
    for process in (web, image):
        assert process.production and process.deployed
        assert process.instances.value is None  # neither file states an instance count


def test_shop_database_pool_and_frameworks(shop):
    a = shop.architecture
    assert (a.database.value, a.dialect, a.database.where) == ("PostgreSQL", "postgres", "shop/db.py:9")
    assert "postgresql://" in _line(SHOP / "shop/db.py", 9)
    [pool] = a.pools
    assert (pool.library, pool.where, pool.capacity, pool.defaults) == ("sqlalchemy", "shop/db.py:10", 2, False)
    assert "pool_size=2" in _line(SHOP / "shop/db.py", 10)
    assert sorted(p.where for p in pool.processes) == ["Dockerfile:13", "Procfile:1"]
    assert [(n.name, n.detail, n.where) for n in a.frameworks] == [("flask", "6 routes, 1 middleware", "shop/views.py:17")]
    assert _line(SHOP / "shop/views.py", 17).startswith("@bp.get(")
    assert [n.name for n in a.orms] == ["sqlalchemy"] and a.orms[0].detail == "4 models"
    assert a.caches == [] and a.workers == []


# --- capacity: products of stated facts, unknown otherwise ----------------------------------


def test_shop_capacity_arithmetic(shop):
    c = shop.capacity
    assert (c.max_connections.value, c.max_connections.formula) == (50, "[tool.scalelint.rules.pool-exhaustion] max-connections")
    by_where = {entry.process.where: entry for entry in c.processes}
    web, image = by_where["Procfile:1"], by_where["Dockerfile:13"]
    assert (web.per_process.value, web.workers.value, web.per_instance.value) == (8, 1, 8)
    assert (image.per_process.value, image.workers.value, image.per_instance.value) == (1, 3, 3)
    for entry in (web, image):
        assert entry.instances.value is None and entry.fleet.value is None
        assert any("instance count" in why for why in entry.instances.decided_by)
    [web_pool], [image_pool] = web.pools, image.pools
    assert web_pool.binds.startswith("the pool: 8 requests at once share 2 connections, so 6 wait")
    assert image_pool.binds.startswith("the workers: 1 request at once")
    assert (web_pool.per_instance.value, web_pool.instances_to_max.value) == (2, 25)
    assert (image_pool.per_instance.value, image_pool.instances_to_max.value) == (6, 8)
    assert [(g.factor, g.connections.value, g.over_max) for g in image_pool.growth] == [(10, 60, True), (100, 600, True)]
    assert [(g.factor, g.connections.value, g.over_max) for g in web_pool.growth] == [(10, 20, False), (100, 200, True)]


def test_max_connections_unknown_without_the_setting(tmp_path, monkeypatch):
    review = _project(
        tmp_path,
        monkeypatch,
        {
            "db.py": "from sqlalchemy import create_engine\n\nengine = create_engine('postgresql://db/tiny', pool_size=4, max_overflow=0)\n",
            "Procfile": "web: gunicorn app:app --workers $WEB_CONCURRENCY --threads 4\n",
        },
    )
    [entry] = review.capacity.processes
    assert review.capacity.max_connections.value is None
    assert "max-connections" in review.capacity.max_connections.decided_by[0]
    assert entry.process.workers.value is None  # $WEB_CONCURRENCY: the platform's, not the repository's
    assert entry.per_process.value == 4 and entry.per_instance.value is None
    assert any("WEB_CONCURRENCY" in why for why in entry.workers.decided_by)
    [pool] = entry.pools
    assert pool.per_process.value == 4 and pool.per_instance.value is None and pool.instances_to_max.value is None
    assert all(g.connections.value is None and g.over_max is None for g in pool.growth)
    text = render(review, "markdown")
    assert "Database max_connections: unknown; decided by the database's `max_connections`" in text
    assert "- Worker processes per instance: unknown; decided by the worker count" in text


def test_async_server_serves_unbounded_and_states_instances(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'api'\n",
            "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/')\nasync def index():\n    return {}\n",
            "docker-compose.yml": "services:\n  web:\n    build: .\n    command: uvicorn main:app --workers 2\n    deploy:\n      replicas: 3\n",
        },
    )
    review = _review(tmp_path, monkeypatch)
    [process] = [p for p in review.architecture.processes if p.server == "uvicorn"]
    assert (process.workers.value, process.instances.value, process.concurrency) == (2, 3, "unbounded")
    assert process.threads is None and process.worker_class is None  # not uvicorn settings: n/a, not unknown
    assert render(review, "markdown").count("| n/a | n/a |") == 1
    data = to_data(review)
    assert [(p["threads"], p["worker_class"]) for p in data["architecture"]["processes"]] == [(None, None)]
    [entry] = [e for e in review.capacity.processes if e.process is process]
    assert (entry.per_instance.value, entry.fleet.value) == ("unbounded", "unbounded")
    assert [n.name for n in review.architecture.frameworks] == ["fastapi"]


def test_replicas_reach_the_image_cmd_and_the_script_a_service_runs(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'api'\n",
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
            "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nCMD [\"gunicorn\", \"app:app\", \"--workers\", \"3\"]\n",
            "start.sh": "#!/bin/sh\nexec gunicorn app:app --workers 2 --bind 0.0.0.0:9000\n",
            "docker-compose.yml": (
                "services:\n  web:\n    build: .\n    deploy:\n      replicas: 4\n"
                "  admin:\n    build: .\n    command: ./start.sh\n    deploy:\n      replicas: 2\n"
            ),
        },
    )
    review = _review(tmp_path, monkeypatch)
    by_where = {p.where: p.instances.value for p in review.architecture.processes}
    assert by_where == {"Dockerfile:4": 4, "start.sh:2": 2}, by_where


def test_task_workers_and_cache_clients_are_listed(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'q'\n",
            "app.py": "import redis\nfrom flask import Flask\n\napp = Flask(__name__)\ncache = redis.Redis()\n",
            "Procfile": "web: gunicorn app:app --workers 2\nworker: celery -A app.celery worker --concurrency 4\n",
        },
    )
    review = _review(tmp_path, monkeypatch)
    [worker] = review.architecture.workers
    assert (worker.name, worker.where) == ("celery", "Procfile:2")
    assert [(c.name, c.path) for c in review.architecture.caches] == [("Redis", "app.py")]
    assert [p.where for p in review.architecture.processes] == ["Procfile:1"]  # the worker serves no HTTP


def test_django_caches_the_production_settings_configure_are_listed(tmp_path, monkeypatch):
    # django_redis is configured in CACHES, never imported: the cache is still the app's
    settings = (
        "INSTALLED_APPS = ['shop']\n"
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shop', 'CONN_MAX_AGE': 60}}\n"
        "CACHES = {\n"
        "    'default': {'BACKEND': 'django_redis.cache.RedisCache', 'LOCATION': 'redis://cache:6379/1'},\n"
        "    'files': {'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache', 'LOCATION': '/tmp/c'},\n"
        "}\n"
    )
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'shop'\n",
            "shop/__init__.py": "",
            "shop/settings.py": settings,
            "shop/wsgi.py": "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\napplication = get_wsgi_application()\n",
            "Procfile": "web: gunicorn shop.wsgi --workers 2\n",
        },
    )
    review = _review(tmp_path, monkeypatch)
    assert [(c.name, c.detail, c.path, c.line) for c in review.architecture.caches] == [
        ("Django cache `default`", "`RedisCache` (`django_redis.cache.RedisCache`)", "shop/settings.py", 4),
        ("Django cache `files`", "`FileBasedCache` (`django.core.cache.backends.filebased.FileBasedCache`)", "shop/settings.py", 5),
    ]


def test_celery_multi_under_supervisord_is_a_task_worker(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'q'\n",
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
            "Procfile": "web: gunicorn app:app --workers 2\n",
            "deploy/celery.conf": "[program:celery_short]\ncommand=/srv/bin/celery multi start short1 short2 -c10 -Q short\n",
            "deploy/beat.conf": "[program:beat]\ncommand=/srv/bin/celery beat --loglevel=INFO\n",
        },
    )
    review = _review(tmp_path, monkeypatch)
    assert [(w.name, w.where) for w in review.architecture.workers] == [("celery", "deploy/celery.conf:2")]


def test_a_repository_with_nothing_to_describe(tmp_path, monkeypatch):
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'empty'\n", "notes.py": "x = 1\n"})
    review = _review(tmp_path, monkeypatch)
    assert review.architecture.processes == [] and review.capacity.processes == [] and review.bottlenecks == []
    for fmt in ("markdown", "json", "html"):
        assert render(review, fmt)
    assert "No deployment file or script starts a web server" in render(review, "markdown")


# --- bottlenecks: exactly the lint run's findings -----------------------------------------------


def _flat(review):
    return [b.diagnostic for g in review.bottlenecks for b in g.findings]


def test_bottlenecks_are_the_lint_findings(shop, monkeypatch):
    monkeypatch.chdir(SHOP)
    linted = api.lint([Path(".")], cache=False).diagnostics
    assert len(linted) == shop.findings == 7
    assert sorted((d.code, d.path, d.span.line) for d in _flat(shop)) == sorted((d.code, d.path, d.span.line) for d in linted)
    assert sorted(_flat(shop), key=lambda d: d.sort_key()) == sorted(linted, key=lambda d: d.sort_key())


def test_bottlenecks_are_grouped_by_endpoint_and_ranked(shop):
    titles = [(g.title, g.route) for g in shop.bottlenecks]
    assert titles[0] == ("`stats` (a Flask route)", "/stats")  # the one error (len() of every row) leads
    groups = {g.title: g for g in shop.bottlenecks}
    assert [b.diagnostic.code for b in groups["`stats` (a Flask route)"].findings] == ["SCL104", "SCL601"]
    assert [b.diagnostic.code for b in groups["`recent_orders` (a Flask route)"].findings] == ["SCL101"]
    assert sorted(b.diagnostic.code for b in groups[CONFIGURATION].findings) == ["SCL201", "SCL205", "SCL302"]
    n_plus_one = groups["`recent_orders` (a Flask route)"].findings[0]
    assert n_plus_one.estimate.startswith("1 + N queries per request")
    assert "o.customer.name" in n_plus_one.excerpt
    ranks = [g.rank for g in shop.bottlenecks]
    assert ranks == sorted(ranks)


def test_select_reaches_the_review(tmp_path):
    result = run(["report", "--format", "json", "--no-cache", "--select", "SCL101", "."], SHOP)
    assert result.returncode == 0, result.stderr
    codes = [f["code"] for g in json.loads(result.stdout)["bottlenecks"] for f in g["findings"]]
    assert codes == ["SCL101"]
    result = run(["report", "--format", "json", "--no-cache", "--ignore", "SCL101,SCL104", "."], SHOP)
    codes = sorted(f["code"] for g in json.loads(result.stdout)["bottlenecks"] for f in g["findings"])
    assert codes == ["SCL201", "SCL205", "SCL302", "SCL601", "SCL604"]


# --- formats ---------------------------------------------------------------------------------------


def test_json_structure(shop, monkeypatch):
    data = json.loads(render(shop, "json"))
    assert data == to_data(shop)
    assert set(data) == {"schema", "version", "project", "files", "findings", "architecture", "capacity", "bottlenecks", "strengths", "internal_errors", "notes"}
    assert set(data["architecture"]) == {"processes", "database", "pools", "frameworks", "orms", "caches", "workers"}
    for process in data["architecture"]["processes"]:
        for key in ("workers", "threads", "worker_class", "instances"):
            assert set(process[key]) == {"value", "source", "path", "line"}  # gunicorn has them all
    for entry in data["capacity"]["processes"]:
        for key in ("per_process", "workers", "per_instance", "instances", "fleet"):
            number = entry[key]
            assert set(number) == {"value", "formula", "decided_by"}
            assert (number["value"] is None) == bool(number["decided_by"])  # an unknown says what decides it
    # findings have the shape of `scalelint --format json`'s diagnostics, plus the estimate
    monkeypatch.chdir(SHOP)
    lint_json = json.loads(run(["--format", "json", "--no-cache", "."], SHOP).stdout)["diagnostics"]
    reported = [{k: v for k, v in f.items() if k != "estimate"} for g in data["bottlenecks"] for f in g["findings"]]
    key = lambda d: (d["path"], d["line"], d["code"])  # noqa: E731
    assert sorted(reported, key=key) == sorted(lint_json, key=key)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []
        self.urls: list[str] = []
        self.void = {"meta", "br", "line", "rect", "path"}

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("src", "href") and v and not v.startswith("#")]
        if tag not in self.void:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.void:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_says_what_markdown_says(shop):
    html = render(shop, "html")
    parser = _Tags()
    parser.feed(html)
    assert parser.stack == [] and parser.urls == []  # balanced, and nothing to fetch
    for fetching in ("<script", "<link", "<img", "@import", "<iframe"):
        assert fetching not in html
    assert re.findall(r"url\(([^)]*)\)", html) == ["#arrow"] * 3  # the arrowheads, defined in the file
    text = " ".join("".join(parser.text).split())
    assert "8 (command line, Procfile:1)" in text and "3 (command line, Dockerfile:13)" in text
    assert "the pool: 8 requests at once share 2 connections, so 6 wait for one" in text
    for d in _flat(shop):
        shown = " ".join(d.message.replace("`", "").split())  # `code` spans are set as <code>
        assert shown in text, shown
    assert "<code>postgresql://localhost/shop</code>" in html and "`" not in "".join(parser.text)


def test_html_diagram_links_processes_to_the_pool_and_database(shop):
    svg = ET.fromstring(diagram(shop.architecture))
    ns = {"s": "http://www.w3.org/2000/svg"}
    labels = [t.text for t in svg.iterfind(".//s:text", ns)]
    assert "web (gunicorn)" in labels and "gunicorn (gunicorn)" in labels
    assert "pool shop/db.py:10" in labels and "PostgreSQL" in labels
    assert len(svg.findall(".//s:line", ns)) == 3  # two processes -> the pool -> the database


def test_markdown_shows_unknowns_as_unknown(shop):
    text = render(shop, "markdown")
    assert "| `web` in Procfile:1 | gunicorn | 1 (gunicorn's default) | 8 (command line, Procfile:1) |" in text
    assert "- Instances: unknown; decided by the instance count" in text
    assert "- Requests at once, whole fleet: unknown" in text


# --- the CLI ---------------------------------------------------------------------------------------


def test_cli_writes_each_format_to_a_file(tmp_path):
    for fmt, probe in (("markdown", "# Scaling review: flask-shop"), ("json", '"project": "flask-shop"'), ("html", "<svg")):
        out = tmp_path / f"review.{fmt}"
        result = run(["report", "--no-cache", "--format", fmt, "-o", str(out), "."], SHOP)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "" and f"wrote the {fmt} review of flask-shop" in result.stderr
        assert probe in out.read_text(encoding="utf-8")


def test_cli_errors_exit_2_and_write_nothing(tmp_path):
    out = tmp_path / "review.md"
    for args in (["report", "no-such-dir"], ["report", "-"], ["report", "--format", "pdf", "."], ["report", "--select", "NOPE", "."]):
        result = run([*args, "-o", str(out)] if args[-1] != "-" else args, SHOP)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert not out.exists()


# --- the committed sample reports ---------------------------------------------------------------


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if (p / "pyproject.toml").is_file()))
def test_sample_report_is_current(example, monkeypatch):
    """examples/<name>/REPORT.md is what `scalelint report` prints there (SCALELINT_UPDATE=1 rewrites it)."""
    import os

    review = _review(EXAMPLES / example, monkeypatch)
    actual = render(review, "markdown")
    sample = EXAMPLES / example / "REPORT.md"
    if os.environ.get("SCALELINT_UPDATE") and (not sample.exists() or sample.read_text(encoding="utf-8") != actual):
        sample.write_text(actual, encoding="utf-8")
    assert sample.read_text(encoding="utf-8") == actual, f"{sample} is stale: SCALELINT_UPDATE=1 pytest tests/test_report.py rewrites it"


def test_the_docs_option_table_lists_exactly_the_report_options():
    import click

    from scalelint.report.command import report

    text = (Path(__file__).resolve().parents[1] / "docs" / "report.md").read_text(encoding="utf-8")
    table = text[text.index("| option | what it does |") :]
    table = table[: table.index("\n\n")]
    documented = {flag for row in table.splitlines()[2:] for flag in re.findall(r"`(--?[\w-]+)", row.split(" | ")[0])}
    declared = {opt for param in report.params for opt in (*param.opts, *param.secondary_opts) if opt.startswith("-")}
    declared |= set(report.get_help_option(click.Context(report, **report.context_settings)).opts)
    assert documented == declared, (sorted(documented - declared), sorted(declared - documented))


def test_only_processes_that_serve_http_are_listed(tmp_path, monkeypatch):
    review = _project(
        tmp_path,
        monkeypatch,
        {
            "seed.py": "print('seeding')\n",
            "Procfile": "release: python seed.py\nweb: gunicorn app:app -k gthread --threads $THREADS\n",
        },
    )
    [process] = review.architecture.processes
    assert process.where == "Procfile:2" and process.threads.value is None
    [entry] = review.capacity.processes
    # gthread with threads from the environment: the review names the setting and its place
    assert entry.per_process.value is None
    assert entry.per_process.decided_by == ("`threads` (command line, Procfile:2: not a value the repository states)",)


def test_a_pool_only_a_script_opens_serves_no_process(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'p'\n",
            "app.py": "from flask import Flask\nfrom sqlalchemy import create_engine\n\napp = Flask(__name__)\nengine = create_engine('postgresql://db/p', pool_size=10, max_overflow=0)\n",
            "scripts/backfill.py": "from sqlalchemy import create_engine\n\nengine = create_engine('postgresql://db/p', pool_size=1, max_overflow=0)\n",
            "Procfile": "web: gunicorn app:app --workers 2 --threads 4\n",
        },
    )
    review = _review(tmp_path, monkeypatch)
    pools = {p.path: p for p in review.architecture.pools}
    assert pools["scripts/backfill.py"].one_off == "a script, run by hand" and pools["scripts/backfill.py"].processes == []
    assert [p.where for p in pools["app.py"].processes] == ["Procfile:1"]
    [entry] = review.capacity.processes
    assert [d.pool.path for d in entry.pools] == ["app.py"]  # the script's pool asks the database for nothing per request
    assert "| scripts/backfill.py:3 | sqlalchemy | 1 (pool_size + max_overflow) | none: a script, run by hand |" in render(review, "markdown")


def test_a_script_two_files_run_is_shown_with_each_launcher(tmp_path, monkeypatch):
    review = _project(
        tmp_path,
        monkeypatch,
        {
            "start.sh": "#!/bin/sh\nexec gunicorn app:app --workers 2\n",
            "Procfile": "web: sh start.sh\n",
            "Dockerfile": "FROM python:3.12\nCMD [\"sh\", \"start.sh\"]\n",
        },
    )
    rows = sorted((p.name, p.located) for p in review.architecture.processes)
    assert rows == [("gunicorn", "start.sh:2 (run by Dockerfile:2)"), ("web", "start.sh:2 (run by Procfile:1)")]


def test_identical_rows_are_shown_once():
    from scalelint.report.architecture import Fact, Process, _distinct

    def row():
        return Process("uvicorn", "api", "start.sh", 3, True, True, "app:app", Fact(1), None, None, Fact(None), "unbounded", model=None, launched_by="Procfile:1")

    assert len(_distinct([row(), row()])) == 1


# --- what is already right -----------------------------------------------------------------------


def test_strengths_on_the_shop(shop):
    assert [(s.what, s.where) for s in shop.strengths] == [
        ("`gunicorn` (gunicorn) sets its worker count: 3 (command line)", "Dockerfile:13"),
        ("the pool's 2 connections cover the 1 request each `gunicorn` process (Dockerfile:13) serves at once", "shop/db.py:10"),
    ]  # not the Procfile's process: its 8 threads share the 2 connections (SCL302)


def test_strengths_name_eager_relations_and_a_fleet_within_max_connections(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'p'\n\n[tool.scalelint.rules.pool-exhaustion]\nmax-connections = 100\n",
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
            "db.py": "from sqlalchemy import create_engine\n\nengine = create_engine('postgresql://db/p', pool_size=4, max_overflow=0)\n",
            "models.py": (
                "from sqlalchemy import ForeignKey\n"
                "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n\n\n"
                "class Base(DeclarativeBase):\n    pass\n\n\n"
                "class Author(Base):\n    __tablename__ = 'authors'\n    id: Mapped[int] = mapped_column(primary_key=True)\n"
                "    books = relationship('Book', lazy='selectin')\n\n\n"
                "class Book(Base):\n    __tablename__ = 'books'\n    id: Mapped[int] = mapped_column(primary_key=True)\n"
                "    author_id: Mapped[int] = mapped_column(ForeignKey('authors.id'))\n    author = relationship('Author')\n"
            ),
            "docker-compose.yml": "services:\n  web:\n    build: .\n    command: gunicorn app:app --workers 2 --threads 4\n    deploy:\n      replicas: 3\n",
        },
    )
    review = _review(tmp_path, monkeypatch)
    whats = [(s.what, s.where) for s in review.strengths]
    assert ("`Author.books` is declared eager (lazy=\"selectin\"): no query per row", "models.py:12") in whats
    assert not any("Book.author" in what for what, _ in whats)  # lazy by default
    assert ("`web`'s fleet opens at most 24 connections through this pool, within max_connections 100", "db.py:3") in whats
    assert ("the pool's 4 connections cover the 4 requests each `web` process (docker-compose.yml:4) serves at once", "db.py:3") in whats
    assert "## What is already right" in render(review, "markdown") and "What is already right</h2>" in render(review, "html")


def test_markdown_endpoint_table_follows_the_ranking(shop):
    text = render(shop, "markdown")
    table = text[text.index("| # | Where | Findings | Estimate (first finding that has one) |") :].split("\n\n")[0].splitlines()[2:]
    assert [row.split(" | ")[2] for row in table] == [", ".join(b.diagnostic.code for b in g.findings) for g in shop.bottlenecks]
    assert table[0].startswith("| 1 | `stats` (a Flask route) `/stats` (shop/views.py:50) | SCL104, SCL601 | N rows loaded per request")


def test_a_finding_the_facts_do_not_place_goes_to_the_function_around_it():
    from scalelint.report.bottlenecks import _in_body

    lines = ["def view(request):", "    for a in qs:", "", "        a.b.c", "x = 1", "def other():", "    pass"]
    assert _in_body(lines, 1, 4)  # inside, past a blank line
    assert not _in_body(lines, 1, 5)  # module level again
    assert not _in_body(lines, 6, 4)  # a def after the line
