from scalelint.deploy import extract_deploy
from scalelint.facts import Span

RENDER = """\
services:
  - type: web
    name: api
    runtime: python
    startCommand: gunicorn app:app --workers $WEB_CONCURRENCY
    numInstances: 2
    envVars:
      - key: WEB_CONCURRENCY
        value: 4
      - key: SECRET
        generateValue: true
      - key: DATABASE_URL
        fromDatabase: {name: db, property: connectionString}
      - key: API_TOKEN
        sync: false
      - fromGroup: shared
  - type: worker
    name: jobs
    runtime: docker
    rootDir: backend
  - type: web
    name: site
    env: docker
    dockerfilePath: ./docker/Dockerfile.web
"""


def test_render_services():
    commands, runs, problems = extract_deploy("render.yaml", "yaml", RENDER)
    assert problems == []
    (api,) = commands
    assert api.source == "render" and api.process == "api" and api.web is True and api.instances == 2
    assert api.argv[0].span == Span(5, 19, 5, 27)
    assert [w.text for w in api.argv][-1] == "$WEB_CONCURRENCY"
    assert [(e.name, e.value) for e in api.env] == [
        ("WEB_CONCURRENCY", "4"),
        ("SECRET", None),
        ("DATABASE_URL", None),
        ("API_TOKEN", None),
    ]
    assert api.env_opaque is True
    jobs, site = runs
    assert jobs.dockerfile == "backend/Dockerfile" and jobs.process == "jobs"
    assert site.dockerfile == "docker/Dockerfile.web"


def test_render_worker_is_not_web_and_broken_file_is_a_problem():
    text = "services:\n  - type: worker\n    name: q\n    startCommand: celery -A app worker\n"
    (cmd,), _, _ = extract_deploy("render.yaml", "yaml", text)
    assert cmd.web is False and cmd.process == "q"
    _, _, problems = extract_deploy("render.yaml", "yaml", "services:\n  - name: 'x\n")
    assert len(problems) == 1 and problems[0].message.startswith("invalid YAML")


def test_app_engine_entrypoint_and_env():
    text = 'runtime: python312\nentrypoint: gunicorn -b :$PORT main:app\nenv_variables:\n  WEB_CONCURRENCY: "2"\n'
    (cmd,), runs, problems = extract_deploy("app.yaml", "yaml", text)
    assert runs == [] and problems == []
    assert cmd.source == "appengine" and cmd.web is True
    assert [w.text for w in cmd.argv] == ["gunicorn", "-b", ":$PORT", "main:app"]
    assert cmd.argv[0].span == Span(2, 13, 2, 21)
    assert [(e.name, e.value) for e in cmd.env] == [("WEB_CONCURRENCY", "2")]


def test_app_engine_variant_needs_runtime_and_bad_yaml():
    text = "runtime: python312\nservice: api\nentrypoint: uvicorn main:app\n"
    (cmd,), _, _ = extract_deploy("deploy/app.staging.yaml", "yaml", text)
    assert cmd.process == "api" and cmd.source == "appengine"
    assert extract_deploy("config/app.settings.yaml", "yaml", "entrypoint: gunicorn x\n") == ([], [], [])
    _, _, problems = extract_deploy("app.yaml", "yaml", "runtime: [python\n")
    assert len(problems) == 1
