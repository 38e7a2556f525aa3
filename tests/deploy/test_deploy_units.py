"""supervisord, systemd and Makefile readers."""

from scalelint.deploy import extract_deploy
from scalelint.facts import Span

SUPERVISORD = """\
[supervisord]
nodaemon=true

[program:web]
command=gunicorn app:app -w 4 ; run the site
environment=WEB_CONCURRENCY="4",DJANGO_SETTINGS_MODULE=app.settings
numprocs=2

[program:worker]
command=celery -A app worker
  --concurrency 8
"""


def test_supervisord_programs():
    (web, worker), runs, problems = extract_deploy("deploy/supervisord.conf", "ini", SUPERVISORD)
    assert runs == [] and problems == []
    assert web.source == "supervisord" and web.process == "web" and web.instances == 2
    assert [w.text for w in web.argv] == ["gunicorn", "app:app", "-w", "4"]
    assert web.argv[0].span == Span(5, 9, 5, 17)
    assert [(e.name, e.value) for e in web.env] == [
        ("WEB_CONCURRENCY", "4"),
        ("DJANGO_SETTINGS_MODULE", "app.settings"),
    ]
    assert web.env[0].span == Span(6, 13, 6, 32)
    assert [w.text for w in worker.argv] == ["celery", "-A", "app", "worker", "--concurrency", "8"]
    assert worker.argv[4].span == Span(11, 3, 11, 16)


def test_other_ini_files_give_nothing():
    assert extract_deploy("setup.cfg", "ini", "[metadata]\nname = x\n[options]\n") == ([], [], [])
    assert extract_deploy("tox.ini", "ini", "[tox]\ncommands = gunicorn app\n") == ([], [], [])


SERVICE = """\
[Unit]
Description=web app

[Service]
Environment="WEB_CONCURRENCY=4" "GREETING=hello world"
Environment=PYTHONUNBUFFERED=1
EnvironmentFile=-/etc/app.env
ExecStartPre=/srv/venv/bin/python manage.py migrate
ExecStart=-/srv/venv/bin/gunicorn app.wsgi \\
    --workers 3
"""


def test_systemd_unit():
    (cmd,), _, _ = extract_deploy("deploy/app.service", "systemd", SERVICE)
    assert cmd.source == "systemd" and cmd.process == "app"
    assert [w.text for w in cmd.argv] == ["/srv/venv/bin/gunicorn", "app.wsgi", "--workers", "3"]
    assert cmd.argv[0].span == Span(9, 12, 9, 34)
    assert cmd.argv[2].span == Span(10, 5, 10, 14)
    assert [(e.name, e.value) for e in cmd.env] == [
        ("WEB_CONCURRENCY", "4"),
        ("GREETING", "hello world"),
        ("PYTHONUNBUFFERED", "1"),
    ]
    assert cmd.env[0].span == Span(5, 13, 5, 32)
    assert cmd.env_opaque is True
    assert cmd.runs_script is None


def test_systemd_reset_and_prefixes():
    text = (
        "[Service]\nExecStart=/bin/old\nExecStart=\nExecStart=@+/usr/bin/uvicorn main:app\n"
        "[Install]\nExecStart=ignored\n"
    )
    (cmd,), _, _ = extract_deploy("uvicorn@.service", "systemd", text)
    assert [w.text for w in cmd.argv] == ["/usr/bin/uvicorn", "main:app"]
    assert cmd.argv[0].span == Span(4, 13, 4, 29)
    assert cmd.process == "uvicorn@" and cmd.env_opaque is False


MAKEFILE = """\
PORT := 8000
.PHONY: run prod deps

run:
\t@flask --app app run --debug --port $(PORT)

prod: deps ; gunicorn app:app -w $(WORKERS)

deps:
\t-pip install -r requirements.txt \\
\t  --quiet
\t$(MAKE) check

%.o: %.c
\tcc -c $<
"""


def test_makefile_targets():
    commands, runs, problems = extract_deploy("Makefile", "makefile", MAKEFILE)
    assert runs == [] and problems == []
    run, prod, pip, make = commands
    assert run.process == "run" and run.context == "development" and run.source == "makefile"
    assert [w.text for w in run.argv] == ["flask", "--app", "app", "run", "--debug", "--port", "$(PORT)"]
    assert run.argv[0].span == Span(5, 3, 5, 8)
    assert prod.process == "prod" and prod.context == "production"
    assert [w.text for w in prod.argv] == ["gunicorn", "app:app", "-w", "$(WORKERS)"]
    assert prod.argv[0].span == Span(7, 14, 7, 22)
    assert pip.process == "deps"
    assert pip.argv[0].span == Span(10, 3, 10, 6)
    assert pip.argv[-1].text == "--quiet" and pip.argv[-1].span == Span(11, 4, 11, 11)
    assert make.argv[0].text == "$(MAKE)"


def test_makefile_variables_and_defines_are_not_targets():
    text = (
        "define HELP\n\tgunicorn not-a-recipe\nendef\nURL = http://x:80\n\tstray recipe line\n"
        "serve-dev:\n\tuvicorn m:a --reload\n"
    )
    (cmd,), _, _ = extract_deploy("ops/web.mk", "makefile", text)
    assert cmd.process == "serve-dev" and cmd.context == "development"
    assert cmd.argv[0].span == Span(7, 2, 7, 9)
