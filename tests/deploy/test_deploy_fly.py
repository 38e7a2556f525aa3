from scalelint.deploy import extract_deploy
from scalelint.facts import Span

FLY = """\
app = "example"

[env]
  WEB_CONCURRENCY = "4"
  PORT = 8080
  DEBUG = false

[processes]
  app = "gunicorn app:app --workers 2"
  worker = 'celery -A proj worker'

[build]
  dockerfile = "Dockerfile.fly"
"""


def test_fly_processes_and_env():
    commands, runs, problems = extract_deploy("fly.toml", "toml", FLY)
    assert problems == [] and runs == []
    app, worker = commands
    assert app.source == "fly" and app.process == "app" and app.web is None
    assert [w.text for w in app.argv] == ["gunicorn", "app:app", "--workers", "2"]
    assert app.argv[0].span == Span(9, 10, 9, 18)
    assert worker.argv[0].span == Span(10, 13, 10, 19)
    assert [(e.name, e.value) for e in app.env] == [("WEB_CONCURRENCY", "4"), ("PORT", "8080"), ("DEBUG", "false")]
    assert app.env[0].span == Span(4, 3, 4, 24)


def test_fly_experimental_cmd_list_over_lines():
    text = '[experimental]\ncmd = ["gunicorn",\n  "app:app", "-w", "3"]\n'
    (cmd,), _, _ = extract_deploy("deploy/fly.production.toml", "toml", text)
    assert [w.text for w in cmd.argv] == ["gunicorn", "app:app", "-w", "3"]
    assert cmd.argv[0].span == Span(2, 8, 2, 18)
    assert cmd.argv[1].span == Span(3, 3, 3, 12)
    assert cmd.context == "production"


def test_fly_without_processes_runs_the_dockerfile():
    _, (run,), _ = extract_deploy("services/api/fly.toml", "toml", '[build]\n  dockerfile = "docker/Dockerfile"\n[env]\n  A = "1"\n')
    assert run.source == "fly" and run.dockerfile == "services/api/docker/Dockerfile"
    assert [(e.name, e.value) for e in run.env] == [("A", "1")]
    _, (default,), _ = extract_deploy("fly.toml", "toml", 'app = "x"\n')
    assert default.dockerfile == "Dockerfile"
    _, (image,), _ = extract_deploy("fly.toml", "toml", '[build]\n  image = "org/app:1"\n')
    assert image.dockerfile is None


def test_fly_parse_error_and_other_toml():
    _, _, (problem,) = extract_deploy("fly.toml", "toml", 'app = "x"\n[processes\n')
    assert problem.message.startswith("invalid TOML") and problem.span.line == 2
    assert extract_deploy("pyproject.toml", "toml", "[tool.x]\ncmd = 'gunicorn app'\n") == ([], [], [])
    assert extract_deploy("pyproject.toml", "toml", "[broken\n") == ([], [], [])
