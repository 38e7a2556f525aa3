from scalelint.deploy import extract_deploy
from scalelint.facts import Span

COMPOSE = """\
x-env: &env
  environment:
    WEB_CONCURRENCY: 4
    SECRET_KEY:
  env_file: .env
services:
  web:
    <<: *env
    build: ..
    command: >
      sh -c "python manage.py migrate &&
             gunicorn app.wsgi -w 4"
    deploy:
      replicas: 3
  worker:
    build:
      context: ../backend
      dockerfile: docker/Dockerfile.worker
    environment:
      - QUEUE=default
      - TOKEN
  api:
    image: example/api
    entrypoint: ["/docker-entrypoint.sh"]
    command: ["uvicorn", "main:app", '--workers', "2"]
  db:
    image: postgres:16
"""


def test_compose_services():
    commands, runs, problems = extract_deploy("deploy/docker-compose.prod.yml", "yaml", COMPOSE)
    assert problems == []
    migrate, web, api = commands
    assert [w.text for w in migrate.argv] == ["python", "manage.py", "migrate"]
    assert [w.text for w in web.argv] == ["gunicorn", "app.wsgi", "-w", "4"]
    assert web.process == "web" and web.source == "compose" and web.instances == 3
    assert web.context == "production"
    # Folded scalar: positions are the real file lines, not the folded text.
    assert web.argv[0].span == Span(12, 14, 12, 22)
    assert migrate.argv[0].span == Span(11, 14, 11, 20)
    assert [(e.name, e.value) for e in web.env] == [("WEB_CONCURRENCY", "4"), ("SECRET_KEY", None)]
    assert web.env[0].span == Span(3, 5, 3, 23)
    assert web.env_opaque is True
    assert [w.text for w in api.argv] == ["/docker-entrypoint.sh", "uvicorn", "main:app", "--workers", "2"]
    assert api.runs_script == "docker-entrypoint.sh"
    assert api.argv[3].span == Span(25, 38, 25, 49)  # single-quoted list item, quotes included

    (worker,) = runs
    assert worker.process == "worker" and worker.source == "compose"
    assert worker.dockerfile == "backend/docker/Dockerfile.worker"
    assert [(e.name, e.value) for e in worker.env] == [("QUEUE", "default"), ("TOKEN", None)]
    assert worker.env[0].span == Span(20, 9, 20, 22)
    assert worker.env_opaque is False


def test_compose_build_string_and_literal_block():
    text = "services:\n  app:\n    build: ./svc\n  web:\n    build: .\n    command: |\n      gunicorn app:app\n        --bind :8000\n"
    commands, runs, _ = extract_deploy("compose.yaml", "yaml", text)
    (run,) = runs
    assert run.dockerfile == "svc/Dockerfile" and run.process == "app"
    gunicorn, bind = commands  # a literal block keeps its newline: two commands
    assert gunicorn.argv[0].span == Span(7, 7, 7, 15)
    assert bind.argv[1].span == Span(8, 16, 8, 21)


def test_compose_override_is_development_and_string_command_positions():
    text = 'services:\n  web:\n    command: "flask run --debug"\n'
    (cmd,), _, _ = extract_deploy("docker-compose.override.yml", "yaml", text)
    assert cmd.context == "development"
    assert cmd.argv[0].span == Span(3, 15, 3, 20)


def test_broken_compose_yaml_is_a_problem():
    commands, runs, problems = extract_deploy("docker-compose.yml", "yaml", "services:\n  web: [\n")
    assert commands == [] and runs == []
    (problem,) = problems
    assert problem.message.startswith("invalid YAML: ")
    assert "(line 3)" in problem.message
    assert problem.span.line == 3


def test_broken_unknown_yaml_is_silent():
    assert extract_deploy(".github/workflows/ci.yml", "yaml", "on: [push\njobs: {") == ([], [], [])
    workflow = "on: push\njobs:\n  test:\n    steps:\n      - run: gunicorn app\n"
    assert extract_deploy(".github/workflows/ci.yml", "yaml", workflow) == ([], [], [])
    assert extract_deploy("mkdocs.yml", "yaml", "site_name: x\nnav: []\n") == ([], [], [])
