"""heroku.yml, Cloud Foundry manifests, Procfile variants, launchers and script branches."""

from scalelint.deploy import extract_deploy, launchers
from scalelint.deploy.branches import guarded_commands
from scalelint.deploy.shell import positions
from scalelint.discovery import classify
from scalelint.facts import Guard, Span

HEROKU = """\
setup:
  config:
    WEB_CONCURRENCY: 3
build:
  docker:
    web: Dockerfile
    worker: worker/Dockerfile
run:
  web: gunicorn shop.wsgi --bind 0.0.0.0:$PORT
"""


def test_heroku_yml_run_commands_and_images():
    (web,), (worker,), problems = extract_deploy("heroku.yml", "yaml", HEROKU)
    assert problems == []
    assert web.source == "heroku" and web.process == "web" and web.web is True
    assert [w.text for w in web.argv] == ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:$PORT"]
    assert web.argv[0].span == Span(9, 8, 9, 16)
    assert [(e.name, e.value) for e in web.env] == [("WEB_CONCURRENCY", "3")]
    # a process type with no `run` entry runs its image's CMD, with the app's config vars
    assert worker.source == "heroku" and worker.process == "worker" and worker.dockerfile == "worker/Dockerfile"
    assert [(e.name, e.value) for e in worker.env] == [("WEB_CONCURRENCY", "3")]


def test_heroku_yml_command_list_of_one_shell_line():
    text = "run:\n  worker:\n    command:\n      - celery -A shop worker --concurrency 4\n    image: web\n"
    (worker,), _, _ = extract_deploy("heroku.yml", "yaml", text)
    assert [w.text for w in worker.argv] == ["celery", "-A", "shop", "worker", "--concurrency", "4"]
    assert worker.web is False


CF = """\
---
applications:
- name: shop
  instances: 3
  command: gunicorn shop.wsgi
  env:
    WEB_CONCURRENCY: 4
    SECRET: ((secret))
- name: api
  processes:
  - type: web
    command: uvicorn api.main:app
    instances: 2
  - type: worker
    command: celery -A api worker
"""


def test_cloud_foundry_applications_and_processes():
    shop, api, api_worker = extract_deploy("manifest.yml", "yaml", CF)[0]
    assert shop.source == "cloudfoundry" and shop.process == "shop" and shop.instances == 3 and shop.web is True
    assert [(e.name, e.value) for e in shop.env] == [("WEB_CONCURRENCY", "4"), ("SECRET", None)]
    assert api.process == "api" and api.instances == 2 and [w.text for w in api.argv][0] == "uvicorn"
    assert api_worker.process == "api-worker" and api_worker.web is False and api_worker.instances is None


def test_other_manifests_are_not_cloud_foundry():
    kube = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
    assert extract_deploy("manifest.yml", "yaml", kube) == ([], [], [])
    assert extract_deploy("manifest.yml", "yaml", "name: my-extension\nversion: 1\n") == ([], [], [])


def test_procfile_variants_are_procfiles():
    assert [classify(n) for n in ("Procfile", "Procfile.dev", "Procfile-worker", "Procfile_honcho", "procfile.txt")] == [
        "procfile", "procfile", "procfile", "procfile", None,
    ]  # fmt: skip


def test_launchers_before_the_command():
    def start(line):
        texts = line.split()
        return texts[launchers.command_start(texts):]

    assert start("exec gosu app gunicorn x") == ["gunicorn", "x"]
    assert start("tini -g -- dumb-init -- gunicorn x") == ["gunicorn", "x"]
    assert start("sudo -E -u app gunicorn x") == ["gunicorn", "x"]
    assert start("sudo -Eu app gunicorn x") == ["gunicorn", "x"]
    assert start("runuser -u app -- gunicorn x") == ["gunicorn", "x"]
    assert start("chpst -u app:app gunicorn x") == ["gunicorn", "x"]
    assert start("uv run --env-file .env gunicorn x") == ["gunicorn", "x"]
    assert start("opentelemetry-instrument --traces_exporter console gunicorn x") == ["gunicorn", "x"]
    assert start("python -m gunicorn x") == ["python", "-m", "gunicorn", "x"]
    assert start("su app") == ["su", "app"]  # an interactive shell: no command


def test_command_strings_of_shells_and_su():
    def inner(line):
        texts = line.split("|")
        index = launchers.command_string(texts)
        return texts[index] if index is not None else None

    assert inner("sh|-c|gunicorn x") == "gunicorn x"
    assert inner("exec|gosu|app|bash|-lc|gunicorn x") == "gunicorn x"
    assert inner("su|app|-c|gunicorn x") == "gunicorn x"
    assert inner("su|-s|/bin/sh|-c|gunicorn x|app") == "gunicorn x"
    assert inner("runuser|-l|app|-c|gunicorn x") == "gunicorn x"
    assert inner("bash|entrypoint.sh") is None


SCRIPT = """\
#!/bin/sh
case "$1" in
  dev_server)
    exec python manage.py runserver
    ;;
  web|gunicorn) exec gunicorn app ;;
  *)
    exec "$@"
    ;;
esac
if [ "$ROLE" = "worker" ]; then
  exec celery -A app worker
elif [ "$ROLE" == "beat" ]; then
  exec celery -A app beat
else
  echo idle
fi
if [ -f /tmp/x ]; then
  echo unguarded
fi
"""


def test_case_and_if_branches():
    got = [([t.text for t in c][:2], g) for c, g in guarded_commands(SCRIPT, positions(SCRIPT))]
    assert got == [
        (["exec", "python"], (Guard("$1", ("dev_server",)),)),
        (["exec", "gunicorn"], (Guard("$1", ("web", "gunicorn"), ("dev_server",)),)),
        (["exec", "$@"], (Guard("$1", ("*",), ("dev_server", "web", "gunicorn")),)),
        (["[", "$ROLE"], ()),
        (["exec", "celery"], (Guard("$ROLE", ("worker",)),)),
        (["[", "$ROLE"], ()),
        (["exec", "celery"], (Guard("$ROLE", ("beat",), ("worker",)),)),
        (["echo", "idle"], (Guard("$ROLE", ("*",), ("worker", "beat")),)),
        (["[", "-f"], ()),
        (["echo", "unguarded"], ()),
    ]


def test_script_commands_carry_their_branches():
    commands, _, _ = extract_deploy("entrypoint.sh", "shell", SCRIPT)
    gunicorn = next(c for c in commands if c.argv[1].text == "gunicorn")
    assert gunicorn.guards == (Guard("$1", ("web", "gunicorn"), ("dev_server",)),)


def test_entrypoint_without_cmd_takes_arguments_at_run_time():
    (only,) = extract_deploy("Dockerfile", "dockerfile", 'FROM python\nENTRYPOINT ["/entrypoint.sh"]\n')[0]
    assert only.open_args is True
    (both,) = extract_deploy("Dockerfile", "dockerfile", 'FROM python\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["web"]\n')[0]
    assert both.open_args is False and [w.text for w in both.argv] == ["/entrypoint.sh", "web"]
